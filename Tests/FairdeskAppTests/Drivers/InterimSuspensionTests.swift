import FairdeskCore
import Fluent
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Interim suspensions lapse by themselves when no full decision follows")
struct InterimSuspensionTests {
    /// An immediate suspension on the urgent ground of safety, decided by the lead now.
    func suspend(_ fd: TestFairdesk) async throws -> DriverDecisionDTO {
        let response = try await fd.send(
            .POST, "api/v1/drivers/\(fd.driver.id)/decisions", as: fd.lead,
            json: DriverDecisionRequest(
                action: "suspension", immediate: true, clause: "3", grounds: ["safety"], evidence: ["B1-P1"],
                text: "Reported driving on the pavement; suspended while it is looked into."))
        try #require(response.status == .created, "\(response.body.string)")
        return try fd.decode(DriverDecisionDTO.self, response)
    }

    @Test("at the end of its business days the job lifts it, audits it and tells the driver, once")
    func lapses() async throws {
        try await TestFairdesk.with { fd in
            // setup
            try await DemoPolicies.seed(on: fd.app.db, now: fd.clock.now)
            try await fd.postRecords(fd.workedBlock("B1", daysAgo: 1, count: 2))
            let interim = try await suspend(fd)
            let until = try #require(interim.interimUntil)

            // MUT
            let early = try await InterimSuspensions.lapse(app: fd.app)
            fd.clock.advance(by: until.timeIntervalSince(fd.clock.now) + 60)
            let due = try await InterimSuspensions.lapse(app: fd.app)
            let again = try await InterimSuspensions.lapse(app: fd.app)

            // validate
            #expect(early == 0 && due == 1 && again == 0)
            let decision = try #require(try await fd.standing().decisions.first)
            #expect(decision.lifted == "lifted: the interim suspension lapsed without a full decision")
            #expect(decision.liftedAt == fd.clock.now)
            let told = try await Notifications.recent(for: fd.driver.id, on: fd.app.db).map(\.kind)
            #expect(told.filter { $0 == "driver.interim_lapsed" }.count == 1)
            let mail = try await Outbox.recent(on: fd.app.db).filter { $0.subject.hasPrefix("Your interim suspension") }
            #expect(mail.count == 1 && mail.first?.body.contains("None did, so it has ended") == true)
            let audit = try await AuditEntry.query(on: fd.app.db).filter(\.$action == "driver.decision_lifted").all()
            #expect(audit.count == 1 && audit.first?.actorLabel == "Fairdesk (automatic)")
            #expect(audit.first?.policyVersion == "driver-standing v1")
            #expect(audit.first?.reason?.contains("without a full decision") == true)
            var driver = WebSession(fd)
            _ = try await driver.logIn("driver@example.com")
            #expect(
                try await driver.get("my/standing").body.string.contains(
                    "lifted: the interim suspension lapsed without a full decision on <time"))
        }
    }

    @Test("a full decision before the end keeps the interim suspension from lapsing on its own")
    func followedByFullDecision() async throws {
        try await TestFairdesk.with { fd in
            // setup
            try await DemoPolicies.seed(on: fd.app.db, now: fd.clock.now)
            try await fd.postRecords(fd.workedBlock("B1", daysAgo: 3, count: 20, late: [1, 2, 3, 4, 5]))
            _ = try await suspend(fd)
            fd.clock.advance(by: 8 * 86_400)
            let full = try await fd.send(
                .POST, "api/v1/drivers/\(fd.driver.id)/decisions", as: fd.lead,
                json: DriverDecisionRequest(
                    action: "restriction", days: 10, clause: "2", grounds: ["on_time_rate"], evidence: ["B1-P1"],
                    text: "Five of twenty deliveries were late and did not improve after the warning."))
            try #require(full.status == .created, "\(full.body.string)")

            // MUT
            fd.clock.advance(by: 20 * 86_400)
            let lifted = try await InterimSuspensions.lapse(app: fd.app)

            // validate
            #expect(lifted == 0)
            #expect(try await fd.standing().decisions.allSatisfy { $0.lifted == nil })
        }
    }
}
