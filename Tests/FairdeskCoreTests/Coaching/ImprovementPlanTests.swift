import Foundation
import Testing

@testable import FairdeskCore

@Suite("Improvement plans")
struct ImprovementPlanTests {
    let start = Date(timeIntervalSince1970: 1_790_000_000)
    let agent = UUID(uuidString: "00000000-0000-0000-0000-0000000000A1")!
    let lead = UUID(uuidString: "00000000-0000-0000-0000-0000000000B1")!
    let policy: PolicyParameters = [
        "coaching_sessions_per_week": .number(2), "plan_weeks": .number(6), "answer_window_days": .number(5),
    ]
    func day(_ days: Double) -> Date { start.addingTimeInterval(days * 86_400) }
    func id(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))! }
    func goal(_ metric: String = "satisfaction_rate", from: Double = 14, to: Double = 42) -> PlanGoal {
        PlanGoal(
            metric: metric, target: 0.8, direction: .atLeast,
            period: DateInterval(start: day(from), end: day(to)))
    }

    @Test("a plan takes its coaching cadence and length from the policy in force")
    func cadenceFromPolicy() throws {
        let plan = try ImprovementPlan.propose(
            id: id(1), agentID: agent, leadID: lead, startsAt: start, goals: [goal(" satisfaction_rate ")],
            policy: policy, policyVersion: 3)
        #expect(plan.sessionsPerWeek == 2)
        #expect(plan.weeks == 6)
        #expect(plan.sessionsPromised == 12)
        #expect(plan.endsAt == day(42))
        #expect(plan.policyVersion == 3)
        #expect(plan.goals[0].metric == "satisfaction_rate")
    }

    @Test("a plan without a cadence in the policy, without goals, or run by the agent is refused in full")
    func refusals() {
        do {
            _ = try ImprovementPlan.propose(
                id: id(1), agentID: agent, leadID: agent, startsAt: start, goals: [],
                policy: ["plan_weeks": .number(40)], policyVersion: 1)
            Issue.record("accepted")
        } catch {
            #expect(
                error.problems.map(\.field) == [
                    "policy.coaching_sessions_per_week", "policy.plan_weeks", "leadID", "goals",
                ])
            #expect(error.problems[0].rule.hasPrefix("must be set by the improvement-plans policy in force"))
        }
    }

    @Test("a goal must name a metric and be measured within the plan")
    func goalChecks() {
        do {
            _ = try ImprovementPlan.propose(
                id: id(1), agentID: agent, leadID: lead, startsAt: start,
                goals: [goal(" "), goal(from: 30, to: 50)], policy: policy, policyVersion: 1)
            Issue.record("accepted")
        } catch {
            #expect(error.problems.map(\.field) == ["goals[0].metric", "goals[1].period"])
            #expect(error.problems[1].rule.hasPrefix("must lie within the plan"))
        }
    }

    @Test("goals read as floors or ceilings")
    func goalsMet() {
        #expect(goal().isMet(by: 0.8))
        #expect(!goal().isMet(by: 0.79))
        let ceiling = PlanGoal(
            metric: "median_handle_seconds", target: 420, direction: .atMost,
            period: DateInterval(start: day(0), end: day(7)))
        #expect(ceiling.isMet(by: 400))
        #expect(!ceiling.isMet(by: 421))
    }

    @Test("sessions are booked inside the plan and each is held or missed once, never both")
    func sessionLifecycle() throws {
        var plan = try ImprovementPlan.propose(
            id: id(1), agentID: agent, leadID: lead, startsAt: start, goals: [goal()], policy: policy,
            policyVersion: 1)
        try plan.schedule(sessionID: id(10), at: day(2))
        // The plan ends on day 42: 1_790_000_000 + 42 days is 2026-11-02T14:13:20Z (Python datetime).
        #expect(
            throws: ValidationFailure(
                field: "scheduledAt", rule: "must fall within the plan, before 2026-11-02T14:13:20Z")
        ) {
            try plan.schedule(sessionID: id(11), at: day(43))
        }
        try plan.hold(sessionID: id(10), notes: "  Went through three escalated chats.  ", at: day(2))
        #expect(plan.sessions[0].status == .held(at: day(2), notes: "Went through three escalated chats."))
        #expect(throws: ValidationFailure(field: "status", rule: "is already recorded as held")) {
            try plan.miss(sessionID: id(10), by: .lead, at: day(3))
        }
        #expect(throws: ValidationFailure(field: "sessionID", rule: "is not a session of this plan")) {
            try plan.hold(sessionID: id(99), notes: "x", at: day(3))
        }
    }

    @Test("a held session needs notes, and a session cannot be marked missed before it is due")
    func holdAndMissChecks() throws {
        let session = CoachingSession(id: id(10), scheduledAt: day(5))
        #expect(throws: ValidationFailure(field: "notes", rule: "must not be empty")) {
            try session.held(notes: "   ", at: day(5))
        }
        #expect(throws: ValidationFailure(field: "status", rule: "cannot be missed before the session was due")) {
            try session.missed(by: .agent, at: day(4))
        }
        #expect(try session.missed(by: .agent, at: day(5)).status == .missed(by: .agent, recordedAt: day(5)))
    }

    @Test("the agent can answer a held session's notes in writing, but there is nothing to answer before")
    func agentComments() throws {
        let session = CoachingSession(id: id(10), scheduledAt: day(5))
        #expect(throws: ValidationFailure.self) { try session.commented("I disagree", at: day(5)) }
        let held = try session.held(notes: "Talked about refunds.", at: day(5))
        let answered = try held.commented("  The refund tool was down that week.  ", at: day(6))
        #expect(answered.agentComments == [.init(text: "The refund tool was down that week.", at: day(6))])
    }
}
