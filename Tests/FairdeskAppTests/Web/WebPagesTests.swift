import FairdeskCore
import Fluent
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

/// A browser-like session for the server-rendered pages: keeps the cookie, reads the CSRF token.
struct WebSession {
    let fd: TestFairdesk
    var cookie = ""

    init(_ fd: TestFairdesk) { self.fd = fd }

    mutating func get(_ path: String) async throws -> TestingHTTPResponse {
        let response = try await fd.send(.GET, path, headers: headers)
        remember(response)
        return response
    }

    mutating func post(_ path: String, _ form: [String: String]) async throws -> TestingHTTPResponse {
        var parts = URLComponents()
        parts.queryItems = form.map { URLQueryItem(name: $0.key, value: $0.value) }
        var headers = headers
        headers.replaceOrAdd(name: .contentType, value: "application/x-www-form-urlencoded")
        let body = (parts.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        let response = try await fd.send(.POST, path, raw: body, headers: headers)
        remember(response)
        return response
    }

    /// Logs in through the login form.
    mutating func logIn(_ email: String) async throws -> TestingHTTPResponse {
        let page = try await get("login")
        return try await post("login", ["email": email, "password": "correct horse battery", "_csrf": Self.csrf(page)])
    }

    var headers: HTTPHeaders {
        var headers: HTTPHeaders = ["Accept": "text/html"]
        if !cookie.isEmpty { headers.add(name: .cookie, value: "fairdesk_session=\(cookie)") }
        return headers
    }

    mutating func remember(_ response: TestingHTTPResponse) {
        if let value = response.headers.setCookie?["fairdesk_session"] { cookie = value.string }
    }

    static func csrf(_ response: TestingHTTPResponse) -> String {
        let html = response.body.string
        guard let range = html.range(of: #"name="_csrf" value=""#) else { return "" }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }
}

@Suite("Web pages")
struct WebPagesTests {
    @Test("pages need a login, and send people back where they were going")
    func guardsRedirect() async throws {
        try await TestFairdesk.with { fd in
            var web = WebSession(fd)
            let inbox = try await web.get("inbox?status=open")
            #expect(inbox.status == .seeOther)
            #expect(inbox.headers.first(name: .location) == "/login?next=/inbox?status%3Dopen")
            let login = try await web.get("login?next=/inbox")
            let done = try await web.post(
                "login",
                [
                    "email": "agent@example.com", "password": "correct horse battery", "_csrf": WebSession.csrf(login),
                    "next": "/inbox",
                ])
            #expect(done.headers.first(name: .location) == "/inbox")
            // Someone else's site is never a place to send people after login.
            #expect(AuthPages.safeNext("//evil.example/") == nil)
            #expect(AuthPages.safeNext("https://evil.example/") == nil)
        }
    }

    @Test("a wrong password shows the message beside the field and keeps the email")
    func loginErrors() async throws {
        try await TestFairdesk.with { fd in
            var web = WebSession(fd)
            let page = try await web.get("login")
            let refused = try await web.post(
                "login", ["email": "agent@example.com", "password": "nope", "_csrf": WebSession.csrf(page)])
            #expect(refused.status == .unauthorized)
            #expect(
                refused.body.string.contains(
                    #"<p class="error" id="login-password-error">Does not match the email.</p>"#))
            #expect(refused.body.string.contains(#"value="agent@example.com""#))
        }
    }

    @Test("a form without its CSRF token is refused, and changes nothing")
    func csrf() async throws {
        try await TestFairdesk.with { fd in
            var web = WebSession(fd)
            let page = try await web.get("login")
            let noToken = try await web.post(
                "login", ["email": "agent@example.com", "password": "correct horse battery"])
            #expect(noToken.status == .forbidden)
            _ = try await web.post(
                "login",
                ["email": "agent@example.com", "password": "correct horse battery", "_csrf": WebSession.csrf(page)])
            let made = try await fd.inbound(from: "casey@example.com", body: "Help")
            let forged = try await web.post("cases/\(made.caseId)/note", ["body": "forged"])
            #expect(forged.status == .forbidden)
            #expect(forged.body.string.contains("<h1>"))
            #expect(try await fd.count("timeline_entries") == 1)
        }
    }

    @Test("a transfer form without a note comes back with the reason beside the field and what was chosen")
    func transferForm() async throws {
        try await TestFairdesk.with { fd in
            var web = WebSession(fd)
            _ = try await web.logIn("agent@example.com")
            let made = try await fd.inbound(from: "casey@example.com", body: "Help")
            let page = try await web.get("cases/\(made.caseId)")
            let token = WebSession.csrf(page)
            let refused = try await web.post(
                "cases/\(made.caseId)/transfer", ["target": "queue:\(fd.billing)", "handoffNote": "  ", "_csrf": token])
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            #expect(html.contains(#"id="transfer-note-error">Is required: write what is known and what was tried"#))
            #expect(html.contains(#"<option value="queue:\#(fd.billing)" selected>"#))
            #expect(html.contains("<details class=\"action\" open>\n<summary>Transfer"))
            let done = try await web.post(
                "cases/\(made.caseId)/transfer",
                [
                    "target": "queue:\(fd.billing)",
                    "handoffNote": "Double charge on 3 Nov; needs a refund from billing.", "_csrf": token,
                ])
            #expect(done.status == .seeOther)
            let moved = try await SupportCase.find(made.caseId, on: fd.app.db)
            #expect(moved?.$queue.id == fd.billing)
        }
    }

    @Test("whatever people type is shown as text, never run as markup")
    func escaping() async throws {
        try await TestFairdesk.with { fd in
            var web = WebSession(fd)
            _ = try await web.logIn("lead@example.com")
            let made = try await fd.inbound(
                from: "mallory@example.com", body: "<script>alert('x')</script> & <b>bold</b>",
                name: "<img src=x onerror=alert(1)>")
            let html = try await web.get("cases/\(made.caseId)").body.string
            #expect(!html.contains("<script>alert"))
            #expect(!html.contains("<img src=x"))
            #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"))
            let inbox = try await web.get("inbox").body.string
            #expect(inbox.contains("&lt;img src=x onerror=alert(1)&gt;"))
        }
    }

    @Test("the inbox finds cases by number, email and the start of a name, and can show the oldest first")
    func inboxSearchAndOrder() async throws {
        try await TestFairdesk.with { fd in
            var web = WebSession(fd)
            _ = try await web.logIn("agent@example.com")
            let first = try await fd.inbound(from: "emile@example.com", body: "First", name: "Émile Zola")
            fd.clock.advance(by: 60)
            _ = try await fd.inbound(from: "other@example.com", body: "Second", name: "Olga Other")
            #expect(try await web.get("inbox?q=\(first.caseNumber)").body.string.contains("\(first.caseId)"))
            #expect(try await web.get("inbox?q=EMILE@example.com").body.string.contains("\(first.caseId)"))
            let byName = try await web.get("inbox?q=emi").body.string
            #expect(byName.contains("\(first.caseId)"))
            #expect(!byName.contains("Olga Other"))
            let oldest = try await web.get("inbox?sort=oldest").body.string
            let newest = try await web.get("inbox").body.string
            #expect(oldest.range(of: "Émile Zola")!.lowerBound < oldest.range(of: "Olga Other")!.lowerBound)
            #expect(newest.range(of: "Olga Other")!.lowerBound < newest.range(of: "Émile Zola")!.lowerBound)
        }
    }

    @Test("each role lands on its own start page; a customer cannot open the inbox")
    func roles() async throws {
        try await TestFairdesk.with { fd in
            var customer = WebSession(fd)
            let landed = try await customer.logIn("casey@example.com")
            #expect(landed.headers.first(name: .location) == "/my/cases")
            let inbox = try await customer.get("inbox")
            #expect(inbox.status == .forbidden)
            #expect(inbox.body.string.contains("This page is not for your role"))
            var agent = WebSession(fd)
            _ = try await agent.logIn("agent@example.com")
            #expect(try await agent.get("admin/users").status == .forbidden)
            var lead = WebSession(fd)
            _ = try await lead.logIn("lead@example.com")
            #expect(try await lead.get("admin/queues").status == .ok)
            #expect(try await lead.get("admin/settings").status == .forbidden)
        }
    }

    @Test("the stylesheet and scripts are served with an ETag and revalidate cheaply")
    func assets() async throws {
        try await TestFairdesk.with { fd in
            let css = try await fd.send(.GET, "static/fairdesk.css")
            #expect(css.status == .ok)
            #expect(css.headers.first(name: .contentType) == "text/css; charset=utf-8")
            let etag = try #require(css.headers.first(name: .eTag))
            #expect(
                try await fd.send(.GET, "static/fairdesk.css", headers: ["If-None-Match": etag]).status == .notModified)
            #expect(try await fd.send(.GET, "widget.js").body.string.contains("attachShadow"))
        }
    }
}

@Suite("Live updates")
struct LiveHubTests {
    func event(queue: UUID?, owner: UUID? = nil, customer: UUID = UUID()) -> LiveEvent {
        let supportCase = SupportCase(
            id: UUID(), number: 1, customerID: customer, subject: "s", channel: .chat, queueID: queue, ownerID: owner,
            at: Date(timeIntervalSince1970: 0))
        return LiveEvent(kind: .supportCase, supportCase: supportCase)
    }

    @Test("each subscriber hears only the events it may see")
    func filtering() async throws {
        let hub = LiveHub()
        let billing = UUID()
        let general = UUID()
        let agent = CaseAccess.Viewer(role: .agent, userKey: "a", customerKey: nil, queueKeys: [general.uuidString])
        let (id, events) = await hub.subscribe { CaseAccess.canRead($0.access, by: agent) }
        await hub.publish([event(queue: billing), event(queue: general), event(queue: billing)])
        await hub.unsubscribe(id)
        var heard: [UUID?] = []
        for await event in events { heard.append(event.queueId) }
        #expect(heard == [general])
        #expect(await hub.subscriberCount == 0)
    }
}
