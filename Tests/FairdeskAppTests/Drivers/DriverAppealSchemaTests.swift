import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Driver appeals: the tables behind them")
struct DriverAppealSchemaTests {
    /// A restriction decided by the lead after the warning's period; its id.
    func decision(_ fd: TestFairdesk) async throws -> UUID {
        try await DemoPolicies.seed(on: fd.app.db, now: fd.clock.now)
        try await fd.postRecords(fd.workedBlock("B1", daysAgo: 3, count: 20, late: [1, 2, 3, 4, 5]))
        fd.clock.advance(by: 8 * 86_400)
        let response = try await fd.send(
            .POST, "api/v1/drivers/\(fd.driver.id)/decisions", as: fd.lead,
            json: DriverDecisionRequest(
                action: "restriction", days: 10, clause: "2", grounds: ["on_time_rate"], evidence: ["B1-P1"],
                text: "Five of twenty deliveries were late and did not improve after the warning."))
        try #require(response.status == .created, "\(response.body.string)")
        return try fd.decode(DriverDecisionDTO.self, response).id
    }

    /// Inserts an appeal row against `decision`, as the appeal service will.
    func insertAppeal(_ fd: TestFairdesk, decision: UUID) async throws -> UUID {
        let id = UUID()
        let now = fd.clock.now
        try await (fd.app.db as! any SQLDatabase).insert(into: "driver_appeals")
            .columns(
                "id", "decision_id", "driver_id", "account", "filed_at", "window_closes_at", "review_due_at",
                "escalate_at", "state", "policy_version"
            )
            .values(
                SQLBind(id), SQLBind(decision), SQLBind(fd.driver.id), SQLBind("I was at the door."), SQLBind(now),
                SQLBind(now), SQLBind(now.addingTimeInterval(14 * 86_400)),
                SQLBind(now.addingTimeInterval(11 * 86_400)), SQLBind("filed"), SQLBind("driver-standing v1")
            )
            .run()
        return id
    }

    @Test("one appeal per decision; its evidence goes with it; the migration reverts and runs again")
    func schema() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let decision = try await decision(fd)
            let appeal = try await insertAppeal(fd, decision: decision)
            try await (fd.app.db as! any SQLDatabase).insert(into: "appeal_evidence")
                .columns("id", "appeal_id", "file_key", "original_name", "type", "size", "uploaded_at")
                .values(
                    SQLBind(UUID()), SQLBind(appeal), SQLBind("appeals/trace.gpx"), SQLBind("trace.gpx"),
                    SQLBind("gpx"), SQLBind(Int64(2048)), SQLBind(fd.clock.now)
                )
                .run()

            // MUT
            await #expect(throws: (any Error).self) { try await insertAppeal(fd, decision: decision) }
            try await (fd.app.db as! any SQLDatabase).delete(from: "driver_appeals")
                .where("id", .equal, SQLBind(appeal)).run()

            // validate
            #expect(try await fd.count("driver_appeals") == 0)
            #expect(try await fd.count("appeal_evidence") == 0)
            // The later migration's tables point at the appeals (PostgreSQL refuses to drop them first).
            try await CreateAppealFollowUps().revert(on: fd.app.db)
            try await CreateDriverAppeals().revert(on: fd.app.db)
            try await CreateDriverAppeals().prepare(on: fd.app.db)
            try await CreateAppealFollowUps().prepare(on: fd.app.db)
            #expect(try await insertAppeal(fd, decision: decision) != appeal)
        }
    }
}
