import FairdeskCore
import Fluent
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Conditional reinstatements: tracked to the end, closed when met, back to review when not")
struct AppealConditionsTests {
    /// An appeal answered "conditionally reinstated" by the reviewer: the training module
    /// "safe-handover" and/or 90% on time over the next 2 worked blocks, due in 30 days.
    func conditional(_ fd: TestFairdesk, training: Bool = true, onTime: Bool = true) async throws -> (
        appeal: UUID, reviewer: TestFairdesk.Person
    ) {
        let (appeal, reviewer) = try await DriverAppealTests().filedAppeal(fd)
        var requirements: [AppealResolutionRequest.Requirement] = []
        if training {
            requirements.append(.init(kind: "training_module", moduleId: "safe-handover", title: "Safe handover"))
        }
        if onTime { requirements.append(.init(kind: "on_time_rate", minimum: 0.9, blocks: 2)) }
        let response = try await fd.send(
            .POST, DriverAppealTests().resolution(appeal), as: reviewer,
            json: AppealResolutionRequest(
                outcome: "conditionally_reinstated", reasons: "Part of the lateness was the depot's.",
                requirements: requirements, dueBy: fd.clock.now.addingTimeInterval(30 * 86_400)))
        try #require(response.status == .ok, "\(response.body.string)")
        return (appeal, reviewer)
    }

    func read(_ fd: TestFairdesk, _ appeal: UUID, as person: TestFairdesk.Person) async throws -> DriverAppealDTO {
        try fd.decode(DriverAppealDTO.self, try await fd.send(.GET, "api/v1/drivers/appeals/\(appeal)", as: person))
    }

    func training(_ appeal: UUID) -> String { "api/v1/drivers/appeals/\(appeal)/training" }

    @Test("training recorded and two on-time blocks close the appeal as reinstated, as the records arrive")
    func metAsRecordsArrive() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let (appeal, reviewer) = try await conditional(fd)
            let decisions = try await fd.count("driver_decisions")
            fd.clock.advance(by: 3 * 86_400)

            // MUT
            let recorded = try await fd.send(
                .POST, training(appeal), as: reviewer,
                json: TrainingCompletionRequest(moduleId: "safe-handover", note: "Certificate 4471"))
            try await fd.postRecords(fd.workedBlock("C1", daysAgo: 2, count: 5))
            let halfway = try await read(fd, appeal, as: fd.driver)
            try await fd.postRecords(fd.workedBlock("C2", daysAgo: 1, count: 5))

            // validate
            #expect(recorded.status == .created, "\(recorded.body.string)")
            let afterTraining = try fd.decode(DriverAppealDTO.self, recorded)
            #expect(afterTraining.conditions.first?.progress.map(\.status) == ["met", "open"])
            #expect(halfway.conditions.first?.progress.last?.note == "1 of 2 worked blocks so far")
            let closed = try await read(fd, appeal, as: fd.driver)
            #expect(closed.outcome == "reinstated" && closed.state == "decided")
            #expect(closed.conditions.map(\.state) == ["met"])
            #expect(closed.conditions.first?.note?.hasPrefix("every requirement was met") == true)
            let standing = try await fd.standing()
            #expect(standing.decisions.map(\.appeal) == ["overturned on appeal"])
            let told = try await Notifications.recent(for: fd.driver.id, on: fd.app.db).map(\.kind)
            #expect(told.contains("driver.appeal_conditions_met") && told.contains("driver.training_completed"))
            let mail = try await Outbox.recent(on: fd.app.db).map(\.subject)
            #expect(mail.contains { $0.hasPrefix("Your appeal: reinstated, every condition met") })
            #expect(mail.contains { $0.hasPrefix("Training recorded: Safe handover") })
            let audit = try await AuditEntry.query(on: fd.app.db)
                .filter(\.$action ~~ ["driver.training_completed", "driver.appeal_conditions_met"]).all()
            #expect(audit.map(\.action).sorted() == ["driver.appeal_conditions_met", "driver.training_completed"])
            #expect(audit.allSatisfy { $0.policyVersion == "driver-standing v1" })
            #expect(audit.first { $0.action == "driver.training_completed" }?.reason == "Certificate 4471")
            // Met conditions never add an action against the driver.
            #expect(try await fd.count("driver_decisions") == decisions)
        }
    }

    @Test("an on-time rate below the bar sends the appeal back to the reviewer, never to a penalty")
    func failedBackToReview() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let (appeal, reviewer) = try await conditional(fd, training: false)
            let decisions = try await fd.count("driver_decisions")
            fd.clock.advance(by: 3 * 86_400)

            // MUT
            try await fd.postRecords(fd.workedBlock("C1", daysAgo: 2, count: 5, late: [1, 2]))
            try await fd.postRecords(fd.workedBlock("C2", daysAgo: 1, count: 5))

            // validate
            let back = try await read(fd, appeal, as: reviewer)
            #expect(back.state == "in_review" && back.reviewer == "Rae Reviewer" && back.outcome == nil)
            #expect(back.reviewDueAt == fd.clock.now.addingTimeInterval(14 * 86_400))
            #expect(back.conditions.map(\.state) == ["back_to_review"])
            #expect(back.conditions.first?.progress.first?.status == "failed_back_to_review")
            #expect(back.conditions.first?.note?.contains("on-time 80% (8 of 10)") == true)
            #expect(try await fd.count("driver_decisions") == decisions)
            let told = try await Notifications.recent(for: reviewer.id, on: fd.app.db)
            #expect(told.first?.body.contains("conditions are back for review") == true)
            let mail = try await Outbox.recent(on: fd.app.db).first { $0.subject.hasPrefix("Your appeal is back") }
            #expect(mail?.body.contains("nothing is taken from you in the meantime") == true)
            let audit = try await AuditEntry.query(on: fd.app.db)
                .filter(\.$action == "driver.appeal_back_to_review").all()
            #expect(audit.count == 1 && audit.first?.actorLabel == "Fairdesk (automatic)")
            // The reviewer answers again, as for any appeal in review.
            let again = try await fd.send(
                .POST, DriverAppealTests().resolution(appeal), as: reviewer,
                json: AppealResolutionRequest(outcome: "reinstated", reasons: "The late ones were a road closure."))
            #expect(again.status == .ok, "\(again.body.string)")
        }
    }

    @Test("the hourly job sends conditions back when the date passes; training is refused for a module not required")
    func pastTheDate() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let (appeal, reviewer) = try await conditional(fd, onTime: false)

            // MUT / validate
            let wrong = try await fd.send(
                .POST, training(appeal), as: reviewer, json: TrainingCompletionRequest(moduleId: "forklift"))
            #expect(try fd.decode(ErrorBody.self, wrong).problems.map(\.field) == ["moduleId"])
            let byDriver = try await fd.send(
                .POST, training(appeal), as: fd.driver, json: TrainingCompletionRequest(moduleId: "safe-handover"))
            #expect(byDriver.status == .forbidden)
            #expect(try await AppealConditions.sweep(app: fd.app) == 0)
            fd.clock.advance(by: 31 * 86_400)
            #expect(try await AppealConditions.sweep(app: fd.app) == 1)
            #expect(try await AppealConditions.sweep(app: fd.app) == 0)
            let back = try await read(fd, appeal, as: fd.driver)
            #expect(back.state == "in_review" && back.conditions.first?.state == "back_to_review")
            #expect(back.conditions.first?.note?.contains("\"Safe handover\" not completed by") == true)
            let late = try await fd.send(
                .POST, training(appeal), as: reviewer, json: TrainingCompletionRequest(moduleId: "safe-handover"))
            #expect(try fd.decode(ErrorBody.self, late).problems.map(\.field) == ["appealID"])
        }
    }

    @Test("the appeal page shows each requirement's progress and records training; the driver's page shows it too")
    func pages() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let (appeal, _) = try await conditional(fd)
            var reviewer = WebSession(fd)
            _ = try await reviewer.logIn("reviewer@example.com")
            let opened = try await reviewer.get("appeals/\(appeal)")
            let page = opened.body.string

            // MUT
            let refused = try await reviewer.post(
                "appeals/\(appeal)/training", ["_csrf": WebSession.csrf(opened), "moduleId": "forklift"])
            let recorded = try await reviewer.post(
                "appeals/\(appeal)/training", ["_csrf": WebSession.csrf(opened), "moduleId": "safe-handover"])

            // validate
            #expect(page.contains("Conditions of the reinstatement"))
            #expect(page.contains(#"<option value="safe-handover" >complete the training module"#))
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains(#"id="training-error">Not recorded: Must be a training module"#))
            #expect(recorded.status == .seeOther)
            let after = try await reviewer.get("appeals/\(appeal)").body.string
            #expect(after.contains("The training was recorded as completed"))
            #expect(!after.contains(#"id="training""#))
            var driver = WebSession(fd)
            _ = try await driver.logIn("driver@example.com")
            let mine = try await driver.get("my/standing").body.string
            #expect(mine.contains("<strong>Conditions: being tracked</strong>, set by Rae Reviewer"))
            #expect(mine.contains("complete the training module &quot;Safe handover&quot;: <strong>met</strong>"))
            #expect(mine.contains("<strong>open</strong>, 0 of 2 worked blocks so far"))
        }
    }

    @Test("the training response matches openapi.yaml")
    func openAPI() async throws {
        try await TestFairdesk.with { fd in
            let spec = try OpenAPITests.spec()
            let (appeal, reviewer) = try await conditional(fd)
            let template = "/api/v1/drivers/appeals/{appealID}/training"
            try OpenAPITests.expectValid(
                try await fd.send(.POST, training(appeal), as: reviewer, json: TrainingCompletionRequest()), "post",
                template, spec: spec)
            try OpenAPITests.expectValid(
                try await fd.send(
                    .POST, training(appeal), as: reviewer, json: TrainingCompletionRequest(moduleId: "safe-handover")),
                "post", template, spec: spec)
            try OpenAPITests.expectValid(
                try await fd.send(.GET, "api/v1/drivers/appeals/\(appeal)", as: fd.driver), "get",
                "/api/v1/drivers/appeals/{appealID}", spec: spec)
        }
    }
}
