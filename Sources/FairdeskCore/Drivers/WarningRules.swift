import Foundation

/// When a driver is warned, and what the warning says.
public enum WarningRules {
    /// The warning owed for a standing At risk, one finding per condition missed, each with the
    /// records against the driver as evidence; nil for any other tier (or no tier yet).
    public static func warning(
        for standing: DriverStanding, policy: DriverPolicy, id: String, now: Date
    ) -> DriverWarning? {
        guard standing.tier == .atRisk else { return nil }
        let findings = standing.judgement.shortfalls.map { shortfall in
            WarningFinding(
                metric: shortfall.metric, clause: nil, finding: shortfall.finding,
                evidence: standing.metric(shortfall.metric).against, wayBack: shortfall.wayBack)
        }
        return DriverWarning(
            id: id, driverID: standing.driverID, issuedAt: now, improveUntil: improveUntil(now, policy),
            findings: findings, policyVersion: policy.version ?? standing.policyVersion)
    }

    /// The warning for a policy-violation report. Refused, naming the field, when the clause is not
    /// in the policy version in force, the account is empty, there is no evidence, or the reporter is
    /// not a lead or reviewer.
    public static func warning(
        for report: PolicyViolationReport, policy: DriverPolicy, clauses: [PolicyClause], id: String, now: Date
    ) throws(ValidationFailure) -> DriverWarning {
        var checks = Checks()
        let clause = clauses.first { $0.number == report.clause }
        if clause == nil {
            checks.add(
                "clause",
                "must be a clause of the policy in force; known: " + clauses.map(\.number).joined(separator: ", "))
        }
        let account = checks.text(report.account, field: "account", max: 4000)
        if report.evidence.isEmpty { checks.add("evidence", "must list at least one record relied on") }
        if ![Role.lead, .reviewer].contains(report.reportedBy.role) {
            checks.add("reportedBy", "must be a lead or reviewer (got \(report.reportedBy.role.rawValue))")
        }
        try checks.finish()
        let finding = WarningFinding(
            metric: nil, clause: report.clause, finding: account ?? report.account, evidence: report.evidence,
            wayBack: "no further breach of clause \(report.clause) (\(clause?.title ?? "")) before the period ends")
        return DriverWarning(
            id: id, driverID: report.driverID, issuedAt: now, improveUntil: improveUntil(now, policy),
            findings: [finding], policyVersion: policy.version)
    }

    private static func improveUntil(_ now: Date, _ policy: DriverPolicy) -> Date {
        now.addingTimeInterval(TimeInterval(policy.warningPeriodDays) * 86_400)
    }
}
