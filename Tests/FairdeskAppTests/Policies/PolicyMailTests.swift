import FairdeskCore
import Fluent
import FluentPostgresDriver
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

extension TestSMTPServer {
    var settings: SMTPSettings { SMTPSettings(host: "127.0.0.1", port: port, heloName: "fairdesk.test") }
}

extension TestFairdesk {
    struct Email: Decodable {
        var toAddress: String
        var subject: String
        var state: String
        var attempts: Int
        var lastError: String?
    }

    func emails() async throws -> [Email] {
        try await (app.db as! any SQLDatabase).raw("SELECT * FROM outbound_emails ORDER BY created_at, id")
            .all(decoding: Email.self, keyDecodingStrategy: .convertFromSnakeCase)
    }
}

@Suite("Policy changes by email")
struct PolicyMailTests {
    @Test("everyone bound gets an email with the summary and the link, delivered over SMTP by the job worker")
    func publishedByEmail() async throws {
        let smtp = try await TestSMTPServer.start()
        try await TestFairdesk.with(.set(\.smtp, smtp.settings), .set(\.publicURL, "https://help.example.com")) { fd in
            try await fd.createPolicy("driver-standing")
            #expect(try await fd.publish("driver-standing", fd.version("Standing over 28 days")).status == .created)
            // Stored with the version, before anything is sent.
            #expect(try await fd.emails().map(\.state) == ["queued"])
            #expect(try await smtp.messages.isEmpty)

            let ran = try await JobWorker(app: fd.app).drain()
            #expect(ran.ran == 1)
            #expect(try await fd.emails().map(\.state) == ["sent"])
            let received = try #require(try await smtp.messages.first)
            #expect(received.to == ["<driver@example.com>"])
            let (headers, body) = try Self.split(received.data)
            #expect(headers.contains("To: Dee Driver <driver@example.com>"))
            #expect(headers.contains { $0.hasPrefix("Subject: Policy change: Policy driver-standing, version 1") })
            #expect(body.contains("What changed: Standing over 28 days"))
            #expect(body.contains("https://help.example.com/policies/driver-standing/versions/1"))
        }
        await smtp.stop()
    }

    @Test("a refusing mail server marks the email failed with its reply; no server configured holds it")
    func refusedAndHeld() async throws {
        let smtp = try await TestSMTPServer.start(refuseRecipients: true)
        try await TestFairdesk.with(.set(\.smtp, smtp.settings)) { fd in
            try await fd.createPolicy("driver-standing")
            #expect(try await fd.publish("driver-standing", fd.version("First")).status == .created)
            _ = try await JobWorker(app: fd.app).drain()
            let email = try #require(try await fd.emails().first)
            #expect(email.state == "failed")
            #expect(email.lastError?.contains("550 5.1.1 No such mailbox here") == true)
        }
        await smtp.stop()
        try await TestFairdesk.with { fd in
            try await fd.createPolicy("driver-standing")
            #expect(try await fd.publish("driver-standing", fd.version("First")).status == .created)
            _ = try await JobWorker(app: fd.app).drain()
            #expect(try await fd.emails().map(\.state) == ["held"])
            #expect(try await fd.emails().first?.lastError == "no mail server is configured: set FAIRDESK_SMTP_URL")
            // Admins see the outbox, and why nothing left.
            var admin = WebSession(fd)
            _ = try await admin.logIn("admin@example.com")
            let page = try await admin.get("admin/mail").body.string
            #expect(page.contains("No mail server is configured"))
            #expect(page.contains(#"<span class="status mail-held">held</span>"#))
            #expect(page.contains("Dee Driver &lt;driver@example.com&gt;"))
            var agent = WebSession(fd)
            _ = try await agent.logIn("agent@example.com")
            #expect(try await agent.get("admin/mail").status == .forbidden)
        }
    }

    @Test("mail held while no server was configured goes out when a worker starts with one")
    func heldThenReleased() async throws {
        let smtp = try await TestSMTPServer.start()
        try await TestFairdesk.with { fd in
            try await fd.createPolicy("driver-standing")
            #expect(try await fd.publish("driver-standing", fd.version("First")).status == .created)
            _ = try await JobWorker(app: fd.app).drain()
            #expect(try await fd.emails().map(\.state) == ["held"])
            // The operator sets FAIRDESK_SMTP_URL and restarts.
            fd.app.fairdesk.mail = SMTPClient(settings: smtp.settings, group: fd.app.eventLoopGroup)
            let worker = JobWorker(app: fd.app)
            try await worker.scheduleRecurring()
            _ = try await worker.drain()
            #expect(try await fd.emails().map(\.state) == ["sent"])
            #expect(try await smtp.messages.count == 1)
        }
        await smtp.stop()
    }

    @Test("a mail server that is down leaves the email queued and the job retries later")
    func serverDown() async throws {
        let smtp = try await TestSMTPServer.start()
        let settings = smtp.settings
        await smtp.stop()
        try await TestFairdesk.with(.set(\.smtp, settings)) { fd in
            try await fd.createPolicy("driver-standing")
            #expect(try await fd.publish("driver-standing", fd.version("First")).status == .created)
            let result = try await JobWorker(app: fd.app).drain()
            #expect(result.failed == 1)
            let email = try #require(try await fd.emails().first)
            #expect(email.state == "queued")
            #expect(email.attempts == 1)
            #expect(email.lastError != nil)
        }
    }

    /// The headers and the decoded text of a received message.
    static func split(_ data: String) throws -> ([String], String) {
        let parts = data.components(separatedBy: "\r\n\r\n")
        let body = try #require(Data(base64Encoded: parts[1].replacingOccurrences(of: "\r\n", with: "")))
        return (parts[0].components(separatedBy: "\r\n"), String(decoding: body, as: UTF8.self))
    }
}
