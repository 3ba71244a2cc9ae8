import Foundation

/// Whether an improvement plan may escalate to a warning now, and why, in words for the lead and the agent.
public struct EscalationDecision: Sendable, Equatable {
    /// Whether the escalation may go ahead.
    public var allowed: Bool
    /// The step asked for.
    public var level: EscalationLevel
    /// One or two sentences with the coaching figures behind the decision.
    public var reason: String
    /// The coaching promised and delivered when the decision was made.
    public var tally: CoachingTally
    /// The override the decision relied on, when it did: to be recorded with the escalation.
    public var override: EscalationOverride?

    public init(
        allowed: Bool, level: EscalationLevel, reason: String, tally: CoachingTally, override: EscalationOverride?
    ) {
        self.allowed = allowed
        self.level = level
        self.reason = reason
        self.tally = tally
        self.override = override
    }
}
