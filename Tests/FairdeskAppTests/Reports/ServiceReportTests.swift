import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@testable import FairdeskApp

extension TestFairdesk {
    /// Every rollup row, in a fixed order, to compare running rollups with a rebuild.
    func rollupRows() async throws -> [String] {
        struct Row: Decodable {
            var grain: String
            var period: String
            var tier: String
            var channel: String
            var measure: String
            var bucket: String
            var value: Int
        }
        return try await (app.db as! any SQLDatabase).raw(
            "SELECT grain, period, tier, channel, measure, bucket, value FROM report_rollups"
        ).all(decoding: Row.self).map {
            "\($0.grain) \($0.period) \($0.tier) \($0.channel) \($0.measure) \($0.bucket) = \($0.value)"
        }.sorted()
    }
}

@Suite("Leaders' reports")
struct ServiceReportTests {
    @Test(
        "the report counts cases, satisfaction, complaints, escalations, times and SLA as they happen, and a rebuild agrees"
    )
    func countsAsEventsHappen() async throws {
        try await TestFairdesk.with(.set(\.surveyDelayMinutes, 0)) { t in
            // setup: two cases answered in 10 minutes and resolved after 25; one "yes", one "took too long";
            // a third case the lead takes over (an escalation) and nobody answers yet.
            let day = LocalDate(t.clock.now, in: TimeZone(identifier: "UTC")!)
            let happy = try await t.resolvedCase(from: "casey@example.com")
            let unhappy = try await t.resolvedCase(from: "dana@example.com")
            #expect(try await t.answerSurvey(try await t.surveyLink(happy), "solved=yes").status == .seeOther)
            let third = try await t.inbound(from: "erin@example.com", body: "Where is my parcel?")
            let taken = try await t.send(
                .POST, "api/v1/cases/\(third.caseId)/transfer", as: t.lead,
                json: ["toAgentId": t.lead.id.uuidString, "handoffNote": "I will take this one myself, VIP customer."])
            #expect(taken.status == .ok, "\(taken.body.string)")
            // A rebuild from the stored records gives the same rollups as counting along.
            let running = try await t.rollupRows()
            #expect(running.count > 20)
            _ = try await ReportRollupRebuild(db: t.app.db, timeZone: TimeZone(identifier: "UTC")!).run()
            let rebuilt = try await t.rollupRows()
            #expect(rebuilt == running, "\(Set(running).symmetricDifference(rebuilt).sorted())")
            // The "no" reopens the case for recovery (a new resolution clock), counted on top of the rebuild.
            #expect(
                try await t.answerSurvey(try await t.surveyLink(unhappy), "solved=no&reason=took_too_long").status
                    == .seeOther)
            // MUT
            let response = try await t.send(.GET, "api/v1/reports/service?unit=day&from=\(day)&to=\(day)", as: t.lead)
            // validate
            #expect(response.status == .ok, "\(response.body.string)")
            let report = try t.decode(ServiceReportDTO.self, response)
            #expect(report.periods.map(\.period) == [day.description])
            let all = try #require(report.periods.first?.all)
            #expect(all.casesOpened == 3)
            #expect(all.casesResolved == 2)
            #expect(all.satisfaction.successes == 1 && all.satisfaction.trials == 2)
            #expect(all.complaints.map(\.reason) == ["took_too_long"])
            #expect(all.complaints.first?.label == "It took too long")
            #expect(all.leadEscalation.successes == 1 && all.leadEscalation.trials == 3)
            #expect(all.botEscalation.trials == 0)
            // Both first replies came 10 minutes in; both resolutions at 25 minutes. Buckets are a quarter wide.
            #expect(all.firstResponse.count == 2)
            let firstMedian = try #require(all.firstResponse.medianSeconds)
            #expect(abs(firstMedian - 600) <= 150, "median first response \(firstMedian)")
            let resolutionMedian = try #require(all.resolution.medianSeconds)
            #expect(abs(resolutionMedian - 1_500) <= 375, "median resolution \(resolutionMedian)")
            // First-response and resolution clocks of the two resolved cases, all in time.
            #expect(all.slaAttainment.successes == 4 && all.slaAttainment.trials == 4)
            #expect(all.transfersPerResolvedCase == 1)
            #expect(report.periods.first?.byChannel.map(\.key) == ["email"])
            // Casey is a premium customer; Dana and Erin are new, so standard.
            #expect(report.periods.first?.byTier.map(\.key) == ["premium", "standard"])
            #expect(report.total.casesOpened == 3)
            // The month view reads the month rows and says the same.
            let month = try t.decode(
                ServiceReportDTO.self, try await t.send(.GET, "api/v1/reports/service?unit=month", as: t.lead))
            #expect(month.periods.count == 12)
            #expect(month.periods.last?.period == day.monthKey)
            #expect(month.periods.last?.all.casesOpened == 3)
            #expect(month.periods.last?.all.satisfaction.trials == 2)
        }
    }

    @Test("the report comes as CSV, refuses bad parameters by name, and is for leads and admins only")
    func csvAndRules() async throws {
        try await TestFairdesk.with { t in
            // setup
            let day = LocalDate(t.clock.now, in: TimeZone(identifier: "UTC")!)
            _ = try await t.inbound(from: "casey@example.com", body: "Hello, is anyone there? My order, please")
            // MUT
            let csv = try await t.send(
                .GET, "api/v1/reports/service.csv?unit=quarter&from=\(day)&to=\(day)", as: t.admin)
            // validate
            #expect(csv.status == .ok)
            #expect(csv.headers.contentType?.subType == "csv")
            let lines = csv.body.string.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.first?.hasPrefix("period,start,end,split,value,cases_opened,") == true)
            let quarter = ReportUnit.quarter.key(of: day)
            #expect(lines.contains { $0.hasPrefix("\(quarter),") && $0.contains(",all,all,1,0,0,") })
            #expect(lines.contains { $0.contains(",channel,email,1,") })
            let badUnit = try await t.send(.GET, "api/v1/reports/service?unit=week", as: t.lead)
            #expect(badUnit.status == .unprocessableEntity)
            #expect(badUnit.body.string.contains("unit"))
            let backwards = try await t.send(
                .GET, "api/v1/reports/service?from=2026-10-02&to=2026-10-01", as: t.lead)
            #expect(backwards.status == .unprocessableEntity)
            #expect(backwards.body.string.contains("from"))
            let tooLong = try await t.send(
                .GET, "api/v1/reports/service?unit=day&from=2025-01-01&to=2026-10-01", as: t.lead)
            #expect(tooLong.status == .unprocessableEntity)
            #expect(try await t.send(.GET, "api/v1/reports/service", as: t.agent).status == .forbidden)
            #expect(try await t.send(.GET, "api/v1/reports/service.csv", as: t.agent).status == .forbidden)
        }
    }

    @Test("the reports page shows the table, the charts and a CSV link to leads, and not to agents")
    func page() async throws {
        try await TestFairdesk.with(.set(\.surveyDelayMinutes, 0)) { t in
            // setup
            let caseID = try await t.resolvedCase(from: "casey@example.com")
            #expect(
                try await t.answerSurvey(try await t.surveyLink(caseID), "solved=no&reason=had_to_repeat").status
                    == .seeOther)
            var lead = WebSession(t)
            _ = try await lead.logIn("lead@example.com")
            var agent = WebSession(t)
            _ = try await agent.logIn("agent@example.com")
            // MUT
            let page = try await lead.get("reports?unit=month")
            // validate
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("id=\"report-periods\""))
            #expect(html.contains("0.0% (n = 1)"))
            #expect(html.contains("I had to repeat myself (1)"))
            #expect(html.contains("aria-label=\"Satisfaction by period\""))
            #expect(html.contains("/reports/service.csv?unit=month"))
            let csv = try await lead.get("reports/service.csv?unit=year")
            #expect(csv.status == .ok)
            #expect(csv.body.string.hasPrefix("period,start,end"))
            #expect(try await agent.get("reports").status == .forbidden)
        }
    }
}
