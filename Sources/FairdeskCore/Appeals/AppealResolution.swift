import Foundation

/// A reviewer's written, reasoned answer to an appeal.
public struct AppealResolution: Sendable, Equatable, Codable {
    public var appealID: String
    public var outcome: AppealOutcome
    public var reviewer: StaffMember
    /// The reasons, as the driver reads them.
    public var reasons: String
    public var decidedAt: Date
    /// Whether the answer came after the review deadline; kept so late answers show in reports.
    public var late: Bool

    /// A resolution from its parts; `AppealRules.resolve` builds one only when every rule holds.
    public init(
        appealID: String, outcome: AppealOutcome, reviewer: StaffMember, reasons: String, decidedAt: Date, late: Bool
    ) {
        self.appealID = appealID
        self.outcome = outcome
        self.reviewer = reviewer
        self.reasons = reasons
        self.decidedAt = decidedAt
        self.late = late
    }
}
