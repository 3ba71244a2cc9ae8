import FairdeskCore
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Survey pages")
struct SurveyPagesTests {
    @Test("an agent sees what counts against them and disputes it; a lead decides it on the disputes page")
    func disputeOnTheWeb() async throws {
        try await TestFairdesk.with { fd in
            let caseID = try await fd.resolvedCase()
            let path = try await fd.surveyLink(caseID)
            #expect(try await fd.answerSurvey(path, "solved=no&reason=agent_unhelpful").status == .seeOther)
            let thanks = try await fd.send(.GET, path).body.string
            #expect(thanks.contains("Someone is looking at your case again"))

            var agent = WebSession(fd)
            _ = try await agent.logIn("agent@example.com")
            let mine = try await agent.get("my/surveys")
            #expect(mine.body.string.contains("The agent was unhelpful or rude"))
            #expect(mine.body.string.contains("survey-attribution") == false)
            #expect(mine.body.string.contains("built-in default"))
            let surveyID = try fd.decode(
                SurveyDTO.self, try await fd.send(.GET, "api/v1/cases/\(caseID)/survey", as: fd.lead)
            ).id
            let refused = try await agent.post(
                "my/surveys/\(surveyID)/dispute", ["note": "", "_csrf": WebSession.csrf(mine)])
            #expect(refused.status == .unprocessableEntity)
            let sent = try await agent.post(
                "my/surveys/\(surveyID)/dispute", ["note": "The courier lost it", "_csrf": WebSession.csrf(mine)])
            #expect(sent.status == .seeOther)
            #expect(try await agent.get("surveys/disputes").status == .forbidden)

            var lead = WebSession(fd)
            _ = try await lead.logIn("lead@example.com")
            let page = try await lead.get("surveys/disputes")
            #expect(page.body.string.contains("The courier lost it"))
            let disputeID = try #require(
                try fd.decode(
                    [DisputeDTO].self, try await fd.send(.GET, "api/v1/survey-disputes?state=open", as: fd.lead)
                )
                .first?.id)
            let decided = try await lead.post(
                "surveys/disputes/\(disputeID)",
                ["outcome": "accept", "reason": "Courier fault, confirmed", "_csrf": WebSession.csrf(page)])
            #expect(decided.status == .seeOther)
            let after = try await agent.get("my/surveys").body.string
            #expect(after.contains("does not count"))
            #expect(after.contains("Courier fault, confirmed"))
        }
    }
}
