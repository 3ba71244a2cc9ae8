import Foundation

/// Turns a proposal into a decision, only when a named human decides it with proper reasons.
public enum DecisionRules {
    /// Roles that may decide an action against a driver.
    public static let deciderRoles: Set<Role> = [.lead, .reviewer]

    /// The decision on `proposal`, or every reason it cannot be submitted, each naming the field:
    /// - `decider.role`: only a lead or reviewer decides; `decider.name`: by name; `decider`: not the
    ///   person who proposed the action.
    /// - `statement.clause`: a clause of `version`; `statement.evidence`: at least one record;
    ///   `statement.text`: the reasons in words.
    /// - `statement.grounds`: at least one, each listed in the policy and none forbidden (the fixed
    ///   list of `DecisionGrounds.alwaysForbidden` plus those the policy forbids).
    /// - `proposal.immediate`: only a suspension may take effect at once, and only on an urgent ground;
    ///   it lapses after `interim_suspension_business_days` business days on `calendar`.
    /// - `proposal`: without an urgent ground a written warning must come first, and its improvement
    ///   period must have ended.
    /// - `proposal.days`: a suspension or restriction states how many days it lasts, from 1 to the
    ///   policy's `suspension_days_max`; a deactivation and an interim suspension state none.
    ///
    /// A decision on an urgent ground takes effect at once; any other takes effect
    /// `action_notice_days` after it is decided, so the driver is told (and may appeal) before it
    /// applies.
    public static func decide(
        _ proposal: ActionProposal, decider: StaffMember, statement: StatementOfReasons, version: PolicyVersion,
        warnings: [DriverWarning], calendar: BusinessCalendar, id: String, now: Date
    ) throws(ValidationFailure) -> DriverDecision {
        let policy = DriverPolicy(version.parameters, version: version.number)
        var checks = Checks()
        if !deciderRoles.contains(decider.role) {
            checks.add(
                "decider.role",
                "must be lead or reviewer: only they may decide an action against a driver "
                    + "(got \(decider.role.rawValue))")
        }
        checks.text(decider.name, field: "decider.name", max: 120)
        if decider.id == proposal.proposedBy {
            checks.add("decider", "must not be the person who proposed the action")
        }

        if version.clause(statement.clause) == nil {
            checks.add(
                "statement.clause",
                "must cite a clause of policy version \(version.number); known: "
                    + version.clauses.map(\.number).joined(separator: ", "))
        }
        if statement.evidence.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            checks.add("statement.evidence", "must list at least one record relied on")
        }
        checks.text(statement.text, field: "statement.text", max: 8000)

        let known = policy.citableGrounds.joined(separator: ", ")
        if statement.grounds.isEmpty {
            checks.add("statement.grounds", "must name at least one ground the policy lists: \(known)")
        }
        for (index, ground) in statement.grounds.enumerated() {
            let field = "statement.grounds[\(index)]"
            if policy.isForbidden(ground) {
                checks.add(
                    field, "must not be \(DecisionGrounds.words(ground)): it is a forbidden ground for any action")
            } else if policy.reasonKinds[ground] == nil {
                checks.add(field, "must be a ground the policy lists; known: \(known)")
            }
        }
        let urgent = statement.grounds.contains(where: policy.isUrgent)

        var interimUntil: Date?
        if proposal.immediate {
            if proposal.action != .suspension {
                checks.add(
                    "proposal.immediate",
                    "may only be a suspension: a \(proposal.action.rawValue) always needs notice and a full decision")
            }
            if !urgent {
                checks.add(
                    "statement.grounds",
                    "must include an urgent ground (\(policy.urgentGrounds.joined(separator: ", "))) for an "
                        + "immediate suspension")
            }
            interimUntil = calendar.endOfBusinessDays(policy.interimSuspensionBusinessDays, after: now)
        } else if !urgent {
            checkWarningCameFirst(proposal, warnings: warnings, now: now, checks: &checks)
        }
        checkDays(proposal, policy: policy, checks: &checks)
        try checks.finish()
        let effectiveAt = urgent ? now : now.addingTimeInterval(TimeInterval(policy.actionNoticeDays) * 86_400)
        return DriverDecision(
            id: id, proposalID: proposal.id, driverID: proposal.driverID, action: proposal.action, decider: decider,
            statement: statement, decidedAt: now, effectiveAt: effectiveAt, interimUntil: interimUntil,
            endsAt: proposal.days.map { effectiveAt.addingTimeInterval(TimeInterval($0) * 86_400) },
            policyVersion: version.number)
    }

    /// A suspension or restriction lasts a stated number of days within the policy's longest; a
    /// deactivation has no end, and an interim suspension lapses by its own rule.
    private static func checkDays(_ proposal: ActionProposal, policy: DriverPolicy, checks: inout Checks) {
        let action = proposal.action.rawValue
        if proposal.action == .deactivation || proposal.immediate {
            guard proposal.days != nil else { return }
            checks.add(
                "proposal.days",
                proposal.immediate
                    ? "must be left out for an interim suspension: it lapses after "
                        + "\(policy.interimSuspensionBusinessDays) business days unless a full decision follows"
                    : "must be left out for a deactivation: it has no end")
        } else if let days = proposal.days, !(1...policy.suspensionDaysMax).contains(days) {
            checks.add(
                "proposal.days",
                "must be from 1 to \(policy.suspensionDaysMax) days for a \(action), the longest the policy allows "
                    + "(got \(days))")
        } else if proposal.days == nil {
            checks.add(
                "proposal.days",
                "must say how many days the \(action) lasts, from 1 to \(policy.suspensionDaysMax)")
        }
    }

    /// An ordinary action needs a warning to this driver, issued before now, whose period has ended.
    private static func checkWarningCameFirst(
        _ proposal: ActionProposal, warnings: [DriverWarning], now: Date, checks: inout Checks
    ) {
        let given = warnings.filter { $0.driverID == proposal.driverID && $0.issuedAt <= now }
        guard !given.isEmpty else {
            checks.add("proposal", "must follow a written warning to the driver: none was given")
            return
        }
        if given.allSatisfy({ $0.improveUntil > now }) {
            let end = given.map(\.improveUntil).min()!
            checks.add(
                "proposal", "must wait until the warning's period to improve ends (\(DriverText.instant(end)))")
        }
    }
}
