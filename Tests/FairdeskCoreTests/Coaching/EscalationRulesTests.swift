import Foundation
import Testing

@testable import FairdeskCore

@Suite("Coaching delivered and escalation")
struct EscalationRulesTests {
    let start = Date(timeIntervalSince1970: 1_790_000_000)
    let agent = UUID(uuidString: "00000000-0000-0000-0000-0000000000A1")!
    let lead = UUID(uuidString: "00000000-0000-0000-0000-0000000000B1")!
    func day(_ days: Double) -> Date { start.addingTimeInterval(days * 86_400) }
    func id(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))! }

    /// A 6-week plan promising 2 sessions a week, with sessions recorded as `records` says, by day.
    func plan(_ records: [(day: Double, outcome: String)]) throws -> ImprovementPlan {
        var plan = ImprovementPlan(
            id: id(1), agentID: agent, leadID: lead, startsAt: start, weeks: 6, sessionsPerWeek: 2, policyVersion: 1,
            goals: [])
        for (index, record) in records.enumerated() {
            let sessionID = id(100 + index)
            try plan.schedule(sessionID: sessionID, at: day(record.day))
            switch record.outcome {
            case "held": try plan.hold(sessionID: sessionID, notes: "Notes.", at: day(record.day))
            case "lead": try plan.miss(sessionID: sessionID, by: .lead, at: day(record.day))
            case "agent": try plan.miss(sessionID: sessionID, by: .agent, at: day(record.day))
            default: break
            }
        }
        return plan
    }

    @Test("coaching is owed only once its week is over: 2 a week makes 4 owed on day 14, not on day 13")
    func promisedToDate() throws {
        let empty = try plan([])
        #expect(CoachingTally(plan: empty, at: day(13.9)).promised == 2)
        #expect(CoachingTally(plan: empty, at: day(14)).promised == 4)
        #expect(CoachingTally(plan: empty, at: day(-1)).promised == 0)
        // Capped at the plan's 6 weeks × 2.
        #expect(CoachingTally(plan: empty, at: day(100)).promised == 12)
    }

    @Test("a session the agent missed is not owed by the lead; one the lead missed still is")
    func whoMissed() throws {
        let tally = CoachingTally(
            plan: try plan([(1, "held"), (3, "agent"), (8, "lead"), (10, "held"), (15, "scheduled")]), at: day(14))
        #expect(tally.promised == 4)
        #expect(tally.held == 2)
        #expect(tally.missedByAgent == 1)
        #expect(tally.missedByLead == 1)
        #expect(tally.scheduled == 1)
        #expect(tally.owed == 1)
        #expect(
            tally.summary == "2 of 4 promised sessions held; 1 missed by the lead, 1 missed by the agent; 1 still owed")
    }

    @Test("a plan whose coaching was not delivered cannot escalate to a warning, and says why")
    func refusedWhileOwed() throws {
        let owing = try plan([(1, "held"), (8, "lead")])
        for level in EscalationLevel.allCases {
            let decision = EscalationRules.canEscalate(owing, to: level, at: day(21))
            #expect(!decision.allowed)
            #expect(decision.tally.owed == 5)
            #expect(decision.override == nil)
        }
        #expect(
            EscalationRules.canEscalate(owing, to: .finalWarning, at: day(21)).reason
                == "The coaching promised was not delivered (1 of 6 promised sessions held; 1 missed by the lead; "
                + "5 still owed), so the plan cannot escalate to a final warning until the coaching is held or a "
                + "lead overrides with a written reason.")
    }

    @Test("an agent who skips their own sessions cannot block escalation by doing so")
    func agentMissesDoNotBlock() throws {
        let decision = EscalationRules.canEscalate(
            try plan([(1, "held"), (2, "agent"), (8, "agent"), (9, "agent")]), to: .writtenWarning, at: day(14))
        #expect(decision.allowed)
        #expect(decision.reason.hasPrefix("The coaching promised so far was delivered"))
    }

    @Test("a lead override with a reason lets the plan escalate, and the decision records it")
    func overrideWithReason() throws {
        let override = try EscalationOverride(leadID: lead, reason: "  Customer data was shared in public. ")
        let decision = EscalationRules.canEscalate(try plan([]), to: .finalWarning, at: day(21), override: override)
        #expect(decision.allowed)
        #expect(decision.override?.reason == "Customer data was shared in public.")
        #expect(decision.reason.hasSuffix("but a lead overrode with this reason: Customer data was shared in public."))
    }

    @Test("an override without a reason is refused, whether typed in or read back from storage")
    func overrideWithoutReason() throws {
        #expect(throws: ValidationFailure(field: "overrideReason", rule: "must not be empty")) {
            try EscalationOverride(leadID: lead, reason: " \n ")
        }
        let stored = try JSONDecoder().decode(
            EscalationOverride.self, from: Data(#"{"leadID":"\#(lead.uuidString)","reason":"  "}"#.utf8))
        let decision = EscalationRules.canEscalate(try plan([]), to: .writtenWarning, at: day(21), override: stored)
        #expect(!decision.allowed)
        #expect(decision.reason.hasSuffix("and the override gives no reason; an override must say why."))
    }

    @Test("the agent on the plan cannot override for themselves")
    func selfOverride() throws {
        let override = try EscalationOverride(leadID: agent, reason: "I accept the warning.")
        #expect(
            !EscalationRules.canEscalate(try plan([]), to: .writtenWarning, at: day(21), override: override).allowed)
    }

    @Test("an override is not recorded when the coaching was delivered, and a plan cannot escalate before it starts")
    func overrideUnneededAndNotStarted() throws {
        let override = try EscalationOverride(leadID: lead, reason: "Repeated rudeness.")
        let delivered = EscalationRules.canEscalate(
            try plan([(1, "held"), (2, "held")]), to: .writtenWarning, at: day(7), override: override)
        #expect(delivered.allowed)
        #expect(delivered.override == nil)
        let early = EscalationRules.canEscalate(try plan([]), to: .writtenWarning, at: day(-1), override: override)
        #expect(!early.allowed)
        #expect(early.reason == "The plan has not started yet, so it cannot escalate to a written warning.")
    }
}
