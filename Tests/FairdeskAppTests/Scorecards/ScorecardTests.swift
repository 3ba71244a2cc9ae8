import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@testable import FairdeskApp

extension TestFairdesk {
    /// An agent-conduct policy binding agents, in force from 15 days on, with `minimum` as the
    /// smallest sample a rate is shown for; the clock is moved to when it is in force.
    func agentConductPolicy(minimum: Int) async throws {
        try await createPolicy("agent-conduct", kind: .agentConduct)
        let published = try await publish(
            "agent-conduct",
            version(
                "Scorecards", kind: .agentConduct, roles: ["agent"],
                changes: ["minimum_responses_for_rank": .number(Double(minimum))]))
        #expect(published.status == .created, "\(published.body.string)")
        clock.advance(by: 15 * Self.day)
    }

    /// A resolved case owned by `owner` with a survey answered `solved`; a "no" is put down to the
    /// owner alone. Written directly, for the many answers a statistics test needs.
    func answeredSurvey(owner: UUID, solved: Bool) async throws {
        let customer = try #require(customer.customerID)
        let now = clock.now
        try await app.write { db in
            let work = try await app.caseWork(on: db, actor: .system)
            let made = try await work.openCase(
                customerID: customer, subject: "Survey test", channel: .email, queueID: general)
            let caseID = try made.requireID()
            try await db.sql.raw(
                "UPDATE cases SET owner_id = \(bind: owner), status = 'resolved', resolved_at = \(bind: now) WHERE id = \(bind: caseID)"
            ).run()
            let survey = UUID()
            try await db.insertRow(
                "surveys",
                [
                    ("id", survey), ("case_id", caseID), ("customer_id", customer), ("channel", "email"),
                    ("state", "answered"), ("created_at", now), ("send_at", now), ("expires_at", now + 86_400),
                    ("solved", solved), ("reason", solved ? nil : "agent_unhelpful"),
                    ("attribution", solved ? nil : "agent"), ("answered_at", now),
                ])
            if !solved {
                try await db.insertRow(
                    "survey_shares",
                    [
                        ("id", UUID()), ("survey_id", survey), ("agent_id", owner), ("share", 1.0), ("entries", 1),
                        ("owned_seconds", 60), ("voided", false),
                    ])
            }
        }
    }
}

@Suite("Agent scorecards")
struct ScorecardTests {
    @Test(
        "an agent sees their own contacts, satisfaction put down to them with its interval, and the cases behind each figure"
    )
    func ownScorecard() async throws {
        try await TestFairdesk.with(.set(\.surveyDelayMinutes, 0)) { t in
            // setup
            try await t.agentConductPolicy(minimum: 2)
            let start = t.clock.now
            let happy = try await t.resolvedCase(from: "casey@example.com")
            let unhappy = try await t.resolvedCase(from: "dana@example.com")
            let call = try await t.send(
                .POST, "api/v1/cases/\(happy)/calls", as: t.agent,
                json: CallRequest(
                    direction: "outbound", talkSeconds: 300, holdSeconds: 60, afterCallWorkSeconds: 120,
                    summary: "Called to confirm the refund."))
            #expect(call.status == .created)
            let yes = try await t.surveyLink(happy)
            #expect(try await t.answerSurvey(yes, "solved=yes").status == .seeOther)
            let no = try await t.surveyLink(unhappy)
            #expect(try await t.answerSurvey(no, "solved=no&reason=agent_unhelpful").status == .seeOther)
            t.clock.advance(by: 8 * TestFairdesk.day)
            let period = "from=\(ISO8601DateFormatter().string(from: start))"
            // MUT
            let response = try await t.send(.GET, "api/v1/agents/me/scorecard?\(period)", as: t.agent)
            // validate
            #expect(response.status == .ok)
            let card = try t.decode(ScorecardDTO.self, response)
            #expect(card.policy == "agent-conduct v1")
            #expect(card.contacts.map(\.channel) == ["email", "phone"])
            #expect(card.contacts.first?.count == 2)
            // Each figure opens the contacts behind it.
            func items(_ query: String, as user: TestFairdesk.Person? = nil) async throws -> ScorecardItemsDTO {
                let response = try await t.send(
                    .GET, "api/v1/agents/me/scorecard/items?\(period)&\(query)", as: user ?? t.agent)
                #expect(response.status == .ok, "\(response.body.string)")
                return try t.decode(ScorecardItemsDTO.self, response)
            }
            #expect(Set(try await items("figure=contacts&channel=email").items.map(\.caseId)) == [happy, unhappy])
            #expect(try await items("figure=contacts&channel=phone").items.map(\.caseId) == [happy])
            #expect(card.calls == 1)
            #expect(card.handleTime.first { $0.part == "talk" }?.median == 300)
            #expect(card.handleTime.first { $0.part == "after_call_work" }?.average == 120)
            // One yes on Alex's case, one no put down partly to Alex: 1 of 2, shown with its interval.
            #expect(card.satisfaction.successes == 1)
            #expect(card.satisfaction.trials == 2)
            #expect(card.satisfaction.enoughData)
            let lower = try #require(card.satisfaction.lower)
            let upper = try #require(card.satisfaction.upper)
            #expect(lower < 0.5 && upper > 0.5)
            #expect(card.satisfaction.text.contains("2 responses"))
            #expect(card.satisfaction.figure == .satisfaction)
            #expect(
                try await items("figure=satisfaction").items.map(\.detail).sorted() == ["no: agent unhelpful", "yes"])
            // The happy customer did not write again within the week: resolved first time.
            let firstContact = try await items("figure=first_contact_resolution").items
            #expect(firstContact.first { $0.caseId == happy }?.detail == "resolved first time")
            #expect(firstContact.count == card.firstContactResolution.trials + card.firstContactResolution.pending)
            // Both cases' first-response clocks stopped when Alex answered; the happy case's resolution
            // clock when it was resolved. The unhappy answer reopened the other case: its resolution
            // clock runs again and is not settled.
            #expect(card.slaAttainment.trials == 3)
            #expect(card.slaAttainment.successes == 3)
            let clocks = try await items("figure=sla_attainment").items
            #expect(clocks.map(\.detail).sorted() == ["first response: met", "first response: met", "resolution: met"])
            // A period that starts after the cases were resolved counts none of their clocks.
            let later = try t.decode(
                ScorecardDTO.self,
                try await t.send(
                    .GET,
                    "api/v1/agents/me/scorecard?from=\(ISO8601DateFormatter().string(from: t.clock.now - 86_400))",
                    as: t.agent))
            #expect(later.slaAttainment.trials == 0)
            // The transfer to Alex was the lead's, not Alex's.
            #expect(card.transfers == 0)
            #expect(try await items("figure=transfers").items.isEmpty)
            // A figure that does not exist is named back.
            let unknown = try await t.send(.GET, "api/v1/agents/me/scorecard/items?figure=speed", as: t.agent)
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.body.string.contains("figure"))
            #expect(
                try await t.send(.GET, "api/v1/agents/me/scorecard/items?figure=contacts&channel=fax", as: t.agent)
                    .status == .unprocessableEntity)
            // Bo has no answers: not enough data, never a rate.
            let bo = try t.decode(
                ScorecardDTO.self, try await t.send(.GET, "api/v1/agents/me/scorecard?\(period)", as: t.otherAgent))
            #expect(!bo.satisfaction.enoughData)
            #expect(bo.satisfaction.rate == nil)
            #expect(bo.satisfaction.text == "not enough data (0 responses; 2 needed)")
            // Only leads read another agent's scorecard.
            #expect(
                try await t.send(.GET, "api/v1/agents/\(t.agent.id)/scorecard", as: t.otherAgent).status == .forbidden)
            #expect(try await t.send(.GET, "api/v1/agents/\(t.agent.id)/scorecard", as: t.lead).status == .ok)
            let others = "api/v1/agents/\(t.agent.id)/scorecard/items?figure=satisfaction&\(period)"
            #expect(try await t.send(.GET, others, as: t.otherAgent).status == .forbidden)
            let read = try await t.send(.GET, others, as: t.lead)
            #expect(try t.decode(ScorecardItemsDTO.self, read).items.count == 2)
        }
    }

    @Test("the team view flags an agent only when the funnel shows them below the team, not one who is above it")
    func teamFunnel() async throws {
        try await TestFairdesk.with { t in
            // setup: Alex 10 of 40, Bo 36 of 40: team 46 of 80.
            try await t.agentConductPolicy(minimum: 30)
            let start = t.clock.now
            for index in 0..<40 {
                try await t.answeredSurvey(owner: t.agent.id, solved: index < 10)
                try await t.answeredSurvey(owner: t.otherAgent.id, solved: index < 36)
            }
            t.clock.advance(by: 60)
            // MUT
            let response = try await t.send(
                .GET, "api/v1/scorecards/team?from=\(ISO8601DateFormatter().string(from: start))", as: t.lead)
            // validate
            #expect(response.status == .ok)
            let team = try t.decode(TeamScorecardDTO.self, response)
            #expect(team.teamResponses == 80)
            #expect(team.teamRate == 46.0 / 80.0)
            let alex = try #require(team.agents.first { $0.agentId == t.agent.id })
            let bo = try #require(team.agents.first { $0.agentId == t.otherAgent.id })
            #expect(alex.flagged)
            #expect(alex.verdict == "below_team")
            #expect(alex.reason.contains("unlikely to be chance"))
            #expect(bo.verdict == "above_team")
            #expect(!bo.flagged)
            // The shrunk estimates sit between each agent's own rate and the team's.
            let alexShrunk = try #require(alex.shrunk)
            #expect(alexShrunk > 0.25 && alexShrunk < 46.0 / 80.0)
            #expect(team.limits.first?.trials == 1)
            #expect(team.limits.contains { $0.trials == 40 })
            #expect(try await t.send(.GET, "api/v1/scorecards/team", as: t.agent).status == .forbidden)
        }
    }

    @Test("the scorecard and team pages show the figures, the funnel plot and the cases behind them")
    func pages() async throws {
        try await TestFairdesk.with { t in
            // setup
            try await t.agentConductPolicy(minimum: 3)
            for index in 0..<4 { try await t.answeredSurvey(owner: t.agent.id, solved: index > 0) }
            t.clock.advance(by: 60)
            var agent = WebSession(t)
            _ = try await agent.logIn("agent@example.com")
            var lead = WebSession(t)
            _ = try await lead.logIn("lead@example.com")
            // MUT
            let mine = try await agent.get("my/scorecard")
            let team = try await lead.get("scorecards")
            // validate
            #expect(mine.status == .ok)
            let html = mine.body.string
            #expect(html.contains("Satisfaction (answers put down to you)"))
            #expect(html.contains("75.0%") || html.contains("75%"))
            #expect(html.contains("4 contact(s)"))
            #expect(!html.contains("Behind the figure"))
            // The number opens the answers behind it, under the table.
            let opened = try await agent.get("my/scorecard?figure=satisfaction")
            #expect(opened.status == .ok)
            #expect(opened.body.string.contains("Behind the figure: Satisfaction"))
            #expect(opened.body.string.contains("no: agent unhelpful"))
            #expect(opened.body.string.components(separatedBy: ": yes</li>").count == 4)
            #expect(team.status == .ok)
            #expect(team.body.string.contains("aria-label=\"Funnel plot of satisfaction against responses\""))
            #expect(team.body.string.contains("Alex Agent"))
            #expect(try await agent.get("scorecards").status == .forbidden)
        }
    }
}
