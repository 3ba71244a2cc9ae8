import Foundation

/// An event excused from a driver's metrics: which record, which code, who applied it and why.
///
/// The record stays on the driver's page with the excuse shown; it only stops counting.
public struct Excuse: Sendable, Equatable, Codable {
    /// A block, package or feedback id. An excuse on a block covers its packages and their feedback;
    /// one on a package covers its feedback.
    public var recordID: String
    public var code: ExcuseCode
    public var source: ExcuseSource
    /// Why, in the words of whoever applied it: "Storm warning, depot closed routes at 14:00".
    public var reason: String
    public var appliedAt: Date
    /// For illness: when the driver reported it. Required for that code, ignored otherwise.
    public var reportedAt: Date?

    /// An excuse as applied; call `validate(recordStart:)` before storing it.
    public init(
        recordID: String, code: ExcuseCode, source: ExcuseSource, reason: String, appliedAt: Date,
        reportedAt: Date? = nil
    ) {
        self.recordID = recordID
        self.code = code
        self.source = source
        self.reason = reason
        self.appliedAt = appliedAt
        self.reportedAt = reportedAt
    }

    /// Checks the excuse against the record it covers, which started at `recordStart`: a reason of
    /// at most 500 characters; applied by a lead (reviewer, admin) by name or by a depot feed with a name; and for
    /// illness, a report made before the record started, since "reported in advance" is the code.
    /// A reviewer or admin may apply one too: they answer for drivers' records as much as a lead does.
    public func validate(recordStart: Date) throws(ValidationFailure) {
        var checks = Checks()
        checks.text(reason, field: "reason", max: 500)
        switch source {
        case .lead(let person):
            if ![Role.lead, .reviewer, .admin].contains(person.role) {
                checks.add(
                    "appliedBy", "must be a lead, reviewer, admin or depot data (got \(person.role.rawValue))")
            }
            checks.text(person.name, field: "appliedBy.name", max: 120)
        case .depotData(let feed):
            checks.text(feed, field: "appliedBy.feed", max: 120)
        }
        if code == .illnessReportedInAdvance {
            if let reportedAt {
                if reportedAt >= recordStart {
                    checks.add(
                        "reportedAt",
                        "must be before the block started (\(DriverText.instant(recordStart))) for "
                            + "illness reported in advance")
                }
            } else {
                checks.add("reportedAt", "is required for illness reported in advance")
            }
        }
        try checks.finish()
    }
}
