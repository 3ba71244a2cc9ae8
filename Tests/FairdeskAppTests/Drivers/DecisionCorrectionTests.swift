import FairdeskCore
import Fluent
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Reinstatement corrects the record: the decision lifted, records found in the driver's favour left out")
struct DecisionCorrectionTests {
    func resolve(_ fd: TestFairdesk, _ appeal: UUID, as reviewer: TestFairdesk.Person, _ body: AppealResolutionRequest)
        async throws -> TestingHTTPResponse
    {
        try await fd.send(.POST, DriverAppealTests().resolution(appeal), as: reviewer, json: body)
    }

    @Test("reinstated: the decision is lifted and B1-P1 stops counting, shown under Left out with the reasons")
    func reinstated() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let (appeal, reviewer) = try await DriverAppealTests().filedAppeal(fd)
            let before = try await fd.standing()
            #expect(before.metric("on_time")?.against.contains("B1-P1") == true)

            // MUT
            let stranger = try await resolve(
                fd, appeal, as: reviewer,
                AppealResolutionRequest(outcome: "reinstated", reasons: "x", clearedRecords: ["B1-P9"]))
            let denied = try await resolve(
                fd, appeal, as: reviewer,
                AppealResolutionRequest(outcome: "denied", reasons: "x", clearedRecords: ["B1-P1"]))
            let response = try await resolve(
                fd, appeal, as: reviewer,
                AppealResolutionRequest(
                    outcome: "reinstated", reasons: "The door scan was inside the window; the depot clock ran fast.",
                    clearedRecords: ["B1-P1"]))

            // validate
            #expect(try fd.decode(ErrorBody.self, stranger).problems.map(\.field) == ["clearedRecords[0]"])
            #expect(try fd.decode(ErrorBody.self, denied).problems.map(\.field) == ["clearedRecords"])
            #expect(response.status == .ok, "\(response.body.string)")
            let after = try await fd.standing()
            let onTime = try #require(after.metric("on_time"))
            #expect(!onTime.against.contains("B1-P1") && onTime.against.contains("B1-P2"))
            let left = try #require(onTime.excluded.first { $0.recordId == "B1-P1" })
            #expect(left.codeWords == "overturned on appeal" && left.appliedBy == "Rae Reviewer (reviewer)")
            #expect(left.reason.hasPrefix("The door scan was inside the window"))
            #expect(after.decisions.first?.lifted == "lifted: overturned on appeal")
            #expect(after.decisions.first?.liftedAt == fd.clock.now)
            let actions = try await AuditEntry.query(on: fd.app.db)
                .filter(\.$action ~~ ["driver.decision_lifted", "driver.records_corrected"]).all()
            #expect(actions.map(\.action).sorted() == ["driver.decision_lifted", "driver.records_corrected"])
            #expect(actions.allSatisfy { $0.policyVersion == "driver-standing v1" && $0.actorLabel.hasPrefix("Rae") })
            let mail = try await Outbox.recent(on: fd.app.db).first { $0.subject.hasPrefix("Your appeal: reinstated") }
            #expect(
                mail?.body.contains("These records the decision relied on no longer count against you: B1-P1.") == true)
            // Nobody applies the appeal's code by hand.
            let byHand = try await fd.send(
                .POST, "api/v1/drivers/\(fd.driver.id)/excuses", as: fd.lead,
                json: DriverExcuseRequest(recordId: "B1-P2", code: "overturned_on_appeal", reason: "Looks wrong"))
            #expect(try fd.decode(ErrorBody.self, byHand).problems.map(\.field) == ["code"])
        }
    }

    @Test("reinstated on conditions: lifted at once, the records corrected only when the conditions are met")
    func conditional() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let (appeal, reviewer) = try await DriverAppealTests().filedAppeal(fd)

            // MUT
            let response = try await resolve(
                fd, appeal, as: reviewer,
                AppealResolutionRequest(
                    outcome: "conditionally_reinstated", reasons: "Two of the late ones were the depot's.",
                    requirements: [.init(kind: "training_module", moduleId: "safe-handover", title: "Safe handover")],
                    dueBy: fd.clock.now.addingTimeInterval(30 * 86_400), clearedRecords: ["B1-P1"]))
            let meanwhile = try await fd.standing()
            fd.clock.advance(by: 86_400)
            let recorded = try await fd.send(
                .POST, "api/v1/drivers/appeals/\(appeal)/training", as: fd.lead,
                json: TrainingCompletionRequest(moduleId: "safe-handover"))

            // validate
            #expect(response.status == .ok, "\(response.body.string)")
            #expect(meanwhile.decisions.first?.lifted == "lifted: reinstated on appeal, on conditions")
            #expect(meanwhile.metric("on_time")?.against.contains("B1-P1") == true)
            #expect(meanwhile.metric("on_time")?.excluded.isEmpty == true)
            #expect(
                try fd.decode(DriverAppealDTO.self, recorded).conditions.first?.clearedRecords == ["B1-P1"])
            let after = try await fd.standing()
            #expect(after.decisions.first?.lifted == "lifted: overturned on appeal")
            #expect(after.decisions.first?.appeal == "overturned on appeal")
            let excluded = after.metric("on_time")?.excluded.filter { $0.code == "overturned_on_appeal" }
            #expect(excluded?.map(\.recordId) == ["B1-P1"])
            #expect(excluded?.first?.appliedBy == "Rae Reviewer (reviewer)")
            let corrected = try await AuditEntry.query(on: fd.app.db).filter(\.$action == "driver.records_corrected")
                .all()
            #expect(corrected.count == 1 && corrected.first?.actorLabel == "Fairdesk (automatic)")
        }
    }

    @Test("the reviewer ticks records in the driver's favour on the answer form; My standing shows them left out")
    func form() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let (appeal, _) = try await DriverAppealTests().filedAppeal(fd)
            var reviewer = WebSession(fd)
            _ = try await reviewer.logIn("reviewer@example.com")
            let opened = try await reviewer.get("appeals/\(appeal)")
            #expect(opened.body.string.contains(#"name="clearedRecords[]" value="B1-P1""#))

            // MUT
            let answered = try await reviewer.post(
                "appeals/\(appeal)/decide",
                [
                    "_csrf": WebSession.csrf(opened), "outcome": "reinstated", "reasons": "The scan was at the door.",
                    "clearedRecords[]": "B1-P1",
                ])

            // validate
            #expect(answered.status == .seeOther, "\(answered.body.string)")
            #expect(try await reviewer.get("appeals/\(appeal)").body.string.contains("lifted: overturned on appeal"))
            var driver = WebSession(fd)
            _ = try await driver.logIn("driver@example.com")
            let mine = try await driver.get("my/standing").body.string
            #expect(mine.contains("Left out: outside your control, or overturned on appeal"))
            #expect(mine.contains("<strong>overturned on appeal</strong>, The scan was at the door."))
            #expect(mine.contains("lifted: overturned on appeal on <time"))
        }
    }
}
