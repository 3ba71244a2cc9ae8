import Foundation

/// An agent's improvement plan: goals, a duration, and the coaching the company promises in return.
///
/// The cadence and the duration are copied from the improvement-plans policy in force when the plan
/// is proposed (`coaching_sessions_per_week`, `plan_weeks`), so a later policy change never alters
/// what this agent was promised.
public struct ImprovementPlan: Sendable, Equatable, Codable {
    /// One week, the unit coaching is promised in.
    public static let week: TimeInterval = 7 * 86_400

    public var id: UUID
    /// The agent the plan is for.
    public var agentID: UUID
    /// The lead who runs it and owes the coaching.
    public var leadID: UUID
    /// When the plan starts; weeks count from here.
    public var startsAt: Date
    /// How many weeks it runs.
    public var weeks: Int
    /// Coaching sessions promised each week.
    public var sessionsPerWeek: Int
    /// The policy version the cadence and duration were read from, to cite.
    public var policyVersion: Int
    public var goals: [PlanGoal]
    /// Every session scheduled, in the order they were booked.
    public var sessions: [CoachingSession]

    public init(
        id: UUID, agentID: UUID, leadID: UUID, startsAt: Date, weeks: Int, sessionsPerWeek: Int, policyVersion: Int,
        goals: [PlanGoal], sessions: [CoachingSession] = []
    ) {
        self.id = id
        self.agentID = agentID
        self.leadID = leadID
        self.startsAt = startsAt
        self.weeks = weeks
        self.sessionsPerWeek = sessionsPerWeek
        self.policyVersion = policyVersion
        self.goals = goals
        self.sessions = sessions
    }

    /// When the plan ends: `weeks` after it starts.
    public var endsAt: Date { startsAt.addingTimeInterval(Double(weeks) * Self.week) }

    /// All the coaching the plan promises over its whole length.
    public var sessionsPromised: Int { weeks * sessionsPerWeek }

    /// A new plan under the improvement-plans `policy` (its version `policyVersion`), checked all at
    /// once: the policy must set a whole `coaching_sessions_per_week` from 1 to 14 and `plan_weeks` from
    /// 2 to 26 (the ranges its schema allows); the lead must be someone other than the agent; there must
    /// be at least one goal, each naming a metric, with a finite target, measured within the plan.
    public static func propose(
        id: UUID, agentID: UUID, leadID: UUID, startsAt: Date, goals: [PlanGoal], policy: PolicyParameters,
        policyVersion: Int
    ) throws(ValidationFailure) -> ImprovementPlan {
        var checks = Checks()
        let cadence = policyInteger(policy, "coaching_sessions_per_week", in: 1...14, checks: &checks)
        let weeks = policyInteger(policy, "plan_weeks", in: 2...26, checks: &checks)
        if leadID == agentID {
            checks.add("leadID", "must be someone other than the agent on the plan")
        }
        if goals.isEmpty {
            checks.add("goals", "must hold at least one goal: a metric, a target and a period")
        }
        var trimmedGoals = goals
        for (index, goal) in goals.enumerated() {
            let field = "goals[\(index)]"
            if let metric = checks.text(goal.metric, field: "\(field).metric", max: 100) {
                trimmedGoals[index].metric = metric
            }
            if !goal.target.isFinite {
                checks.add("\(field).target", "must be a number")
            }
            if let weeks {
                let plan = DateInterval(start: startsAt, duration: Double(weeks) * week)
                if goal.period.start < plan.start || goal.period.end > plan.end {
                    checks.add(
                        "\(field).period",
                        "must lie within the plan, from \(ISO8601DateFormatter().string(from: plan.start)) to "
                            + ISO8601DateFormatter().string(from: plan.end))
                }
            }
        }
        try checks.finish()
        return ImprovementPlan(
            id: id, agentID: agentID, leadID: leadID, startsAt: startsAt, weeks: weeks!, sessionsPerWeek: cadence!,
            policyVersion: policyVersion, goals: trimmedGoals)
    }

    /// Books a session at `at`, which must fall within the plan: coaching after the plan is over
    /// cannot help the agent meet its goals.
    public mutating func schedule(sessionID: UUID, at: Date) throws(ValidationFailure) {
        var checks = Checks()
        if at < startsAt || at >= endsAt {
            checks.add(
                "scheduledAt", "must fall within the plan, before \(ISO8601DateFormatter().string(from: endsAt))")
        }
        if sessions.contains(where: { $0.id == sessionID }) {
            checks.add("sessionID", "is already a session of this plan")
        }
        try checks.finish()
        sessions.append(CoachingSession(id: sessionID, scheduledAt: at))
    }

    /// Records a session as held with the lead's notes.
    public mutating func hold(sessionID: UUID, notes: String, at: Date) throws(ValidationFailure) {
        let index = try sessionIndex(sessionID)
        sessions[index] = try sessions[index].held(notes: notes, at: at)
    }

    /// Records a session as missed, and by whom.
    public mutating func miss(sessionID: UUID, by party: CoachingParty, at: Date) throws(ValidationFailure) {
        let index = try sessionIndex(sessionID)
        sessions[index] = try sessions[index].missed(by: party, at: at)
    }

    /// Adds the agent's written comment on a held session's notes.
    public mutating func comment(sessionID: UUID, text: String, at: Date) throws(ValidationFailure) {
        let index = try sessionIndex(sessionID)
        sessions[index] = try sessions[index].commented(text, at: at)
    }

    private func sessionIndex(_ id: UUID) throws(ValidationFailure) -> Int {
        guard let index = sessions.firstIndex(where: { $0.id == id }) else {
            throw ValidationFailure(field: "sessionID", rule: "is not a session of this plan")
        }
        return index
    }

    private static func policyInteger(
        _ policy: PolicyParameters, _ name: String, in range: ClosedRange<Int>, checks: inout Checks
    ) -> Int? {
        guard let value = policy.integer(name), range.contains(value) else {
            checks.add(
                "policy.\(name)",
                "must be set by the improvement-plans policy in force as a whole number from \(range.lowerBound) to "
                    + "\(range.upperBound)")
            return nil
        }
        return value
    }
}
