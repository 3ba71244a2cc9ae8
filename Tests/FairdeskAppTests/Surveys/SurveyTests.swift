import FairdeskCore
import Fluent
import FluentPostgresDriver
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

extension TestFairdesk {
    /// A case both agents worked on, resolved: Alex replied twice and owned it, Bo replied once.
    func resolvedCase(from address: String = "casey@example.com") async throws -> UUID {
        let made = try await inbound(from: address, body: "My order never came")
        try await send(
            .POST, "api/v1/cases/\(made.caseId)/transfer", as: lead,
            json: ["toAgentId": agent.id.uuidString, "handoffNote": "Missing order; please check the courier."])
        clock.advance(by: 600)
        for (person, text) in [
            (agent, "Looking into it."), (agent, "The courier lost it."), (lead, "Refund approved."),
        ] {
            try await send(
                .POST, "api/v1/cases/\(made.caseId)/messages", as: person,
                json: MessageRequest(body: text, channel: nil, status: nil))
            clock.advance(by: 300)
        }
        try await send(.POST, "api/v1/cases/\(made.caseId)/status", as: agent, json: ["status": "resolved"])
        return made.caseId
    }

    /// Runs the survey job after the delay and answers the link it sent.
    func surveyLink(_ caseID: UUID) async throws -> String {
        clock.advance(by: Double(app.fairdesk.config.surveyDelayMinutes) * 60 + 1)
        _ = try await Surveys.sendDue(app: app)
        let question = try #require(
            try await TimelineEntry.query(on: app.db).filter(\.$supportCase.$id == caseID).all().last {
                $0.body.hasPrefix("Did we solve your problem?")
            })
        let range = try #require(question.body.range(of: "/survey/"))
        return String(question.body[range.lowerBound...].dropFirst())
    }

    func answerSurvey(_ path: String, _ form: String) async throws -> TestingHTTPResponse {
        try await send(.POST, path, raw: form, headers: ["Content-Type": "application/x-www-form-urlencoded"])
    }
}

@Suite("Surveys that explain themselves")
struct SurveyFlowTests {
    @Test("a resolved case is surveyed once, after the delay, on its channel, with a link that expires")
    func sending() async throws {
        try await TestFairdesk.with { fd in
            let caseID = try await fd.resolvedCase()
            #expect(try await Surveys.sendDue(app: fd.app) == 0)  // not before the delay
            let path = try await fd.surveyLink(caseID)
            let survey = try fd.decode(
                SurveyDTO.self, try await fd.send(.GET, "api/v1/cases/\(caseID)/survey", as: fd.lead))
            #expect(survey.state == "sent")
            // An email case also gets the question by email.
            #expect(try await fd.emails().map(\.subject).contains { $0.hasPrefix("Did we solve your problem?") })
            let page = try await fd.send(.GET, path)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("I had to repeat myself"))
            #expect(try await fd.send(.GET, "survey/forged-token").status == .notFound)
            // Resolving again does not survey again.
            try await fd.send(.POST, "api/v1/cases/\(caseID)/status", as: fd.agent, json: ["status": "open"])
            try await fd.send(.POST, "api/v1/cases/\(caseID)/status", as: fd.agent, json: ["status": "resolved"])
            #expect(try await fd.count("surveys") == 1)
            fd.clock.advance(by: 15 * 86_400)
            #expect(try await fd.send(.GET, path).status == .gone)
            #expect(try await fd.answerSurvey(path, "solved=yes").status == .gone)
        }
    }

    @Test("a no needs a reason; an agent's fault is shared by everyone who handled the case; the case reopens")
    func dissatisfied() async throws {
        try await TestFairdesk.with { fd in
            let caseID = try await fd.resolvedCase()
            let path = try await fd.surveyLink(caseID)
            let noReason = try await fd.answerSurvey(path, "solved=no&comment=Still+waiting")
            #expect(noReason.status == .unprocessableEntity)
            let html = noReason.body.string
            #expect(html.contains("Must be chosen when the problem was not solved"))
            #expect(html.contains(#"value="no" checked"#))
            #expect(html.contains("Still waiting"))
            #expect(try await fd.answerSurvey(path, "solved=no&reason=rude").status == .unprocessableEntity)

            let answered = try await fd.answerSurvey(path, "solved=no&reason=agent_unhelpful&comment=Nobody+listened")
            #expect(answered.status == .seeOther)
            #expect(try await fd.answerSurvey(path, "solved=yes").status == .conflict)
            let survey = try fd.decode(
                SurveyDTO.self, try await fd.send(.GET, "api/v1/cases/\(caseID)/survey", as: fd.lead))
            #expect(survey.attribution == "agent")
            #expect(survey.policy == "built-in default")
            #expect(try await SupportCase.find(caseID, on: fd.app.db)?.status == .open)

            let alex = try fd.decode(
                [SurveyShareDTO].self, try await fd.send(.GET, "api/v1/agents/me/survey-results", as: fd.agent))
            let lee = try fd.decode(
                [SurveyShareDTO].self, try await fd.send(.GET, "api/v1/agents/me/survey-results", as: fd.lead))
            let alexShare = try #require(alex.first?.share)
            let leeShare = try #require(lee.first?.share)
            #expect(alexShare > leeShare)
            #expect(abs(alexShare + leeShare - 1) < 1e-9)
            #expect(
                try fd.decode(
                    [SurveyShareDTO].self, try await fd.send(.GET, "api/v1/agents/me/survey-results", as: fd.otherAgent)
                ).isEmpty)
        }
    }

    @Test("the attribution policy in force when the case was resolved judges the answer, not a later one")
    func judgedByTheVersionInForce() async throws {
        try await TestFairdesk.with { fd in
            try await fd.createPolicy("survey-attribution", kind: .surveyAttribution)
            #expect(
                try await fd.publish(
                    "survey-attribution",
                    fd.version(
                        "First", kind: .surveyAttribution, roles: ["agent", "lead"], effectiveIn: 0.01, favourable: true
                    )
                ).status == .created)
            fd.clock.advance(by: 3600)
            let before = try await fd.resolvedCase()
            var table = SurveyReason.suggestedAttribution
            table["agent_unhelpful"] = "process"
            #expect(
                try await fd.publish(
                    "survey-attribution",
                    fd.version(
                        "Unhelpful answers are a process problem", kind: .surveyAttribution, roles: ["agent", "lead"],
                        changes: ["attribution": .table(table)], effectiveIn: 14)
                ).status == .created)
            fd.clock.advance(by: 15 * 86_400)
            let after = try await fd.resolvedCase(from: "other@example.com")
            // Both answered now, after the change.
            let beforePath = try await fd.surveyLink(before)
            let afterPath = try await fd.surveyLink(after)
            _ = try await fd.answerSurvey(beforePath, "solved=no&reason=agent_unhelpful")
            _ = try await fd.answerSurvey(afterPath, "solved=no&reason=agent_unhelpful")
            let old = try fd.decode(
                SurveyDTO.self, try await fd.send(.GET, "api/v1/cases/\(before)/survey", as: fd.lead))
            let new = try fd.decode(
                SurveyDTO.self, try await fd.send(.GET, "api/v1/cases/\(after)/survey", as: fd.lead))
            #expect(old.attribution == "agent")
            #expect(old.policy == "survey-attribution v1")
            #expect(new.attribution == "process")
            #expect(new.policy == "survey-attribution v2")
        }
    }

    @Test("an agent disputes; a lead decides with a reason; an upheld dispute stops the share counting")
    func disputes() async throws {
        try await TestFairdesk.with { fd in
            let caseID = try await fd.resolvedCase()
            _ = try await fd.answerSurvey(try await fd.surveyLink(caseID), "solved=no&reason=agent_unhelpful")
            let surveyID = try fd.decode(
                SurveyDTO.self, try await fd.send(.GET, "api/v1/cases/\(caseID)/survey", as: fd.lead)
            ).id
            let empty = try await fd.send(
                .POST, "api/v1/surveys/\(surveyID)/disputes", as: fd.agent, json: DisputeRequest(note: ""))
            #expect(try fd.problems(empty) == ["note: must not be empty"])
            let disputed = try await fd.send(
                .POST, "api/v1/surveys/\(surveyID)/disputes", as: fd.agent,
                json: DisputeRequest(note: "The courier lost the parcel; I could not have done more."))
            #expect(disputed.status == .created)
            let dispute = try fd.decode(DisputeDTO.self, disputed)
            #expect(
                try await fd.send(
                    .POST, "api/v1/surveys/\(surveyID)/disputes", as: fd.agent, json: DisputeRequest(note: "again")
                ).status == .conflict)
            #expect(try await fd.notifications(fd.lead).first?.kind == "survey.disputed")
            // Agents cannot decide; leads must give a reason; a lead cannot decide their own.
            #expect(
                try await fd.send(
                    .POST, "api/v1/survey-disputes/\(dispute.id)/decision", as: fd.agent,
                    json: DisputeDecisionRequest(outcome: "accept", attribution: nil, reason: "mine")
                ).status == .forbidden)
            let noReason = try await fd.send(
                .POST, "api/v1/survey-disputes/\(dispute.id)/decision", as: fd.lead,
                json: DisputeDecisionRequest(outcome: "reattribute", attribution: "agent", reason: ""))
            #expect(
                try fd.problems(noReason) == [
                    "attribution: must be something other than agent", "reason: must not be empty",
                ])
            let decided = try await fd.send(
                .POST, "api/v1/survey-disputes/\(dispute.id)/decision", as: fd.lead,
                json: DisputeDecisionRequest(
                    outcome: "reattribute", attribution: "delivery", reason: "The courier lost it."))
            #expect(try fd.decode(DisputeDTO.self, decided).state == "reattributed")
            let mine = try fd.decode(
                [SurveyShareDTO].self, try await fd.send(.GET, "api/v1/agents/me/survey-results", as: fd.agent))
            #expect(mine.first?.counts == false)
            #expect(mine.first?.dispute?.decisionReason == "The courier lost it.")
            #expect(try await fd.notifications(fd.agent).first?.kind == "survey.dispute_decided")
            let audit = try await AuditEntry.query(on: fd.app.db).all().map(\.action)
            #expect(audit.contains("survey.disputed"))
            #expect(audit.contains("survey.dispute_decided"))
            #expect(audit.contains("survey.answered"))
        }
    }

    @Test("a no on a closed case opens a recovery case in the Recovery queue")
    func recoveryCase() async throws {
        try await TestFairdesk.with { fd in
            let caseID = try await fd.resolvedCase()
            let path = try await fd.surveyLink(caseID)
            try await fd.send(.POST, "api/v1/cases/\(caseID)/status", as: fd.agent, json: ["status": "closed"])
            _ = try await fd.answerSurvey(path, "solved=no&reason=product_or_delivery")
            let survey = try fd.decode(
                SurveyDTO.self, try await fd.send(.GET, "api/v1/cases/\(caseID)/survey", as: fd.lead))
            #expect(survey.attribution == "product")
            let recovery = try #require(try await SupportCase.find(try #require(survey.recoveryCaseId), on: fd.app.db))
            #expect(recovery.subject == "Recovery: My order never came")
            #expect(try await recovery.$queue.get(on: fd.app.db)?.name == "Recovery")
            // Not put down to an agent: nothing counts against anyone.
            #expect(
                try fd.decode(
                    [SurveyShareDTO].self, try await fd.send(.GET, "api/v1/agents/me/survey-results", as: fd.agent)
                ).isEmpty)
        }
    }
}
