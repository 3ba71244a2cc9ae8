import Foundation

/// A report that a driver broke a clause of the policy (not a metric): what, where in the policy,
/// on what evidence, and who says so.
public struct PolicyViolationReport: Sendable, Equatable, Codable {
    public var id: String
    public var driverID: String
    /// The clause number broken: "3.2".
    public var clause: String
    /// What happened, as the driver will read it.
    public var account: String
    /// Ids of the records relied on: deliveries, scans, photos, messages.
    public var evidence: [String]
    public var reportedBy: StaffMember
    public var reportedAt: Date

    /// A report as written.
    public init(
        id: String, driverID: String, clause: String, account: String, evidence: [String], reportedBy: StaffMember,
        reportedAt: Date
    ) {
        self.id = id
        self.driverID = driverID
        self.clause = clause
        self.account = account
        self.evidence = evidence
        self.reportedBy = reportedBy
        self.reportedAt = reportedAt
    }
}
