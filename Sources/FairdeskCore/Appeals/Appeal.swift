import Foundation

/// A driver's appeal against a decision: their account, their evidence, and the clock on the review.
public struct Appeal: Sendable, Equatable, Codable, Identifiable {
    public var id: String
    public var decisionID: String
    public var driverID: String
    public var filedAt: Date
    /// The driver's side, in their words.
    public var account: String
    /// Ids of the evidence files the driver uploaded, each checked by `EvidenceCheck`.
    public var evidence: [String]
    public var reviewDueAt: Date
    public var escalateAt: Date
    /// Set when a reviewer takes it; never the person who made the decision.
    public var reviewer: StaffMember?

    /// An appeal from its parts; `AppealRules.file` builds one only inside the window.
    public init(
        id: String, decisionID: String, driverID: String, filedAt: Date, account: String, evidence: [String],
        reviewDueAt: Date, escalateAt: Date, reviewer: StaffMember? = nil
    ) {
        self.id = id
        self.decisionID = decisionID
        self.driverID = driverID
        self.filedAt = filedAt
        self.account = account
        self.evidence = evidence
        self.reviewDueAt = reviewDueAt
        self.escalateAt = escalateAt
        self.reviewer = reviewer
    }
}
