import Foundation

/// A routing decision: this case goes to this agent, and why, in words a lead can read.
public struct Assignment: Sendable, Equatable {
    public var caseID: UUID
    public var agentID: UUID
    /// e.g. "returning customer's agent", "least loaded (2 open), idle longest".
    public var reason: String

    /// A decision with its reason.
    public init(caseID: UUID, agentID: UUID, reason: String) {
        self.caseID = caseID
        self.agentID = agentID
        self.reason = reason
    }
}
