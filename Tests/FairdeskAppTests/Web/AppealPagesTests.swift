import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@testable import FairdeskApp

extension WebSession {
    /// Posts a multipart form, as a browser sends one with files: `fields` then `files` (field, name, bytes).
    mutating func postMultipart(
        _ path: String, _ fields: [(String, String)], files: [(String, String, Data)]
    ) async throws -> TestingHTTPResponse {
        let (contentHeaders, body) = AttachmentTests().multipart(fields, files: files)
        var all = headers
        for (name, value) in contentHeaders { all.replaceOrAdd(name: name, value: value) }
        let response = try await fd.app.testing().sendRequest(.POST, path, headers: all, body: body)
        remember(response)
        return response
    }
}

@Suite("Appeal pages: filing from My standing, the reviewer's side-by-side page and answer")
struct AppealPagesTests {
    /// What every test starts from: the lead's decision on the driver (package B1-P1 delivered late,
    /// scanned at the door), a reviewer to take appeals, and when B1-P1 was delivered.
    struct Setup {
        var decision: UUID
        var reviewer: TestFairdesk.Person
        var deliveredAt: Date
    }

    func setUp(_ fd: TestFairdesk) async throws -> Setup {
        let reviewer = try await fd.extraPerson("reviewer@example.com", "Rae Reviewer", .reviewer)
        let start = fd.clock.now.addingTimeInterval(-3 * 86_400)
        let decision = try await DriverAppealSchemaTests().decision(fd)
        // `workedBlock`: package 1's window opens 20 minutes into the block; late ones come 90 minutes after.
        return Setup(decision: decision, reviewer: reviewer, deliveredAt: start.addingTimeInterval(1200 + 5400))
    }

    static let photo = Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: UInt8(7), count: 100))

    /// A GPX trace with one point 20 m north of the door (51.5, -0.12), two minutes before `time`.
    static func trace(near time: Date) -> Data {
        let when = ISO8601DateFormatter().string(from: time.addingTimeInterval(-120))
        return Data(
            """
            <?xml version="1.0"?><gpx version="1.1"><trk><trkseg>\
            <trkpt lat="51.50018" lon="-0.12"><time>\(when)</time></trkpt></trkseg></trk></gpx>
            """.utf8)
    }

    /// The driver's appeal filed through the API with `files`; its id.
    func fileByAPI(_ fd: TestFairdesk, _ setup: Setup, files: [(String, Data)]) async throws -> UUID {
        let filed = try await fd.send(
            .POST, "api/v1/drivers/decisions/\(setup.decision)/appeals", as: fd.driver,
            json: DriverAppealRequest(account: "I was at the door; my phone's trace shows it."))
        try #require(filed.status == .created, "\(filed.body.string)")
        let appeal = try fd.decode(DriverAppealDTO.self, filed).id
        if !files.isEmpty {
            let uploaded = try await DriverAppealTests().upload(fd, appeal, files)
            try #require(uploaded.status == .created, "\(uploaded.body.string)")
        }
        return appeal
    }

    func logIn(_ fd: TestFairdesk, _ email: String) async throws -> WebSession {
        var session = WebSession(fd)
        _ = try await session.logIn(email)
        return session
    }

    @Test("a driver appeals from My standing with a photo and a trace, then sees where it stands and opens the file")
    func driverFiles() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let setup = try await setUp(fd)
            var driver = try await logIn(fd, "driver@example.com")
            let page = try await driver.get("my/standing")
            let action = "/my/standing/decisions/\(setup.decision)/appeal"
            #expect(page.body.string.contains(#"action="\#(action)" enctype="multipart/form-data""#))

            // MUT
            let filed = try await driver.postMultipart(
                action, [("_csrf", WebSession.csrf(page)), ("account", "I was at the door; the van came late.")],
                files: [("files[]", "door.jpg", Self.photo), ("files[]", "route.gpx", Self.trace(near: .now))])

            // validate
            #expect(filed.status == .seeOther, "\(filed.body.string)")
            #expect(filed.headers.first(name: .location) == "/my/standing#decision-\(setup.decision)")
            #expect(try await fd.count("driver_appeals") == 1)
            #expect(try await fd.count("appeal_evidence") == 2)
            let html = try await driver.get("my/standing").body.string
            #expect(html.contains("Your appeal was received."))
            #expect(html.contains("Appeal: in review by Rae Reviewer"))
            #expect(html.contains("<dt>Written answer due by</dt>"))
            #expect(html.contains(PageTime.text(fd.clock.now.addingTimeInterval(14 * 86_400))))
            #expect(html.contains("<dd>on track</dd>"))
            #expect(html.contains("I was at the door; the van came late."))
            #expect(!html.contains(#"action="\#(action)""#), "a decision is appealed once")
            let appeal = try #require(try await DriverAppeals.appealID(of: setup.decision.uuidString, on: fd.app.db))
            #expect(html.contains(#"href="/appeals/\#(appeal)""#))
            let evidence = try await DriverAppeals.evidence(of: appeal, on: fd.app.db)
            let photo = try #require(evidence.first { $0.originalName == "door.jpg" })
            #expect(html.contains(#"<a href="/appeals/\#(appeal)/evidence/\#(photo.id)">door.jpg</a>"#))
            let download = try await driver.get("appeals/\(appeal)/evidence/\(photo.id)")
            #expect(download.status == .ok)
            #expect(download.headers.contentType?.description == "image/jpeg")
            #expect(Data(download.body.readableBytesView) == Self.photo)
            let own = try await driver.get("appeals/\(appeal)")
            #expect(own.status == .ok)
            #expect(own.body.string.contains("My appeal against the restriction"))
            #expect(!own.body.string.contains(#"id="decide""#))
        }
    }

    @Test("a refused appeal form names the file and the rule, keeps the account typed, and keeps nothing")
    func refusedForm() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let setup = try await setUp(fd)
            var driver = try await logIn(fd, "driver@example.com")
            let token = WebSession.csrf(try await driver.get("my/standing"))
            let action = "my/standing/decisions/\(setup.decision)/appeal"

            // MUT
            let badFile = try await driver.postMultipart(
                action, [("_csrf", token), ("account", "The depot released the van at noon.")],
                files: [("files[]", "door.jpg", Self.photo), ("files[]", "page.csv", Data("<html><script>".utf8))])
            let noAccount = try await driver.postMultipart(
                action, [("_csrf", token), ("account", "  ")], files: [("files[]", "", Data())])

            // validate
            #expect(badFile.status == .unprocessableEntity)
            let html = badFile.body.string
            #expect(html.contains("Your appeal was not filed and nothing was kept"))
            #expect(html.contains("files[1] (page.csv): Must not contain HTML, SVG or scripts (found &lt;script)."))
            #expect(html.contains(">The depot released the van at noon.</textarea>"))
            #expect(noAccount.status == .unprocessableEntity)
            #expect(
                noAccount.body.string.contains(
                    #"<p class="error" id="account-error-\#(setup.decision)">Must not be empty.</p>"#))
            #expect(try await fd.count("driver_appeals") == 0)
            #expect(try await fd.count("appeal_evidence") == 0)
            #expect(AttachmentTests().storedFiles(fd) == [])
            let audit = try await AuditEntry.query(on: fd.app.db).filter(\.$action =~ "driver.appeal").count()
            #expect(audit == 0)
        }
    }

    @Test("the reviewer's page sets the decision beside the driver's side, with scans and trace against the address")
    func reviewerPage() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let setup = try await setUp(fd)
            let appeal = try await fileByAPI(
                fd, setup, files: [("route.gpx", Self.trace(near: setup.deliveredAt)), ("door.jpg", Self.photo)])
            var reviewer = try await logIn(fd, "reviewer@example.com")

            // MUT
            let list = try await reviewer.get("appeals")
            let page = try await reviewer.get("appeals/\(appeal)")

            // validate
            #expect(list.status == .ok)
            let listed = list.body.string
            #expect(listed.contains(#"<a href="/appeals" aria-current="page">Appeals</a>"#))
            let mine = try #require(listed.range(of: "Assigned to you")).upperBound
            let others = try #require(listed.range(of: "Other open appeals")).lowerBound
            #expect(listed[mine..<others].contains(#"<a href="/appeals/\#(appeal)">Dee Driver</a>"#))
            #expect(listed[mine..<others].contains(#"<span class="status deadline-on_track">on track</span>"#))
            #expect(page.status == .ok)
            let html = page.body.string
            // Both sides, side by side.
            let decision = try #require(html.range(of: #"<section class="card" id="decision""#)).lowerBound
            let driverSide = try #require(html.range(of: #"<section class="card" id="driver-side""#)).lowerBound
            #expect(html[..<decision].contains(#"<div class="side-by-side">"#) && decision < driverSide)
            #expect(html.contains("Five of twenty deliveries were late and did not improve after the warning."))
            #expect(html.contains("<dd>2 of driver-standing v1</dd>"))
            #expect(html.contains("<code>B1-P1</code> Package in block B1"))
            #expect(html.contains("I was at the door; my phone&#39;s trace shows it."))
            let evidence = try await DriverAppeals.evidence(of: appeal, on: fd.app.db)
            #expect(html.contains(#"<a href="/appeals/\#(appeal)/evidence/\#(evidence[0].id)">route.gpx</a>"#))
            // The scan comparison: the app's scan and the trace's closest point, in words.
            #expect(
                html.contains(
                    "<td data-label=\"Position\">App scan S1, phone sure to ±5 m</td>"))
            #expect(html.contains("<td data-label=\"Against the delivery window\">30 min after the window closed</td>"))
            #expect(html.contains("<td data-label=\"Distance and direction from the address\">at the address</td>"))
            #expect(html.contains("<td data-label=\"Position\">Trace route.gpx: its closest point</td>"))
            #expect(html.contains("<td data-label=\"Against the delivery window\">28 min after the window closed</td>"))
            #expect(html.contains("<td data-label=\"Distance and direction from the address\">20 m north</td>"))
            #expect(html.contains("within the 50 m geofence"))
            // The answer form, for the assigned reviewer.
            #expect(html.contains(#"<form method="post" action="/appeals/\#(appeal)/decide" id="decide">"#))
            #expect(html.contains(#"name="reasons" rows="6" required"#))
            let download = try await reviewer.get("appeals/\(appeal)/evidence/\(evidence[0].id)")
            #expect(download.status == .ok)
            #expect(download.headers.first(name: "X-Content-Type-Options") == "nosniff")
        }
    }

    @Test("a trace that cannot be read is named on the page; the rest of the comparison stands")
    func unreadableTrace() async throws {
        try await TestFairdesk.with { fd in
            let setup = try await setUp(fd)
            let broken = Data("time,lat,lon\nyesterday,51.5,-0.12\n".utf8)
            let appeal = try await fileByAPI(fd, setup, files: [("phone.csv", broken)])
            var lead = try await logIn(fd, "lead@example.com")
            let html = try await lead.get("appeals/\(appeal)").body.string
            #expect(html.contains("Trace files that could not be read"))
            #expect(html.contains("phone.csv: Line 2 must have an ISO 8601 time"))
            #expect(html.contains("App scan S1"))
        }
    }

    @Test("the answer form refuses an answer without reasons; a conditional reinstatement reaches the driver")
    func answer() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let setup = try await setUp(fd)
            let appeal = try await fileByAPI(fd, setup, files: [])
            var reviewer = try await logIn(fd, "reviewer@example.com")
            let token = WebSession.csrf(try await reviewer.get("appeals/\(appeal)"))
            let action = "appeals/\(appeal)/decide"

            // MUT
            let bare = try await reviewer.post(action, ["_csrf": token, "outcome": "denied", "reasons": " "])
            let vague = try await reviewer.post(
                action, ["_csrf": token, "outcome": "conditionally_reinstated", "reasons": "On conditions."])
            let answered = try await reviewer.post(
                action,
                [
                    "_csrf": token, "outcome": "conditionally_reinstated",
                    "reasons": "Late deliveries were partly the depot's.", "minimumPercent": "90", "blocks": "10",
                    "dueBy": PolicyPages.localInput(fd.clock.now.addingTimeInterval(30 * 86_400)),
                ])

            // validate
            #expect(bare.status == .unprocessableEntity)
            #expect(bare.body.string.contains("The answer was not recorded"))
            #expect(bare.body.string.contains(#"<p class="error" id="decide-reasons-error">Must not be empty.</p>"#))
            #expect(bare.body.string.contains(#"value="denied" required checked"#))
            #expect(vague.status == .unprocessableEntity)
            #expect(vague.body.string.contains(#"id="decide-requirements-error">Must list at least one requirement"#))
            #expect(vague.body.string.contains(#"id="decide-dueby-error">Must be in the future."#))
            #expect(answered.status == .seeOther, "\(answered.body.string)")
            #expect(answered.headers.first(name: .location) == "/appeals/\(appeal)")
            let page = try await reviewer.get("appeals/\(appeal)").body.string
            #expect(page.contains("Answer: conditionally reinstated"))
            #expect(page.contains("an on-time rate of at least 90% over the next 10 worked blocks"))
            #expect(!page.contains(#"id="decide""#))
            let audit = try await AuditEntry.query(on: fd.app.db).filter(\.$action == "driver.appeal_decided").all()
            #expect(audit.count == 1)
            var driver = try await logIn(fd, "driver@example.com")
            let mine = try await driver.get("my/standing").body.string
            #expect(mine.contains("<strong>Answer: conditionally reinstated</strong>, by Rae Reviewer"))
            #expect(mine.contains("Late deliveries were partly the depot&#39;s."))
            #expect(mine.contains("<li>an on-time rate of at least 90% over the next 10 worked blocks</li>"))
            #expect(mine.contains("reinstated on appeal, on conditions"))
        }
    }

    @Test(
        "roles: drivers and agents get no appeals list; another driver sees nothing; only the assigned reviewer answers"
    )
    func roles() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let setup = try await setUp(fd)
            let appeal = try await fileByAPI(fd, setup, files: [("door.jpg", Self.photo)])
            let file = try #require(try await DriverAppeals.evidence(of: appeal, on: fd.app.db).first).id
            _ = try await fd.extraPerson("other@example.com", "Olu Other", .driver)
            _ = try await fd.extraPerson("second@example.com", "Sol Second", .reviewer)

            // MUT / validate
            var anonymous = WebSession(fd)
            let away = try await anonymous.get("appeals/\(appeal)")
            #expect(away.status == .seeOther)
            #expect(away.headers.first(name: .location)?.hasPrefix("/login?next=") == true)

            var driver = try await logIn(fd, "driver@example.com")
            #expect(try await driver.get("appeals").status == .forbidden)
            let token = WebSession.csrf(try await driver.get("my/standing"))
            let forged = try await driver.post(
                "appeals/\(appeal)/decide", ["_csrf": token, "outcome": "reinstated", "reasons": "Mine."])
            #expect(forged.status == .forbidden)
            #expect(!(try await driver.get("my/standing")).body.string.contains(#"href="/appeals""#))

            var agent = try await logIn(fd, "agent@example.com")
            #expect(try await agent.get("appeals").status == .forbidden)
            #expect(try await agent.get("appeals/\(appeal)").status == .forbidden)
            #expect(try await agent.get("appeals/\(appeal)/evidence/\(file)").status == .forbidden)

            var other = try await logIn(fd, "other@example.com")
            #expect(try await other.get("appeals/\(appeal)").status == .notFound)
            #expect(try await other.get("appeals/\(appeal)/evidence/\(file)").status == .notFound)
            let otherToken = WebSession.csrf(try await other.get("my/standing"))
            let stranger = try await other.postMultipart(
                "my/standing/decisions/\(setup.decision)/appeal", [("_csrf", otherToken), ("account", "Not mine")],
                files: [])
            #expect(stranger.status == .notFound)

            var second = try await logIn(fd, "second@example.com")
            let page = try await second.get("appeals/\(appeal)")
            #expect(page.status == .ok)
            #expect(!page.body.string.contains(#"id="decide""#))
            #expect(page.body.string.contains("Only Rae Reviewer, the reviewer assigned to it, answers this appeal."))
            #expect(!page.body.string.contains(#"/evidence/\#(file)""#))
            #expect(try await second.get("appeals/\(appeal)/evidence/\(file)").status == .forbidden)
            let notTheirs = try await second.post(
                "appeals/\(appeal)/decide",
                ["_csrf": WebSession.csrf(page), "outcome": "reinstated", "reasons": "Looks fine."])
            #expect(notTheirs.status == .unprocessableEntity)
            #expect(notTheirs.body.string.contains("Must be the reviewer assigned to the appeal (Rae Reviewer)."))

            var lead = try await logIn(fd, "lead@example.com")
            let decider = try await lead.get("appeals/\(appeal)")
            #expect(
                decider.body.string.contains("You made the original decision, so someone else answers this appeal."))
            #expect(decider.body.string.contains(#"<a href="/appeals" aria-current="page">Appeals</a>"#))
            #expect(try await lead.get("appeals/\(appeal)/evidence/\(file)").status == .ok)
            #expect(try await fd.count("driver_appeals WHERE state = 'decided'") == 0)
        }
    }
}
