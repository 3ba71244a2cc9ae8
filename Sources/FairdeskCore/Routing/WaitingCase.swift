import Foundation

/// A case waiting for an agent, with what the router needs to rank it and match it.
public struct WaitingCase: Sendable, Equatable {
    public var id: UUID
    /// The queue it waits in; nil means any agent may take it.
    public var queueID: UUID?
    public var channel: ContactChannel
    public var requiredSkills: Set<String>
    /// The customer's tier; higher is served first.
    public var tierPriority: Int
    public var waitingSince: Date
    /// The nearest SLA due time, if any clock is running.
    public var dueAt: Date?
    /// Whether the customer has shown frustration (sentiment, repeated contact, escalation request).
    public var frustrated: Bool
    /// The agent who last owned this customer's open case; they get it back if they can take it.
    public var returningAgentID: UUID?

    /// A waiting case; only id, channel and wait start are required.
    public init(
        id: UUID, queueID: UUID? = nil, channel: ContactChannel, requiredSkills: Set<String> = [],
        tierPriority: Int = 0, waitingSince: Date, dueAt: Date? = nil, frustrated: Bool = false,
        returningAgentID: UUID? = nil
    ) {
        self.id = id
        self.queueID = queueID
        self.channel = channel
        self.requiredSkills = requiredSkills
        self.tierPriority = tierPriority
        self.waitingSince = waitingSince
        self.dueAt = dueAt
        self.frustrated = frustrated
        self.returningAgentID = returningAgentID
    }
}
