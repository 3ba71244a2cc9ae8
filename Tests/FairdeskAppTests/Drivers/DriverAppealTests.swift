import FairdeskCore
import Fluent
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Driver appeals: filed in the window, reviewed by someone who did not decide")
struct DriverAppealTests {
    /// A restriction decided by the lead after the warning's period, and a reviewer to take appeals.
    func decided(_ fd: TestFairdesk) async throws -> (decision: UUID, reviewer: TestFairdesk.Person) {
        let reviewer = try await fd.extraPerson("reviewer@example.com", "Rae Reviewer", .reviewer)
        return (try await DriverAppealSchemaTests().decision(fd), reviewer)
    }

    func path(_ decision: UUID) -> String { "api/v1/drivers/decisions/\(decision)/appeals" }

    @Test("the driver appeals with their account; a reviewer who did not decide gets it; told, mailed, audited")
    func filed() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let (decision, reviewer) = try await decided(fd)
            fd.clock.advance(by: 86_400)

            // MUT
            let response = try await fd.send(
                .POST, path(decision), as: fd.driver,
                json: DriverAppealRequest(account: "The scans were at the door; the depot released the van late."))

            // validate
            #expect(response.status == .created, "\(response.body.string)")
            let appeal = try fd.decode(DriverAppealDTO.self, response)
            #expect(appeal.reviewer == "Rae Reviewer" && appeal.state == "in_review" && appeal.deadline == "on_track")
            #expect(appeal.reviewDueAt == fd.clock.now.addingTimeInterval(14 * 86_400))
            #expect(appeal.escalateAt == fd.clock.now.addingTimeInterval(11 * 86_400))
            let mail = try await Outbox.recent(on: fd.app.db).filter { $0.kind == "driver_appeal" }
            #expect(mail.map(\.toAddress) == ["driver@example.com"])
            #expect(mail.first?.body.contains("Rae Reviewer, who did not make the original decision") == true)
            let told = try await Notifications.recent(for: reviewer.id, on: fd.app.db)
            #expect(told.map(\.kind) == ["driver.appeal_assigned"])
            let audit = try await AuditEntry.query(on: fd.app.db).filter(\.$action == "driver.appeal_filed").all()
            #expect(audit.count == 1 && audit.first?.policyVersion == "driver-standing v1")
            let read = try await fd.send(.GET, "api/v1/drivers/appeals/\(appeal.id)", as: reviewer)
            #expect(try fd.decode(DriverAppealDTO.self, read).account.hasPrefix("The scans"))
        }
    }

    @Test("refused after the window, without an account, twice, or by anyone but the driver it is about")
    func refused() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let (decision, reviewer) = try await decided(fd)
            let other = try await fd.extraPerson("other@example.com", "Olu Other", .driver)

            // MUT / validate
            let empty = try await fd.send(.POST, path(decision), as: fd.driver, json: DriverAppealRequest(account: " "))
            #expect(empty.status == .unprocessableEntity)
            #expect(try fd.decode(ErrorBody.self, empty).problems.map(\.field) == ["account"])
            let stranger = try await fd.send(
                .POST, path(decision), as: other, json: DriverAppealRequest(account: "Not mine"))
            #expect(stranger.status == .notFound)
            #expect(
                try await fd.send(.POST, path(decision), as: reviewer, json: DriverAppealRequest(account: "x")).status
                    == .forbidden)
            let first = try await fd.send(
                .POST, path(decision), as: fd.driver, json: DriverAppealRequest(account: "Mine"))
            #expect(first.status == .created)
            let again = try await fd.send(
                .POST, path(decision), as: fd.driver, json: DriverAppealRequest(account: "Again"))
            #expect(try fd.decode(ErrorBody.self, again).problems.map(\.field) == ["decisionID"])
            let appeal = try fd.decode(DriverAppealDTO.self, first)
            #expect(
                try await fd.send(.GET, "api/v1/drivers/appeals/\(appeal.id)", as: other).status == .notFound)
            #expect(try await fd.count("driver_appeals") == 1)
        }
    }

    @Test("an appeal after the window closes is refused, naming when it closed")
    func late() async throws {
        try await TestFairdesk.with { fd in
            let (decision, _) = try await decided(fd)
            fd.clock.advance(by: 15 * 86_400)
            let response = try await fd.send(
                .POST, path(decision), as: fd.driver, json: DriverAppealRequest(account: "I was on leave."))
            #expect(try fd.decode(ErrorBody.self, response).problems.map(\.field) == ["filedAt"])
            #expect(try await fd.count("driver_appeals") == 0)
        }
    }

    /// Posts `files` (name, bytes) as the driver's evidence for `appeal`.
    func upload(_ fd: TestFairdesk, _ appeal: UUID, _ files: [(String, Data)]) async throws -> TestingHTTPResponse {
        let (headers, body) = AttachmentTests().multipart([], files: files.map { ("files[]", $0.0, $0.1) })
        var all = fd.driver.headers
        for (name, value) in headers { all.replaceOrAdd(name: name, value: value) }
        return try await fd.app.testing().sendRequest(
            .POST, "api/v1/drivers/appeals/\(appeal)/evidence", headers: all, body: body)
    }

    static let trace = Data(
        """
        <?xml version="1.0"?><gpx version="1.1"><trk><trkseg>\
        <trkpt lat="51.5" lon="-0.12"><time>2026-09-20T10:00:00Z</time></trkpt></trkseg></trk></gpx>
        """.utf8)

    @Test("evidence is checked by type and bytes; a program or HTML is refused naming the file and nothing is kept")
    func evidence() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let (decision, reviewer) = try await decided(fd)
            let filed = try await fd.send(
                .POST, path(decision), as: fd.driver, json: DriverAppealRequest(account: "I was at the door."))
            let appeal = try fd.decode(DriverAppealDTO.self, filed).id
            let photo = Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: UInt8(7), count: 100))

            // MUT
            let refused = try await upload(
                fd, appeal,
                [
                    ("door.jpg", photo), ("page.csv", Data("<html><script>x</script>".utf8)),
                    ("run.pdf", Data("MZ\u{90}".utf8)),
                ])
            let accepted = try await upload(fd, appeal, [("door.jpg", photo), ("route.gpx", Self.trace)])

            // validate
            #expect(refused.status == .unprocessableEntity)
            #expect(try fd.decode(ErrorBody.self, refused).problems.map(\.field) == ["files[1]", "files[2]"])
            #expect(accepted.status == .created, "\(accepted.body.string)")
            let read = try fd.decode(
                DriverAppealDTO.self, try await fd.send(.GET, "api/v1/drivers/appeals/\(appeal)", as: reviewer))
            #expect(read.evidence.map(\.originalName) == ["door.jpg", "route.gpx"])
            #expect(read.evidence.map(\.type) == ["jpeg", "gpx"])
            #expect(try await fd.count("appeal_evidence") == 2)
            let audit = try await AuditEntry.query(on: fd.app.db).filter(\.$action == "driver.appeal_evidence").all()
            #expect(audit.count == 1)
        }
    }

    /// A filed appeal's id, with the reviewer it went to.
    func filedAppeal(_ fd: TestFairdesk) async throws -> (appeal: UUID, reviewer: TestFairdesk.Person) {
        let (decision, reviewer) = try await decided(fd)
        let filed = try await fd.send(
            .POST, path(decision), as: fd.driver, json: DriverAppealRequest(account: "I was at the door."))
        try #require(filed.status == .created, "\(filed.body.string)")
        return (try fd.decode(DriverAppealDTO.self, filed).id, reviewer)
    }

    func resolution(_ appeal: UUID) -> String { "api/v1/drivers/appeals/\(appeal)/resolution" }

    @Test("the assigned reviewer reinstates with reasons; the decider cannot answer; the driver is told")
    func reinstated() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let (appeal, reviewer) = try await filedAppeal(fd)
            let answer = AppealResolutionRequest(outcome: "reinstated", reasons: "The scans were at the door.")

            // MUT
            let byDecider = try await fd.send(.POST, resolution(appeal), as: fd.lead, json: answer)
            let bare = try await fd.send(
                .POST, resolution(appeal), as: reviewer, json: AppealResolutionRequest(outcome: "denied"))
            let response = try await fd.send(.POST, resolution(appeal), as: reviewer, json: answer)

            // validate
            #expect(try fd.decode(ErrorBody.self, byDecider).problems.map(\.field) == ["reviewer", "reviewer"])
            #expect(try fd.decode(ErrorBody.self, bare).problems.map(\.field) == ["reasons"])
            #expect(response.status == .ok, "\(response.body.string)")
            let decided = try fd.decode(DriverAppealDTO.self, response)
            #expect(decided.outcome == "reinstated" && decided.state == "decided" && decided.deadline == "decided")
            #expect(decided.decidedBy == "Rae Reviewer")
            let again = try await fd.send(.POST, resolution(appeal), as: reviewer, json: answer)
            #expect(try fd.decode(ErrorBody.self, again).problems.map(\.field) == ["appealID"])
            let mail = try await Outbox.recent(on: fd.app.db).filter { $0.subject.hasPrefix("Your appeal: reinstated") }
            #expect(mail.first?.body.contains("The scans were at the door.") == true)
            let audit = try await AuditEntry.query(on: fd.app.db).filter(\.$action == "driver.appeal_decided").all()
            #expect(audit.count == 1 && audit.first?.policyVersion == "driver-standing v1")
            // The driver's standing shows the decision as overturned.
            let standing = try fd.decode(
                DriverStandingDTO.self,
                try await fd.send(.GET, "api/v1/drivers/\(fd.driver.id)/standing", as: fd.driver))
            #expect(standing.decisions.map(\.appeal) == ["overturned on appeal"])
        }
    }

    @Test("a conditional reinstatement needs trackable requirements and a future date")
    func conditional() async throws {
        try await TestFairdesk.with { fd in
            let (appeal, reviewer) = try await filedAppeal(fd)
            let vague = try await fd.send(
                .POST, resolution(appeal), as: reviewer,
                json: AppealResolutionRequest(outcome: "conditionally_reinstated", reasons: "On conditions"))
            #expect(
                try fd.decode(ErrorBody.self, vague).problems.map(\.field) == ["outcome.requirements", "outcome.dueBy"])
            let response = try await fd.send(
                .POST, resolution(appeal), as: reviewer,
                json: AppealResolutionRequest(
                    outcome: "conditionally_reinstated", reasons: "Late deliveries were partly the depot's.",
                    requirements: [.init(kind: "on_time_rate", minimum: 0.9, blocks: 10)],
                    dueBy: fd.clock.now.addingTimeInterval(30 * 86_400)))
            #expect(try fd.decode(DriverAppealDTO.self, response).outcome == "conditionally_reinstated")
            let mail = try await Outbox.recent(on: fd.app.db).filter { $0.subject.hasPrefix("Your appeal:") }
            #expect(mail.first?.body.contains("an on-time rate of at least 90") == true)
        }
    }

    @Test("an undecided appeal is escalated to leads once its escalation date comes, and only once")
    func escalated() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let (appeal, _) = try await filedAppeal(fd)
            #expect(try await AppealDeadlines.escalate(app: fd.app) == 0)

            // MUT
            fd.clock.advance(by: 11 * 86_400 + 60)
            let first = try await AppealDeadlines.escalate(app: fd.app)
            let second = try await AppealDeadlines.escalate(app: fd.app)

            // validate
            #expect(first == 1 && second == 0)
            let told = try await Notifications.recent(
                for: fd.lead.id, kindPrefix: "driver.appeal_escalated", on: fd.app.db)
            #expect(told.count == 1)
            #expect(told.first?.body.contains("assigned to Rae Reviewer is escalated") == true)
            let read = try await fd.send(.GET, "api/v1/drivers/appeals/\(appeal)", as: fd.lead)
            #expect(try fd.decode(DriverAppealDTO.self, read).deadline == "escalated")
            let audit = try await AuditEntry.query(on: fd.app.db).filter(\.$action == "driver.appeal_escalated").all()
            #expect(audit.count == 1)
        }
    }

    @Test("appeal responses match openapi.yaml")
    func openAPI() async throws {
        try await TestFairdesk.with { fd in
            let spec = try OpenAPITests.spec()
            let (decision, reviewer) = try await decided(fd)
            let template = "/api/v1/drivers/decisions/{decisionID}/appeals"
            try OpenAPITests.expectValid(
                try await fd.send(.POST, path(decision), as: fd.driver, json: DriverAppealRequest()), "post", template,
                spec: spec)
            let filed = try await fd.send(
                .POST, path(decision), as: fd.driver, json: DriverAppealRequest(account: "Mine"))
            try OpenAPITests.expectValid(filed, "post", template, spec: spec)
            let id = try fd.decode(DriverAppealDTO.self, filed).id
            try OpenAPITests.expectValid(
                try await fd.send(.GET, "api/v1/drivers/appeals/\(id)", as: reviewer), "get",
                "/api/v1/drivers/appeals/{appealID}", spec: spec)
            try OpenAPITests.expectValid(
                try await upload(fd, id, [("route.gpx", Self.trace)]), "post",
                "/api/v1/drivers/appeals/{appealID}/evidence", spec: spec)
            try OpenAPITests.expectValid(
                try await upload(fd, id, [("a.exe", Data("MZ".utf8))]), "post",
                "/api/v1/drivers/appeals/{appealID}/evidence", spec: spec)
            try OpenAPITests.expectValid(
                try await fd.send(
                    .POST, resolution(id), as: reviewer,
                    json: AppealResolutionRequest(outcome: "denied", reasons: "The photo shows another door.")),
                "post", "/api/v1/drivers/appeals/{appealID}/resolution", spec: spec)
        }
    }
}
