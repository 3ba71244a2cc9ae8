import FairdeskCore
import Fluent
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Improvement plans through the API")
struct ImprovementPlanTests {
    /// An improvement-plans policy binding agents (2 sessions a week for 6 weeks), in force now.
    func policy(_ t: TestFairdesk) async throws {
        try await t.createPolicy("improvement-plans", kind: .improvementPlans)
        let published = try await t.publish(
            "improvement-plans", t.version("Plans", kind: .improvementPlans, roles: ["agent"]))
        #expect(published.status == .created, "\(published.body.string)")
        t.clock.advance(by: 15 * TestFairdesk.day)
    }

    func propose(_ t: TestFairdesk) async throws -> PlanDTO {
        let now = t.clock.now
        let response = try await t.send(
            .POST, "api/v1/improvement-plans", as: t.lead,
            json: PlanRequest(
                agentId: t.agent.id, startsAt: now,
                goals: [
                    .init(
                        metric: "satisfaction_rate", target: 0.8, direction: "at_least", from: now,
                        to: now + 6 * 7 * TestFairdesk.day)
                ]))
        #expect(response.status == .created, "\(response.body.string)")
        return try t.decode(PlanDTO.self, response)
    }

    @Test("a plan takes its coaching cadence and length from the policy, and a broken one names each field")
    func propose() async throws {
        try await TestFairdesk.with { t in
            // setup
            try await policy(t)
            // MUT
            let plan = try await propose(t)
            let broken = try await t.send(
                .POST, "api/v1/improvement-plans", as: t.lead,
                json: PlanRequest(
                    agentId: t.agent.id, startsAt: t.clock.now,
                    goals: [.init(metric: "", target: nil, direction: "higher", from: t.clock.now, to: nil)]))
            let byAgent = try await t.send(
                .POST, "api/v1/improvement-plans", as: t.agent, json: PlanRequest(agentId: t.agent.id))
            // validate
            #expect(plan.weeks == 6)
            #expect(plan.sessionsPerWeek == 2)
            #expect(plan.policy == "improvement-plans v1")
            #expect(plan.tally.promised == 0)
            #expect(plan.events.map(\.kind) == ["proposed"])
            #expect(broken.status == .unprocessableEntity)
            let problems = try t.problems(broken)
            #expect(problems.contains { $0.hasPrefix("goals[0].direction: must be one of: at_least, at_most") })
            #expect(problems.contains("goals[0].target: is required"))
            #expect(problems.contains { $0.hasPrefix("goals[0].period") })
            #expect(byAgent.status == .forbidden)
            #expect(try await t.count("improvement_plans") == 1)
            // The agent is told, with a link to the plan.
            let told = try t.decode(
                [NotificationDTO].self, try await t.send(.GET, "api/v1/notifications", as: t.agent))
            #expect(told.first?.kind == "plan.proposed")
            #expect(told.first?.link == "/plans/\(plan.id)")
        }
    }

    @Test(
        "no warning while coaching promised is owed, unless a lead overrides in writing; the agent answers every step")
    func escalation() async throws {
        try await TestFairdesk.with { t in
            // setup: week one promises 2 sessions; one is held, the lead misses the other.
            try await policy(t)
            let plan = try await propose(t)
            let base = "api/v1/improvement-plans/\(plan.id)"
            for hours in [24.0, 72.0] {
                let booked = try await t.send(
                    .POST, "\(base)/sessions", as: t.lead,
                    json: SessionRequest(scheduledAt: t.clock.now + hours * 3_600))
                #expect(booked.status == .ok)
            }
            let sessions = try t.decode(PlanDTO.self, try await t.send(.GET, base, as: t.agent)).sessions
            t.clock.advance(by: 4 * TestFairdesk.day)
            try await t.send(
                .POST, "\(base)/sessions/\(sessions[0].id)/outcome", as: t.lead,
                json: SessionOutcomeRequest(notes: "Went through three cases together; use the refund macro."))
            try await t.send(
                .POST, "\(base)/sessions/\(sessions[1].id)/outcome", as: t.lead,
                json: SessionOutcomeRequest(missedBy: "lead"))
            let commented = try await t.send(
                .POST, "\(base)/sessions/\(sessions[0].id)/comments", as: t.agent,
                json: PlanTextRequest(text: "Helpful, but the macro is out of date."))
            #expect(commented.status == .ok)
            t.clock.advance(by: 4 * TestFairdesk.day)
            // MUT
            let refused = try await t.send(
                .POST, "\(base)/escalations", as: t.lead,
                json: EscalationRequest(level: "written_warning", reason: "Satisfaction still below target."))
            let byAgent = try await t.send(
                .POST, "\(base)/escalations", as: t.agent,
                json: EscalationRequest(level: "written_warning", reason: "x", overrideReason: "y"))
            let overridden = try await t.send(
                .POST, "\(base)/escalations", as: t.lead,
                json: EscalationRequest(
                    level: "written_warning", reason: "Satisfaction still below target.",
                    overrideReason: "Two customers reported abusive replies; this cannot wait for coaching."))
            let answered = try await t.send(
                .POST, "\(base)/responses", as: t.agent,
                json: PlanTextRequest(text: "I was not coached in week one as promised; I disagree."))
            // validate
            #expect(refused.status == .conflict)
            #expect(refused.body.string.contains("not delivered"))
            #expect(byAgent.status == .forbidden)
            #expect(overridden.status == .ok)
            let after = try t.decode(PlanDTO.self, answered)
            #expect(after.tally.promised == 2)
            #expect(after.tally.held == 1)
            #expect(after.tally.missedByLead == 1)
            #expect(after.tally.owed == 1)
            let escalated = try #require(after.events.first { $0.kind == "escalated" })
            #expect(escalated.level == "written_warning")
            #expect(escalated.overrideReason?.hasPrefix("Two customers reported") == true)
            #expect(after.events.last?.kind == "response")
            #expect(after.sessions[0].comments.first?.text == "Helpful, but the macro is out of date.")
            // Every step is on the audit log with the policy version; each side is told of the other's.
            let audit = try await AuditEntry.query(on: t.app.db).filter(\.$action == "plan.escalated").all()
            #expect(audit.count == 1)
            #expect(audit.first?.policyVersion == "improvement-plans v1")
            let agentTold = try t.decode(
                [NotificationDTO].self, try await t.send(.GET, "api/v1/notifications", as: t.agent))
            #expect(agentTold.contains { $0.kind == "plan.escalated" })
            let leadTold = try t.decode(
                [NotificationDTO].self, try await t.send(.GET, "api/v1/notifications", as: t.lead))
            #expect(leadTold.contains { $0.kind == "plan.response" })
            // Another agent cannot see the plan at all.
            #expect(try await t.send(.GET, base, as: t.otherAgent).status == .notFound)
        }
    }

    @Test("in the browser a lead proposes a plan and books coaching; an early escalation is refused beside the field")
    func pages() async throws {
        try await TestFairdesk.with { t in
            // setup
            try await policy(t)
            var lead = WebSession(t)
            _ = try await lead.logIn("lead@example.com")
            let list = try await lead.get("plans")
            let token = WebSession.csrf(list)
            // MUT
            let refused = try await lead.post(
                "plans/new",
                ["agentId": t.agent.id.uuidString, "startsAt": "", "metric": "", "target": "x", "_csrf": token])
            let made = try await lead.post(
                "plans/new",
                [
                    "agentId": t.agent.id.uuidString, "startsAt": PolicyPages.localInput(t.clock.now),
                    "metric": "satisfaction_rate", "direction": "at_least", "target": "0.8", "_csrf": token,
                ])
            // validate
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Must be a date and time"))
            #expect(made.status == .seeOther)
            let plan = try #require(made.headers.first(name: .location))
            let booked = try await lead.post(
                String(plan.dropFirst()) + "/sessions",
                ["scheduledAt": PolicyPages.localInput(t.clock.now + 86_400), "_csrf": token])
            #expect(booked.status == .seeOther)
            // A week later (web sessions end after 8 idle hours, so both log in again).
            t.clock.advance(by: 8 * TestFairdesk.day)
            lead = WebSession(t)
            _ = try await lead.logIn("lead@example.com")
            var agent = WebSession(t)
            _ = try await agent.logIn("agent@example.com")
            let early = try await lead.post(
                String(plan.dropFirst()) + "/escalations",
                [
                    "level": "written_warning", "reason": "Below target.", "overrideReason": "",
                    "_csrf": WebSession.csrf(try await lead.get(String(plan.dropFirst()))),
                ])
            #expect(early.status == .conflict)
            #expect(early.body.string.contains("not delivered"))
            let page = try await agent.get(String(plan.dropFirst()))
            #expect(page.status == .ok)
            #expect(page.body.string.contains("2 sessions a week"))
            #expect(page.body.string.contains("Answer in writing"))
            #expect(try await agent.get("plans").body.string.contains("Alex Agent"))
        }
    }
}
