import Foundation

/// A person's finding on a claim: confirming or changing the proposal, always with a reason.
public struct DisputeDecision: Sendable, Equatable, Codable {
    public var finding: DisputeFinding
    /// Why, in the decider's words; the driver reads it.
    public var reason: String
    public var decidedBy: StaffMember
    public var decidedAt: Date

    /// A decision from its parts; `DisputeRules.decide` checks it.
    public init(finding: DisputeFinding, reason: String, decidedBy: StaffMember, decidedAt: Date) {
        self.finding = finding
        self.reason = reason
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
    }
}
