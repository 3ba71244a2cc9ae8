import Foundation

/// A written warning to a driver, which must come before any ordinary action.
public struct DriverWarning: Sendable, Equatable, Codable, Identifiable {
    public var id: String
    public var driverID: String
    public var issuedAt: Date
    /// The end of the period to improve (`warning_period_days` after issue); no ordinary action may
    /// be decided before it.
    public var improveUntil: Date
    public var findings: [WarningFinding]
    /// The policy version it was issued under.
    public var policyVersion: Int?

    /// A warning from its parts; `WarningRules` builds them.
    public init(
        id: String, driverID: String, issuedAt: Date, improveUntil: Date, findings: [WarningFinding],
        policyVersion: Int?
    ) {
        self.id = id
        self.driverID = driverID
        self.issuedAt = issuedAt
        self.improveUntil = improveUntil
        self.findings = findings
        self.policyVersion = policyVersion
    }

    /// The warning as the driver reads it, one paragraph per finding, then the date to improve by.
    public var text: String {
        var lines = findings.map { finding in
            "\(finding.subject): \(DriverText.sentence(finding.finding)) "
                + "Evidence: \(finding.evidence.joined(separator: ", ")). "
                + "To restore good standing: \(finding.wayBack)."
        }
        lines.append("You have until \(DriverText.instant(improveUntil)) to improve before any action is considered.")
        return lines.joined(separator: "\n")
    }
}
