import Foundation

/// A lead's recorded decision to escalate although the promised coaching was not delivered: who, and why.
///
/// Whether the person is a lead is checked where roles are known (the route); here the reason is
/// what matters, since it goes on the audit log and to the agent.
public struct EscalationOverride: Sendable, Equatable, Codable {
    /// The lead who overrides.
    public var leadID: UUID
    /// Why escalation cannot wait for the coaching, in the lead's words, trimmed.
    public var reason: String

    /// An override with a reason that is present and at most 2,000 characters, reported on the field
    /// `overrideReason`.
    public init(leadID: UUID, reason: String) throws(ValidationFailure) {
        var checks = Checks()
        let trimmed = checks.text(reason, field: "overrideReason", max: 2_000)
        try checks.finish()
        self.leadID = leadID
        self.reason = trimmed!
    }
}
