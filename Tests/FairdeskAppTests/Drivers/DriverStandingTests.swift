import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Driver standing: records, excuses and what the driver sees")
struct DriverStandingTests {
    @Test("the depot's records become a standing with every record behind each number, the tier and the rule")
    func standingFromRecords() async throws {
        try await TestFairdesk.with { fd in
            // setup: 20 deliveries, the 20th late; one missed block; feedback on one package
            var records = fd.workedBlock("B1", daysAgo: 3, count: 20, late: [20])
            records.blocks! += fd.missedBlock("B2", daysAgo: 2).blocks!
            records.feedback = [
                .init(
                    id: "F1", packageId: "B1-P3", receivedAt: fd.clock.now.addingTimeInterval(-86_400),
                    sentiment: "negative", comment: "Left at the wrong door")
            ]

            // MUT
            let result = try await fd.postRecords(records)
            let standing = try await fd.standing()

            // validate
            #expect(result.blocks == 2 && result.packages == 20 && result.feedback == 1)
            #expect(result.tier == "great" && result.warningId == nil)
            #expect(standing.tier == "great" && standing.tierTitle == "Great")
            #expect(standing.explanation == "Great: on-time 95% ≥ 95%, every floor met")
            let onTime = try #require(standing.metric("on_time"))
            #expect(onTime.counted.count == 20 && onTime.against == ["B1-P20"])
            #expect(onTime.summary == "on-time rate: 95% (19 of 20)")
            #expect(standing.metric("missed_blocks")?.against == ["B2"])
            #expect(standing.metric("scan_compliance")?.against == [])
            #expect(standing.metric("customer_feedback")?.against == ["F1"])
            #expect(
                standing.rule.first == "Fantastic: on-time ≥ 98% and completion ≥ 97% and scan compliance ≥ 95% "
                    + "and at most 2 missed blocks")
            #expect(standing.policy == "built-in default" && standing.policyVersion == nil)
            #expect(standing.records.map(\.id).contains("B1-P20"))
            #expect(standing.windowEnd == fd.clock.now)
            #expect(standing.windowStart == fd.clock.now.addingTimeInterval(-28 * 86_400))
        }
    }

    @Test("an excused record is left out, with its code, reason and who applied it, and the change is audited")
    func excuse() async throws {
        try await TestFairdesk.with { fd in
            // setup: 21 deliveries, the 21st late
            let before = try await fd.postRecords(fd.workedBlock("B1", daysAgo: 3, count: 21, late: [21]))
            #expect(before.tier == "great")

            // MUT
            let response = try await fd.send(
                .POST, "api/v1/drivers/\(fd.driver.id)/excuses", as: fd.lead,
                json: DriverExcuseRequest(recordId: "B1-P21", code: "depot_delay", reason: "  Van loaded 40 min late "))

            // validate
            #expect(response.status == .created)
            let excuse = try fd.decode(DriverExcuseDTO.self, response)
            #expect(excuse.appliedBy == "Lee Lead (lead)" && excuse.reason == "Van loaded 40 min late")
            let standing = try await fd.standing()
            let onTime = try #require(standing.metric("on_time"))
            #expect(onTime.counted.count == 20 && onTime.against == [])
            #expect(onTime.excluded.map(\.recordId) == ["B1-P21"])
            #expect(onTime.excluded.first?.codeWords == "depot delay")
            #expect(onTime.excluded.first?.reason == "Van loaded 40 min late")
            #expect(standing.tier == "fantastic")
            let audit = try await AuditEntry.query(on: fd.app.db).filter(\.$action == "driver.excused").all()
            #expect(audit.count == 1)
            #expect(audit.first?.reason == "Van loaded 40 min late")
            #expect(audit.first?.policyVersion == "built-in default")

            // the same record cannot be excused twice
            let again = try await fd.send(
                .POST, "api/v1/drivers/\(fd.driver.id)/excuses", as: fd.admin,
                json: DriverExcuseRequest(recordId: "B1-P21", code: "weather", reason: "Rain"))
            #expect(again.status == .conflict)
        }
    }

    @Test("excuses need a reason, a record of this driver, a person by name or an admin's depot feed")
    func excuseRefusals() async throws {
        try await TestFairdesk.with { fd in
            try await fd.postRecords(fd.workedBlock("B1", daysAgo: 3, count: 2))
            let path = "api/v1/drivers/\(fd.driver.id)/excuses"
            let blank = try await fd.send(
                .POST, path, as: fd.lead, json: DriverExcuseRequest(recordId: "B1", code: "storm", reason: " "))
            #expect(blank.status == .unprocessableEntity)
            #expect(
                try fd.problems(blank) == [
                    "code: must be one of: weather, depot_delay, road_closure, app_outage, illness_reported_in_advance "
                        + "(got \"storm\")",
                    "reason: must not be empty",
                ])
            let unknown = try await fd.send(
                .POST, path, as: fd.lead, json: DriverExcuseRequest(recordId: "B9", code: "weather", reason: "Storm"))
            #expect(
                try fd.problems(unknown) == [
                    "recordId: must be a block, package or feedback of this driver (got \"B9\")"
                ])
            let illness = try await fd.send(
                .POST, path, as: fd.lead,
                json: DriverExcuseRequest(recordId: "B1", code: "illness_reported_in_advance", reason: "Flu"))
            #expect(try fd.problems(illness) == ["reportedAt: is required for illness reported in advance"])
            let feedByLead = try await fd.send(
                .POST, path, as: fd.lead,
                json: DriverExcuseRequest(recordId: "B1", code: "weather", reason: "Storm", feed: "Met Office"))
            #expect(
                try fd.problems(feedByLead) == [
                    "feed: is for the depot system's own (admin) token; a person applies an excuse by name"
                ])
            let feedByAdmin = try await fd.send(
                .POST, path, as: fd.admin,
                json: DriverExcuseRequest(recordId: "B1", code: "weather", reason: "Storm", feed: "Met Office"))
            #expect(feedByAdmin.status == .created)
            #expect(try fd.decode(DriverExcuseDTO.self, feedByAdmin).appliedBy == "depot data: Met Office")
            #expect(try await fd.count("driver_excuses") == 1)
        }
    }

    @Test("bad records are refused with every field named, and nothing is written")
    func recordRefusals() async throws {
        try await TestFairdesk.with { fd in
            let now = fd.clock.now
            let records = DriverRecordsRequest(
                blocks: [.init(id: "B1", scheduledStart: now, scheduledEnd: now, status: "late")],
                packages: [
                    .init(
                        id: "P1", blockId: "B7", address: .init(latitude: 95, longitude: 0), windowStart: now,
                        windowEnd: now.addingTimeInterval(3600),
                        outcome: .init(kind: "undeliverable", at: now, reason: nil))
                ],
                feedback: [.init(id: "P1", packageId: "P1", receivedAt: now, sentiment: "meh")])
            let response = try await fd.send(
                .POST, "api/v1/drivers/\(fd.driver.id)/records", as: fd.lead, json: records)
            #expect(response.status == .unprocessableEntity)
            #expect(
                try fd.problems(response) == [
                    "blocks[0].status: must be one of: accepted, started_late, missed, cancelled_with_notice, "
                        + "cancelled_late (got \"late\")",
                    "blocks[0].scheduledEnd: must be after scheduledStart",
                    "packages[0].address: must have latitude -90…90 and longitude -180…180",
                    "packages[0].outcome.reason: is required",
                    "feedback[0].id: appears twice in this request (\"P1\")",
                    "feedback[0].sentiment: must be one of: positive, negative (got \"meh\")",
                ])
            // A package must belong to a block of this driver, sent or stored.
            var orphan = fd.workedBlock("B1", daysAgo: 1, count: 1)
            orphan.blocks = nil
            let refused = try await fd.send(.POST, "api/v1/drivers/\(fd.driver.id)/records", as: fd.lead, json: orphan)
            #expect(
                try fd.problems(refused) == [
                    "packages[0].blockId: must be a block of this driver, sent or stored (\"B1\")"
                ])
            #expect(try await fd.count("driver_blocks") == 0)
            #expect(try await fd.count("driver_packages") == 0)
        }
    }

    @Test("a record sent again replaces the stored one")
    func resend() async throws {
        try await TestFairdesk.with { fd in
            try await fd.postRecords(fd.workedBlock("B1", daysAgo: 2, count: 20, late: [1, 2]))
            #expect(try await fd.standing().metric("on_time")?.against == ["B1-P1", "B1-P2"])
            try await fd.postRecords(fd.workedBlock("B1", daysAgo: 2, count: 20, late: [2]))
            #expect(try await fd.standing().metric("on_time")?.against == ["B1-P2"])
            #expect(try await fd.count("driver_packages") == 20)
        }
    }

    @Test("a driver reads only their own standing; staff who answer for drivers read anyone's")
    func access() async throws {
        try await TestFairdesk.with { fd in
            try await fd.postRecords(fd.workedBlock("B1", daysAgo: 1, count: 2))
            let other = try await fd.extraPerson("other.driver@example.com", "Oz Other", .driver)
            let reviewer = try await fd.extraPerson("reviewer@example.com", "Rae Reviewer", .reviewer)
            let path = "api/v1/drivers/\(fd.driver.id)/standing"
            #expect(try await fd.send(.GET, path, as: fd.driver).status == .ok)
            #expect(try await fd.send(.GET, path, as: reviewer).status == .ok)
            #expect(try await fd.send(.GET, path, as: fd.admin).status == .ok)
            #expect(try await fd.send(.GET, path, as: other).status == .forbidden)
            #expect(try await fd.send(.GET, path, as: fd.agent).status == .forbidden)
            #expect(try await fd.send(.GET, path).status == .unauthorized)
            #expect(try await fd.send(.GET, "api/v1/drivers/\(fd.lead.id)/standing", as: fd.lead).status == .notFound)
            let records = fd.workedBlock("B2", daysAgo: 1, count: 1)
            #expect(
                try await fd.send(.POST, "api/v1/drivers/\(fd.driver.id)/records", as: fd.driver, json: records).status
                    == .forbidden)
            #expect(
                try await fd.send(.POST, "api/v1/drivers/\(fd.driver.id)/records", as: reviewer, json: records).status
                    == .forbidden)
            let excuse = DriverExcuseRequest(recordId: "B1", code: "weather", reason: "Storm")
            #expect(
                try await fd.send(.POST, "api/v1/drivers/\(fd.driver.id)/excuses", as: fd.driver, json: excuse).status
                    == .forbidden)
            #expect(
                try await fd.send(.POST, "api/v1/drivers/\(fd.driver.id)/excuses", as: reviewer, json: excuse).status
                    == .created)
        }
    }

    @Test("the standing cites the driver policy version in force and reads its thresholds")
    func policyVersion() async throws {
        try await TestFairdesk.with { fd in
            try await DemoPolicies.seed(on: fd.app.db, now: fd.clock.now)
            try await fd.postRecords(fd.workedBlock("B1", daysAgo: 1, count: 20))
            let standing = try await fd.standing()
            #expect(standing.policy == "driver-standing v1" && standing.policyVersion == 1)
            #expect(standing.tier == "fantastic")
        }
    }
}
