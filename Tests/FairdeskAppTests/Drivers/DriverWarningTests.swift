import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Driver warnings: written, audited, emailed, once per period")
struct DriverWarningTests {
    @Test("falling into At risk issues one written warning naming the metric, the evidence and the way back")
    func atRisk() async throws {
        try await TestFairdesk.with { fd in
            // MUT: 5 of 20 late is 75% on time, below the 90% floor
            let result = try await fd.postRecords(fd.workedBlock("B1", daysAgo: 3, count: 20, late: [1, 2, 3, 4, 5]))

            // validate
            #expect(result.tier == "at_risk")
            let warningID = try #require(result.warningId)
            let standing = try await fd.standing()
            let warning = try #require(standing.warnings.first)
            #expect(standing.warnings.count == 1)
            #expect(warning.id == warningID && warning.kind == "standing" && warning.open)
            #expect(warning.findings.map(\.metric) == ["on_time"])
            #expect(warning.findings.first?.evidence == ["B1-P1", "B1-P2", "B1-P3", "B1-P4", "B1-P5"])
            #expect(warning.findings.first?.wayBack == "an on-time rate of at least 90% over the last 28 days")
            #expect(warning.improveUntil == fd.clock.now.addingTimeInterval(7 * 86_400))
            #expect(warning.text.contains("on-time rate: 75% (15 of 20)"))
            #expect(warning.issuedBy == "Fairdesk (automatic)")
            let audit = try await AuditEntry.query(on: fd.app.db).filter(\.$action == "driver.warned").all()
            #expect(audit.count == 1 && audit.first?.policyVersion == "built-in default")
            let mail = try await Outbox.recent(on: fd.app.db).filter { $0.kind == "driver_warning" }
            #expect(mail.map(\.toAddress) == ["driver@example.com"])
            #expect(mail.first?.body.contains("No action has been taken against you") == true)
            #expect(mail.first?.body.contains("/my/standing") == true)

            // Still At risk with more records: no second warning while the period is open.
            let more = try await fd.postRecords(fd.workedBlock("B2", daysAgo: 2, count: 4, late: [1]))
            #expect(more.tier == "at_risk" && more.warningId == nil)
            #expect(try await DriverStandings.sweep(app: fd.app) == 0)
            #expect(try await fd.count("driver_warnings") == 1)

            // After the period, the sweep finds the driver still At risk and warns again.
            fd.clock.advance(by: 8 * 86_400)
            #expect(try await DriverStandings.sweep(app: fd.app) == 1)
            let after = try await fd.standing()
            #expect(after.warnings.count == 2)
            #expect(after.warnings.map(\.open) == [true, false])
        }
    }

    @Test(
        "a warning whose records are excused afterwards is withdrawn with its reason, the driver told; it no longer blocks a new one"
    )
    func withdrawnWhenCorrected() async throws {
        try await TestFairdesk.with { fd in
            // setup: 5 of 20 late puts the driver At risk and brings a warning; a second block is fine.
            try await fd.postRecords(fd.workedBlock("B0", daysAgo: 4, count: 20))
            let result = try await fd.postRecords(fd.workedBlock("B1", daysAgo: 3, count: 20, late: [1, 2, 3, 4, 5]))
            let warningID = try #require(result.warningId)
            // An excuse elsewhere leaves the finding as it was: the warning stands.
            let other = try await fd.send(
                .POST, "api/v1/drivers/\(fd.driver.id)/excuses", as: fd.lead,
                json: DriverExcuseRequest(recordId: "B0-P1", code: "weather", reason: "Storm"))
            #expect(other.status == .created, "\(other.body.string)")
            #expect(try await fd.standing().warnings.first?.withdrawnAt == nil)

            // MUT: the late block was held at the depot; excused, the warning's finding falls.
            let excused = try await fd.send(
                .POST, "api/v1/drivers/\(fd.driver.id)/excuses", as: fd.lead,
                json: DriverExcuseRequest(recordId: "B1", code: "depot_delay", reason: "The van left two hours late"))

            // validate
            #expect(excused.status == .created, "\(excused.body.string)")
            let warning = try #require(try await fd.standing().warnings.first { $0.id == warningID })
            #expect(warning.withdrawnAt == fd.clock.now)
            #expect(!warning.open)
            #expect(warning.withdrawnBy == "Lee Lead (lead)")
            #expect(
                warning.withdrawnReason?.contains(
                    "the standing when it was issued had too few deliveries left for a tier") == true,
                "\(warning.withdrawnReason ?? "")")
            let audit = try await AuditEntry.query(on: fd.app.db).filter(\.$action == "driver.warning_withdrawn").all()
            #expect(audit.count == 1 && audit.first?.policyVersion == "built-in default")
            let mail = try await fd.mails("driver_warning")
            #expect(mail.count == 2)
            #expect(mail.last?.subject.contains("withdrawn") == true)
            #expect(mail.last?.body.contains("It no longer counts") == true)
            // The driver's page says so.
            var driver = WebSession(fd)
            _ = try await driver.logIn("driver@example.com")
            #expect(try await driver.get("my/standing").body.string.contains(#"id="withdrawn-\#(warningID)""#))
            // A withdrawn warning does not stop a new one when the driver falls At risk again.
            #expect(
                try await DriverStandings.openWarning(
                    of: fd.driver.id, kind: "standing", clause: nil, at: fd.clock.now, on: fd.app.db) == false)
        }
    }

    @Test("a violation warning is withdrawn once every record it relied on is left out, not before")
    func violationWithdrawn() async throws {
        try await TestFairdesk.with { fd in
            // setup
            try await DemoPolicies.seed(on: fd.app.db, now: fd.clock.now)
            try await fd.postRecords(fd.workedBlock("B1", daysAgo: 1, count: 3))
            let reported = try await fd.send(
                .POST, "api/v1/drivers/\(fd.driver.id)/violations", as: fd.lead,
                json: DriverViolationRequest(
                    clause: "1", account: "Left parcels in the rain", evidence: ["B1-P1", "B1-P2"]))
            #expect(reported.status == .created, "\(reported.body.string)")
            func excuse(_ record: String) async throws {
                let response = try await fd.send(
                    .POST, "api/v1/drivers/\(fd.driver.id)/excuses", as: fd.lead,
                    json: DriverExcuseRequest(recordId: record, code: "road_closure", reason: "Closed bridge"))
                #expect(response.status == .created, "\(response.body.string)")
            }

            // MUT + validate: one of two records left out keeps it; both withdraw it.
            try await excuse("B1-P1")
            #expect(try await fd.standing().warnings.first?.withdrawnAt == nil)
            try await excuse("B1-P2")
            let warning = try #require(try await fd.standing().warnings.first)
            #expect(warning.withdrawnAt != nil)
            #expect(
                warning.withdrawnReason == "Every record it relied on (B1-P1, B1-P2) was since left out (road closure)."
            )
        }
    }

    @Test("a standing that is not At risk, or has too few deliveries to judge, brings no warning")
    func noWarning() async throws {
        try await TestFairdesk.with { fd in
            let few = try await fd.postRecords(fd.workedBlock("B1", daysAgo: 3, count: 5, late: [1, 2, 3]))
            #expect(few.tier == nil && few.warningId == nil)
            #expect(
                try await fd.standing().explanation == "No tier yet: 5 of the 20 deliveries needed in the last 28 days")
            #expect(try await DriverStandings.sweep(app: fd.app) == 0)
            #expect(try await fd.count("driver_warnings") == 0)
        }
    }

    @Test("a lead's policy-violation report warns under a clause of the version in force, once per period")
    func violation() async throws {
        try await TestFairdesk.with { fd in
            // setup
            try await DemoPolicies.seed(on: fd.app.db, now: fd.clock.now)
            try await fd.postRecords(fd.workedBlock("B1", daysAgo: 1, count: 2))
            let path = "api/v1/drivers/\(fd.driver.id)/violations"

            // MUT + validate
            let unknown = try await fd.send(
                .POST, path, as: fd.lead, json: DriverViolationRequest(clause: "9", account: "", evidence: []))
            #expect(unknown.status == .unprocessableEntity)
            #expect(
                try fd.problems(unknown) == [
                    "clause: must be a clause of the policy in force; known: 1, 2, 3, 4",
                    "account: must not be empty",
                    "evidence: must list at least one record relied on",
                ])
            let made = try await fd.send(
                .POST, path, as: fd.lead,
                json: DriverViolationRequest(
                    clause: "1", account: "Parcel B1-P1 was thrown over a gate", evidence: ["B1-P1"]))
            #expect(made.status == .created)
            let warning = try fd.decode(DriverWarningDTO.self, made)
            #expect(warning.kind == "violation" && warning.clause == "1" && warning.policy == "driver-standing v1")
            #expect(warning.issuedBy == "Lee Lead (lead)")
            #expect(warning.findings.first?.evidence == ["B1-P1"])
            let again = try await fd.send(
                .POST, path, as: fd.lead,
                json: DriverViolationRequest(clause: "1", account: "Again", evidence: ["B1-P2"]))
            #expect(again.status == .conflict)
            #expect(try await fd.send(.POST, path, as: fd.admin, json: DriverViolationRequest()).status == .forbidden)
            #expect(try await fd.count("driver_warnings") == 1)
            let audit = try await AuditEntry.query(on: fd.app.db).filter(\.$action == "driver.warned").all()
            #expect(audit.first?.policyVersion == "driver-standing v1")
        }
    }

    @Test("driver responses match openapi.yaml")
    func openAPI() async throws {
        try await TestFairdesk.with { fd in
            let spec = try OpenAPITests.spec()
            func check(_ response: TestingHTTPResponse, _ method: String, _ template: String) throws {
                try OpenAPITests.expectValid(response, method, template, spec: spec)
            }
            try await DemoPolicies.seed(on: fd.app.db, now: fd.clock.now)
            let base = "api/v1/drivers/\(fd.driver.id)"
            let records = fd.workedBlock("B1", daysAgo: 1, count: 20, late: [1, 2, 3])
            try check(
                try await fd.send(.POST, "\(base)/records", as: fd.lead, json: records), "post",
                "/api/v1/drivers/{userID}/records")
            try check(
                try await fd.send(.POST, "\(base)/records", as: fd.lead, json: DriverRecordsRequest()), "post",
                "/api/v1/drivers/{userID}/records")
            try check(
                try await fd.send(
                    .POST, "\(base)/excuses", as: fd.lead,
                    json: DriverExcuseRequest(recordId: "B1-P1", code: "road_closure", reason: "Bridge shut")),
                "post", "/api/v1/drivers/{userID}/excuses")
            try check(
                try await fd.send(
                    .POST, "\(base)/excuses", as: fd.lead,
                    json: DriverExcuseRequest(recordId: "B1-P1", code: "road_closure", reason: "Bridge shut")),
                "post", "/api/v1/drivers/{userID}/excuses")
            try check(
                try await fd.send(
                    .POST, "\(base)/violations", as: fd.lead,
                    json: DriverViolationRequest(clause: "3", account: "No scan at the door", evidence: ["B1-P2"])),
                "post", "/api/v1/drivers/{userID}/violations")
            try check(
                try await fd.send(.GET, "\(base)/standing", as: fd.driver), "get", "/api/v1/drivers/{userID}/standing")
            try check(
                try await fd.send(.GET, "\(base)/standing", as: fd.agent), "get", "/api/v1/drivers/{userID}/standing")
            try check(
                try await fd.send(.GET, "api/v1/drivers/\(fd.agent.id)/standing", as: fd.lead), "get",
                "/api/v1/drivers/{userID}/standing")
        }
    }
}
