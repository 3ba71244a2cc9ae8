import FairdeskCore
import Fluent
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Logging in")
struct AuthTests {
    @Test("a token is issued for the right password only, stored only as a hash, and works until revoked")
    func tokens() async throws {
        try await TestFairdesk.with { fd in
            let wrong = try await fd.send(
                .POST, "api/v1/auth/tokens", json: ["email": "agent@example.com", "password": "guess"])
            #expect(wrong.status == .unauthorized)
            #expect(try fd.problems(wrong) == ["password: does not match the email"])
            let issued = try fd.decode(
                TokenDTO.self,
                try await fd.send(
                    .POST, "api/v1/auth/tokens",
                    json: ["email": " Agent@Example.com", "password": "correct horse battery", "name": "phone system"]))
            #expect(issued.user.role == "agent")
            let stored = try await ApiToken.query(on: fd.app.db).filter(\.$name == "phone system").first()
            #expect(stored?.tokenHash == AuditLog.sha256(issued.token))
            #expect(stored?.tokenHash != issued.token)
            let auth: HTTPHeaders = ["Authorization": "Bearer \(issued.token)"]
            #expect(try await fd.send(.GET, "api/v1/me", headers: auth).status == .ok)
            #expect(try await fd.send(.DELETE, "api/v1/auth/tokens/current", headers: auth).status == .noContent)
            #expect(try await fd.send(.GET, "api/v1/me", headers: auth).status == .unauthorized)
        }
    }

    @Test("passwords are stored as bcrypt hashes")
    func hashed() async throws {
        try await TestFairdesk.with { fd in
            let user = try await User.find(fd.agent.id, on: fd.app.db)
            #expect(user?.passwordHash.hasPrefix("$2b$") == true)
            #expect(try fd.app.password.verify("correct horse battery", created: user!.passwordHash))
        }
    }

    @Test("after a session expires, the login page's form logs in at the first attempt")
    func loginAfterExpiry() async throws {
        try await TestFairdesk.with(.set(\.sessionLifetimeSeconds, 600)) { fd in
            var browser = WebSession(fd)
            #expect(try await browser.logIn("agent@example.com").status == .seeOther)
            fd.clock.advance(by: 601)
            // MUT: the login page with the old cookie still sent, then its form
            let page = try await browser.get("login")
            let again = try await browser.post(
                "login",
                ["email": "agent@example.com", "password": "correct horse battery", "_csrf": WebSession.csrf(page)])
            #expect(again.status == .seeOther, "\(again.body.string)")
            #expect(try await browser.get("inbox").status == .ok)
        }
    }

    @Test("a web session needs its CSRF token to change anything, expires when idle, and ends at logout")
    func sessions() async throws {
        try await TestFairdesk.with(.set(\.sessionLifetimeSeconds, 600)) { fd in
            // setup: log in and keep the cookie
            let login = try await fd.send(
                .POST, "api/v1/auth/session", json: ["email": "agent@example.com", "password": "correct horse battery"])
            #expect(login.status == .ok)
            let session = try fd.decode(SessionDTO.self, login)
            let cookie = try #require(login.headers.setCookie?["fairdesk_session"])
            #expect(cookie.isHTTPOnly)
            let cookieHeader: HTTPHeaders = ["Cookie": "fairdesk_session=\(cookie.string)"]
            let made = try await fd.inbound(from: "casey@example.com", body: "Help")

            // reading works with the cookie alone
            #expect(try await fd.send(.GET, "api/v1/me", headers: cookieHeader).status == .ok)
            // writing without the CSRF header is refused, with it accepted
            let note = ["body": "checked the order"]
            let refused = try await fd.send(
                .POST, "api/v1/cases/\(made.caseId)/notes", json: note, headers: cookieHeader)
            #expect(refused.status == .forbidden)
            var withToken = cookieHeader
            withToken.add(name: "X-CSRF-Token", value: session.csrfToken)
            #expect(
                try await fd.send(.POST, "api/v1/cases/\(made.caseId)/notes", json: note, headers: withToken).status
                    == .created)

            // idle past the lifetime: the session is gone
            fd.clock.advance(by: 601)
            #expect(try await fd.send(.GET, "api/v1/me", headers: cookieHeader).status == .unauthorized)

            // log in again, log out, and the cookie no longer works
            let again = try await fd.send(
                .POST, "api/v1/auth/session", json: ["email": "agent@example.com", "password": "correct horse battery"])
            let second = try #require(again.headers.setCookie?["fairdesk_session"])
            let csrf = try fd.decode(SessionDTO.self, again).csrfToken
            let headers: HTTPHeaders = ["Cookie": "fairdesk_session=\(second.string)", "X-CSRF-Token": csrf]
            #expect(try await fd.send(.DELETE, "api/v1/auth/session", headers: headers).status == .noContent)
            #expect(try await fd.send(.GET, "api/v1/me", headers: headers).status == .unauthorized)
        }
    }

    @Test("an admin creates users with checked input; duplicates and weak passwords are refused")
    func createUsers() async throws {
        try await TestFairdesk.with { fd in
            let made = try await fd.send(
                .POST, "api/v1/users", as: fd.admin,
                json: [
                    "email": "New.Agent@Example.com", "name": "Nora New", "role": "agent",
                    "password": "long enough pass",
                ])
            #expect(made.status == .created)
            #expect(try fd.decode(UserDTO.self, made).email == "new.agent@example.com")
            let duplicate = try await fd.send(
                .POST, "api/v1/users", as: fd.admin,
                json: [
                    "email": "new.agent@example.com", "name": "Again", "role": "agent", "password": "long enough pass",
                ])
            #expect(duplicate.status == .conflict)
            let weak = try await fd.send(
                .POST, "api/v1/users", as: fd.admin,
                json: ["email": "weak@example.com", "name": "Weak", "role": "agent", "password": "short"])
            #expect(try fd.problems(weak) == ["password: must be at least 10 characters"])
            let audit = try await AuditEntry.query(on: fd.app.db).filter(\.$action == "user.created").count()
            #expect(audit == 1)
        }
    }
}

@Suite("The login cache")
struct LoginCacheTests {
    @Test("a cached token still stops working the moment it is revoked, and role changes apply at once")
    func invalidation() async throws {
        try await TestFairdesk.with { fd in
            // setup: the agent's token is checked once, so it is cached
            #expect(try await fd.send(.GET, "api/v1/me", as: fd.agent).status == .ok)
            // MUT: promote the agent; the next request must see the new role
            try await fd.send(
                .POST, "api/v1/users/\(fd.agent.id)/role", as: fd.admin, json: ["role": "lead", "reason": "promoted"])
            let me = try fd.decode(UserDTO.self, try await fd.send(.GET, "api/v1/me", as: fd.agent))
            #expect(me.role == "lead")
            // MUT: revoke; the cached entry must not keep the token alive
            #expect(try await fd.send(.DELETE, "api/v1/auth/tokens/current", as: fd.agent).status == .noContent)
            #expect(try await fd.send(.GET, "api/v1/me", as: fd.agent).status == .unauthorized)
        }
    }

    @Test("entries expire after their lifetime, and with the token")
    func expiry() {
        let cache = LoginCache()
        let start = Date(timeIntervalSince1970: 1_000)
        let user = User(email: "a@example.com", name: "A", role: .agent, passwordHash: "x", createdAt: start)
        cache.remember(
            .init(user: user, queueIDs: [], checkedAt: start, tokenExpiresAt: start.addingTimeInterval(5)), for: "h")
        #expect(cache.entry(for: "h", now: start.addingTimeInterval(4)) != nil)
        #expect(cache.entry(for: "h", now: start.addingTimeInterval(6)) == nil)
        cache.remember(.init(user: user, queueIDs: [], checkedAt: start, tokenExpiresAt: nil), for: "k")
        #expect(cache.entry(for: "k", now: start.addingTimeInterval(LoginCache.lifetime + 1)) == nil)
    }

    @Test("overlapping requests keep each other's session changes: the next page's message survives a live fetch")
    func overlappingRequests() async throws {
        try await TestFairdesk.with { fd in
            #expect(fd.app.sessions.driver is MergingSessions)
            let sessions = MergingSessions()
            func request() -> Request { Request(application: fd.app, on: fd.app.eventLoopGroup.next()) }
            func stored(_ id: SessionID) async throws -> [String: String] {
                try #require(try await sessions.readSession(id, for: request()).get()).snapshot
            }
            let id = try await sessions.createSession(["user": "u1", "seen": "100"], for: request()).get()

            // a form post and the live view's fetch read the session at the same moment
            let post = request()
            let fetch = request()
            var posted = try #require(try await sessions.readSession(id, for: post).get())
            let fetched = try #require(try await sessions.readSession(id, for: fetch).get())
            posted["flash"] = "Promise recorded."
            _ = try await sessions.updateSession(id, to: posted, for: post).get()
            // the fetch finishes last with its older copy: the message is still there for the next page
            _ = try await sessions.updateSession(id, to: fetched, for: fetch).get()
            #expect(try await stored(id) == ["user": "u1", "seen": "100", "flash": "Promise recorded."])

            // one request shows (and clears) the message while another moves the idle clock: both kept
            let page = request()
            let other = request()
            var shown = try #require(try await sessions.readSession(id, for: page).get())
            var ticked = try #require(try await sessions.readSession(id, for: other).get())
            shown["flash"] = nil
            ticked["seen"] = "200"
            _ = try await sessions.updateSession(id, to: ticked, for: other).get()
            _ = try await sessions.updateSession(id, to: shown, for: page).get()
            #expect(try await stored(id) == ["user": "u1", "seen": "200"])

            // logging out elsewhere is not undone by a request still in flight
            let late = request()
            var lateData = try #require(try await sessions.readSession(id, for: late).get())
            try await sessions.deleteSession(id, for: request()).get()
            lateData["seen"] = "300"
            _ = try await sessions.updateSession(id, to: lateData, for: late).get()
            #expect(try await sessions.readSession(id, for: request()).get() == nil)
        }
    }
}
