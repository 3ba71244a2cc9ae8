import FairdeskCore
import Fluent
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("A driver downloads their own data as JSON and CSV")
struct DriverExportTests {
    @Test("the export holds records, excuses, warnings, decisions, appeals, outcomes and the audit; others' is 403")
    func export() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let (appeal, reviewer) = try await DriverAppealTests().filedAppeal(fd)
            _ = try await fd.send(
                .POST, DriverAppealTests().resolution(appeal), as: reviewer,
                json: AppealResolutionRequest(
                    outcome: "reinstated", reasons: "The scan was at the door, \"inside\" the window.",
                    clearedRecords: ["B1-P1"]))
            let other = try await fd.extraPerson("other@example.com", "Olu Other", .driver)
            let path = "api/v1/drivers/\(fd.driver.id)/export"

            // MUT
            let json = try await fd.send(.GET, path, as: fd.driver)
            let csv = try await fd.send(.GET, path + ".csv", as: fd.driver)
            let stranger = try await fd.send(.GET, path, as: other)
            let byReviewer = try await fd.send(.GET, path + ".csv", as: reviewer)

            // validate
            #expect(json.status == .ok, "\(json.body.string)")
            let data = try fd.decode(DriverExportDTO.self, json)
            #expect(data.records.contains { $0.id == "B1-P1" } && data.records.contains { $0.id == "B1" })
            #expect(data.excuses.map(\.code) == ["overturned_on_appeal"])
            #expect(!data.warnings.isEmpty && data.decisions.first?.lifted == "lifted: overturned on appeal")
            #expect(data.appeals.first?.outcome == "reinstated")
            let actions = Set(data.audit.map(\.action))
            #expect(
                actions.isSuperset(of: [
                    "driver.records", "driver.decided", "driver.appeal_filed", "driver.appeal_decided",
                ]))
            #expect(stranger.status == .forbidden)
            #expect(byReviewer.status == .ok)
            #expect(csv.headers.contentType?.subType == "csv")
            #expect(csv.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            let text = csv.body.string
            #expect(text.hasPrefix("section,id,at,what,detail,by,policy\r\n"))
            // A reason with a comma and quotes is one quoted field with its quotes doubled (RFC 4180).
            #expect(text.contains(#""The scan was at the door, ""inside"" the window.""#))
            #expect(text.contains("\r\noutcome,\(appeal),"))
            #expect(text.hasSuffix("\r\n"))
            // My standing links to both.
            var driver = WebSession(fd)
            _ = try await driver.logIn("driver@example.com")
            let page = try await driver.get("my/standing").body.string
            #expect(page.contains(#"<a href="/api/v1/drivers/\#(fd.driver.id)/export.csv" download>CSV</a>"#))
            #expect(try await driver.get(path).status == .ok)
        }
    }

    @Test("export responses match openapi.yaml")
    func openAPI() async throws {
        try await TestFairdesk.with { fd in
            let spec = try OpenAPITests.spec()
            _ = try await DriverAppealTests().filedAppeal(fd)
            try OpenAPITests.expectValid(
                try await fd.send(.GET, "api/v1/drivers/\(fd.driver.id)/export", as: fd.driver), "get",
                "/api/v1/drivers/{userID}/export", spec: spec)
        }
    }
}
