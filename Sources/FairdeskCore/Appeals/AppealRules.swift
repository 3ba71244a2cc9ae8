import Foundation

/// Filing, assigning, tracking and answering an appeal.
public enum AppealRules {
    /// Roles that may review an appeal.
    public static let reviewerRoles: Set<Role> = [.reviewer, .lead]
    /// The most evidence files one appeal carries.
    public static let maximumEvidence = 50

    /// The appeal `driverID` files against `decision` at `now`. Refused, naming the field, when it is
    /// not their decision (`decisionID`), the window has closed (`filedAt`), the account is empty or
    /// longer than 10,000 characters (`account`), or there are more than 50 files (`evidence`).
    public static func file(
        against decision: DriverDecision, by driverID: String, account: String, evidence: [String],
        terms: AppealTerms, id: String, now: Date
    ) throws(ValidationFailure) -> Appeal {
        var checks = Checks()
        if decision.driverID != driverID {
            checks.add("decisionID", "must be a decision about you")
        }
        let closes = terms.appealCloses(decidedAt: decision.decidedAt)
        if now > closes {
            checks.add(
                "filedAt",
                "must be within \(terms.appealWindowDays) days of the decision: the window closed at "
                    + DriverText.instant(closes))
        }
        let text = checks.text(account, field: "account", max: 10_000)
        if evidence.count > maximumEvidence {
            checks.add("evidence", "must be at most \(maximumEvidence) files (got \(evidence.count))")
        }
        try checks.finish()
        return Appeal(
            id: id, decisionID: decision.id, driverID: driverID, filedAt: now, account: text ?? account,
            evidence: evidence, reviewDueAt: terms.reviewDue(filedAt: now), escalateAt: terms.escalateAt(filedAt: now))
    }

    /// The appeal with `reviewer` assigned. Refused when they are not a reviewer or lead
    /// (`reviewer.role`) or made the original decision (`reviewer`): nobody reviews themselves.
    public static func assign(
        _ reviewer: StaffMember, to appeal: Appeal, decision: DriverDecision
    ) throws(ValidationFailure) -> Appeal {
        try checkReviewer(reviewer, decision: decision).finish()
        var assigned = appeal
        assigned.reviewer = reviewer
        return assigned
    }

    /// Where the appeal stands against its deadline at `now`.
    public static func status(of appeal: Appeal, resolution: AppealResolution?, now: Date) -> AppealDeadlineStatus {
        if resolution != nil { return .decided }
        if now > appeal.reviewDueAt { return .overdue }
        if now >= appeal.escalateAt { return .escalated }
        return .onTrack
    }

    /// The reviewer's answer. Refused, naming the field, when the reviewer may not review it
    /// (`reviewer`, `reviewer.role`), is not the one assigned (`reviewer`), gives no reasons
    /// (`reasons`), or sets conditions that cannot be tracked (`outcome.requirements`,
    /// `outcome.requirements[i]`, `outcome.dueBy`). A late answer is accepted and marked late:
    /// refusing it would only keep the driver waiting longer.
    public static func resolve(
        _ appeal: Appeal, decision: DriverDecision, reviewer: StaffMember, outcome: AppealOutcome, reasons: String,
        now: Date
    ) throws(ValidationFailure) -> AppealResolution {
        var checks = checkReviewer(reviewer, decision: decision)
        if let assigned = appeal.reviewer, assigned.id != reviewer.id {
            checks.add("reviewer", "must be the reviewer assigned to the appeal (\(assigned.name))")
        }
        let text = checks.text(reasons, field: "reasons", max: 8000)
        if case .conditionallyReinstated(let requirements, let dueBy) = outcome {
            if requirements.isEmpty {
                checks.add("outcome.requirements", "must list at least one requirement for a conditional reinstatement")
            }
            for (index, requirement) in requirements.enumerated() {
                let field = "outcome.requirements[\(index)]"
                switch requirement {
                case .trainingModule(let id, let title):
                    if id.trimmingCharacters(in: .whitespaces).isEmpty
                        || title.trimmingCharacters(in: .whitespaces)
                            .isEmpty
                    {
                        checks.add(field, "must name the training module by id and title")
                    }
                case .onTimeRate(let minimum, let blocks):
                    if !(minimum.isFinite && (0...1).contains(minimum)) {
                        checks.add(field, "must set an on-time rate from 0 to 1 (got \(minimum))")
                    }
                    if !(1...200).contains(blocks) {
                        checks.add(field, "must count between 1 and 200 blocks (got \(blocks))")
                    }
                }
            }
            if dueBy <= now { checks.add("outcome.dueBy", "must be in the future") }
        }
        try checks.finish()
        return AppealResolution(
            appealID: appeal.id, outcome: outcome, reviewer: reviewer, reasons: text ?? reasons, decidedAt: now,
            late: now > appeal.reviewDueAt)
    }

    /// Whether `reviewer` may answer `appeal` by the rules `resolve` applies to the person: a reviewer
    /// or lead who did not make the decision, and the one assigned when someone is. Pages ask this to
    /// offer the answer form only to whoever `resolve` would accept.
    public static func mayAnswer(_ appeal: Appeal, decision: DriverDecision, reviewer: StaffMember) -> Bool {
        guard checkReviewer(reviewer, decision: decision).problems.isEmpty else { return false }
        return appeal.reviewer.map { $0.id == reviewer.id } ?? true
    }

    /// Whether the person with `id` and `role` may open the driver's evidence files: the driver who
    /// filed the appeal, the reviewer assigned to it, and leads. Files can hold a driver's movements
    /// and photos of their day, so other reviewers read the appeal without them.
    public static func mayOpenEvidence(of appeal: Appeal, id: String, role: Role) -> Bool {
        switch role {
        case .driver: appeal.driverID == id
        case .lead: true
        case .reviewer: appeal.reviewer?.id == id
        default: false
        }
    }

    private static func checkReviewer(_ reviewer: StaffMember, decision: DriverDecision) -> Checks {
        var checks = Checks()
        if !reviewerRoles.contains(reviewer.role) {
            checks.add("reviewer.role", "must be reviewer or lead (got \(reviewer.role.rawValue))")
        }
        if reviewer.id == decision.decider.id {
            checks.add(
                "reviewer", "must not be the person who made the original decision (\(decision.decider.name))")
        }
        return checks
    }
}
