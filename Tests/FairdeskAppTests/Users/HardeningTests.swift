import FairdeskCore
import Fluent
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Protections found in review")
struct HardeningTests {
    @Test("staff cannot give a customer a chat identity: it would open that customer's conversation to them")
    func noChatIdentitiesByStaff() async throws {
        try await TestFairdesk.with { fd in
            let made = try await fd.inbound(from: "casey@example.com", body: "Help")
            let response = try await fd.send(
                .POST, "api/v1/customers/\(made.customerId)/identities", as: fd.agent,
                json: ["kind": "chat", "value": "attacker-123456"])
            #expect(response.status == .unprocessableEntity)
            #expect(try fd.problems(response) == ["identity.kind: chat identities come only from the chat widget"])
        }
    }

    @Test("the API login routes take JSON only, so a cross-site form cannot log a browser in")
    func loginNeedsJSON() async throws {
        try await TestFairdesk.with { fd in
            let form = try await fd.send(
                .POST, "api/v1/auth/session", raw: "email=agent%40example.com&password=correct+horse+battery",
                headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(form.status == .unsupportedMediaType)
            #expect(form.headers.setCookie?["fairdesk_session"] == nil)
        }
    }

    @Test("logging in gives a new session id, so one planted before login is worthless")
    func newSessionAtLogin() async throws {
        try await TestFairdesk.with { fd in
            var web = WebSession(fd)
            _ = try await web.get("login")
            let before = web.cookie
            #expect(!before.isEmpty)
            _ = try await web.post(
                "login",
                [
                    "email": "agent@example.com", "password": "correct horse battery",
                    "_csrf": WebSession.csrf(try await web.get("login")),
                ])
            #expect(web.cookie != before)
            var planted = WebSession(fd)
            planted.cookie = before
            #expect(try await planted.get("inbox").status == .seeOther)
        }
    }

    @Test("an agent merges only a customer whose cases they can all see")
    func mergeNeedsSightOfEveryCase() async throws {
        try await TestFairdesk.with { fd in
            let target = try await fd.inbound(from: "keep@example.com", body: "mine")
            let source = try await fd.inbound(from: "dup@example.com", body: "in general")
            // The duplicate also has a case in Billing, which the General agent cannot see.
            try await fd.send(
                .POST, "api/v1/cases", as: fd.lead,
                json: [
                    "customerId": source.customerId.uuidString, "subject": "billing", "queueId": fd.billing.uuidString,
                ])
            let refused = try await fd.send(
                .POST, "api/v1/customers/\(target.customerId)/merge", as: fd.agent,
                json: ["sourceCustomerId": source.customerId.uuidString, "reason": "same person"])
            #expect(refused.status == .forbidden)
            let allowed = try await fd.send(
                .POST, "api/v1/customers/\(target.customerId)/merge", as: fd.lead,
                json: ["sourceCustomerId": source.customerId.uuidString, "reason": "same person"])
            #expect(allowed.status == .ok)
        }
    }

    @Test("an agent opens cases only in their own queues")
    func casesOnlyInOwnQueues() async throws {
        try await TestFairdesk.with { fd in
            let made = try await fd.inbound(from: "casey@example.com", body: "Help")
            let refused = try await fd.send(
                .POST, "api/v1/cases", as: fd.agent,
                json: ["customerId": made.customerId.uuidString, "subject": "x", "queueId": fd.billing.uuidString])
            #expect(refused.status == .unprocessableEntity)
            #expect(try fd.problems(refused) == ["queueId: must be one of your queues"])
            let own = try await fd.send(
                .POST, "api/v1/cases", as: fd.agent,
                json: ["customerId": made.customerId.uuidString, "subject": "x", "queueId": fd.general.uuidString])
            #expect(own.status == .created)
        }
    }
}
