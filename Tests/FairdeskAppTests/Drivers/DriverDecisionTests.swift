import FairdeskCore
import Fluent
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Driver decisions: a named person, a statement of reasons, warnings first")
struct DriverDecisionTests {
    /// A driver At risk with a warning issued now, under the demo driver policy.
    func warnedDriver(_ fd: TestFairdesk) async throws {
        try await DemoPolicies.seed(on: fd.app.db, now: fd.clock.now)
        let result = try await fd.postRecords(fd.workedBlock("B1", daysAgo: 3, count: 20, late: [1, 2, 3, 4, 5]))
        try #require(result.warningId != nil)
    }

    func fields(_ fd: TestFairdesk, _ response: TestingHTTPResponse) throws -> [String] {
        try fd.decode(ErrorBody.self, response).problems.map(\.field)
    }

    @Test("a decision without clause, evidence, reasons or a permitted ground is refused; forbidden grounds never pass")
    func refusals() async throws {
        try await TestFairdesk.with { fd in
            try await warnedDriver(fd)
            let path = "api/v1/drivers/\(fd.driver.id)/decisions"
            let bare = try await fd.send(
                .POST, path, as: fd.lead,
                json: DriverDecisionRequest(
                    action: "deactivation", clause: "", grounds: ["declining_offers"], evidence: [" "], text: ""))
            #expect(bare.status == .unprocessableEntity)
            #expect(
                try fields(fd, bare) == [
                    "statement.clause", "statement.evidence", "statement.text", "statement.grounds[0]", "proposal",
                ])
            #expect(
                try fd.problems(bare).contains(
                    "statement.grounds[0]: must not be declining offers: it is a forbidden ground for any action"))
            let own = try await fd.send(
                .POST, path, as: fd.lead,
                json: DriverDecisionRequest(
                    action: "restriction", proposedBy: fd.lead.id.uuidString, clause: "2", grounds: ["on_time_rate"],
                    evidence: ["B1-P1"], text: "Late deliveries"))
            #expect(try fields(fd, own).contains("decider"))
            let unknownAction = try await fd.send(
                .POST, path, as: fd.lead,
                json: DriverDecisionRequest(
                    action: "fine", clause: "2", grounds: ["on_time_rate"], evidence: ["B1-P1"], text: "x"))
            #expect(try fields(fd, unknownAction).first == "action")
            #expect(try await fd.send(.POST, path, as: fd.admin, json: DriverDecisionRequest()).status == .forbidden)
            #expect(try await fd.send(.POST, path, as: fd.driver, json: DriverDecisionRequest()).status == .forbidden)
            #expect(try await fd.count("driver_decisions") == 0)
        }
    }

    @Test(
        "after the warning's period a lead decides; the driver is told on their page and by email, with the appeal window"
    )
    func decided() async throws {
        try await TestFairdesk.with { fd in
            // setup
            try await warnedDriver(fd)
            let path = "api/v1/drivers/\(fd.driver.id)/decisions"
            let request = DriverDecisionRequest(
                action: "restriction", days: 10, clause: "2", grounds: ["on_time_rate"], evidence: ["B1-P1", "B1-P2"],
                text: "Five of twenty deliveries were late and did not improve after the warning.")
            let early = try await fd.send(.POST, path, as: fd.lead, json: request)
            #expect(try fields(fd, early) == ["proposal"])

            // MUT
            fd.clock.advance(by: 8 * 86_400)
            let response = try await fd.send(.POST, path, as: fd.lead, json: request)

            // validate
            #expect(response.status == .created)
            let decision = try fd.decode(DriverDecisionDTO.self, response)
            #expect(decision.decider == "Lee Lead (lead)" && decision.policy == "driver-standing v1")
            #expect(decision.appealUntil == fd.clock.now.addingTimeInterval(14 * 86_400))
            #expect(decision.interimUntil == nil && decision.groundsWords == ["on time rate"])
            // An ordinary action: the driver is told now, and it applies after the policy's notice.
            #expect(decision.effectiveAt == fd.clock.now.addingTimeInterval(14 * 86_400))
            // It lasts the ten days the lead set, from then.
            #expect(decision.days == 10 && decision.endsAt == decision.effectiveAt.addingTimeInterval(10 * 86_400))
            let standing = try await fd.standing()
            #expect(standing.decisions.map(\.id) == [decision.id])
            let mail = try await Outbox.recent(on: fd.app.db).filter { $0.kind == "driver_decision" }
            #expect(mail.map(\.toAddress) == ["driver@example.com"])
            #expect(mail.first?.body.contains("You may appeal until") == true)
            #expect(mail.first?.body.contains("clause 2") == true)
            #expect(mail.first?.body.contains("from \(PageTime.text(decision.effectiveAt)).") == true)
            #expect(mail.first?.body.contains("It ends on \(PageTime.text(decision.endsAt!)).") == true)
            let audit = try await AuditEntry.query(on: fd.app.db).filter(\.$action == "driver.decided").all()
            #expect(audit.count == 1 && audit.first?.policyVersion == "driver-standing v1")
        }
    }

    @Test("only a suspension on an urgent ground takes effect at once, and it lapses after the business days")
    func interim() async throws {
        try await TestFairdesk.with { fd in
            try await DemoPolicies.seed(on: fd.app.db, now: fd.clock.now)
            try await fd.postRecords(fd.workedBlock("B1", daysAgo: 1, count: 2))
            let path = "api/v1/drivers/\(fd.driver.id)/decisions"
            let deactivation = try await fd.send(
                .POST, path, as: fd.lead,
                json: DriverDecisionRequest(
                    action: "deactivation", immediate: true, clause: "3", grounds: ["safety"], evidence: ["B1-P1"],
                    text: "Drove on the pavement"))
            #expect(try fields(fd, deactivation) == ["proposal.immediate"])
            let suspension = try await fd.send(
                .POST, path, as: fd.lead,
                json: DriverDecisionRequest(
                    action: "suspension", immediate: true, clause: "3", grounds: ["safety"], evidence: ["B1-P1"],
                    text: "Drove on the pavement"))
            #expect(suspension.status == .created)
            let decision = try fd.decode(DriverDecisionDTO.self, suspension)
            #expect(decision.immediate && decision.effectiveAt == fd.clock.now)
            let lapses = try #require(decision.interimUntil)
            #expect(lapses > fd.clock.now.addingTimeInterval(7 * 86_400))
        }
    }

    @Test("decision responses match openapi.yaml")
    func openAPI() async throws {
        try await TestFairdesk.with { fd in
            let spec = try OpenAPITests.spec()
            try await warnedDriver(fd)
            let path = "api/v1/drivers/\(fd.driver.id)/decisions"
            let template = "/api/v1/drivers/{userID}/decisions"
            try OpenAPITests.expectValid(
                try await fd.send(.POST, path, as: fd.lead, json: DriverDecisionRequest(action: "restriction")),
                "post", template, spec: spec)
            fd.clock.advance(by: 8 * 86_400)
            try OpenAPITests.expectValid(
                try await fd.send(
                    .POST, path, as: fd.lead,
                    json: DriverDecisionRequest(
                        action: "restriction", days: 10, clause: "2", grounds: ["on_time_rate"], evidence: ["B1-P1"],
                        text: "Late")),
                "post", template, spec: spec)
            try OpenAPITests.expectValid(
                try await fd.send(.GET, "api/v1/drivers/\(fd.driver.id)/standing", as: fd.driver), "get",
                "/api/v1/drivers/{userID}/standing", spec: spec)
        }
    }
}
