import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// Outgoing email. Code that wants to write to people calls ``Outbox/queue(_:subject:body:kind:at:on:)``
/// inside its own transaction: the messages are stored with the change that caused them and a
/// `mail.send` job per message delivers them afterwards, retrying while the mail server is away.
enum Outbox {
    /// Someone to write to.
    struct Recipient: Sendable {
        var userID: UUID?
        var address: String
        var name: String?
    }

    static func queue(
        _ recipients: [Recipient], subject: String, body: String, kind: String, at now: Date, on db: any Database
    ) async throws {
        let rows = recipients.map { recipient -> (UUID, [(any Encodable & Sendable)?]) in
            let id = TimeOrderedID.next(at: now)
            return (
                id,
                [
                    id, recipient.userID, recipient.address, recipient.name, subject, body, kind, "queued", 0, nil, now,
                    nil,
                ]
            )
        }
        for start in stride(from: 0, to: rows.count, by: 200) {
            let slice = rows[start..<min(start + 200, rows.count)]
            try await db.insertRows(
                "outbound_emails",
                columns: [
                    "id", "user_id", "to_address", "to_name", "subject", "body", "kind", "state", "attempts",
                    "last_error", "created_at", "sent_at",
                ], slice.map(\.1))
            for (id, _) in slice {
                try await JobQueue.enqueue(
                    on: db, kind: .mailSend, payload: #"{"id":"\#(id)"}"#, dueAt: now, now: now, maxAttempts: 8)
            }
        }
    }

    /// The people with these ids, as mail recipients (only active logins with an address).
    static func recipients(_ userIDs: [UUID], on db: any Database) async throws -> [Recipient] {
        guard !userIDs.isEmpty else { return [] }
        var found: [Recipient] = []
        for start in stride(from: 0, to: userIDs.count, by: 500) {
            let chunk = Array(userIDs[start..<min(start + 500, userIDs.count)])
            found += try await User.query(on: db).filter(\.$id ~~ chunk).filter(\.$active == true).all().map {
                Recipient(userID: $0.id, address: $0.email, name: $0.name)
            }
        }
        return found
    }

    struct Row: Decodable, Sendable {
        var id: UUID
        var toAddress: String
        var toName: String?
        var subject: String
        var body: String
        var kind: String
        var state: String
        var attempts: Int
        var lastError: String?
        var createdAt: Date
        var sentAt: Date?
    }

    static func recent(limit: Int = 100, on db: any Database) async throws -> [Row] {
        try await db.sql.raw(
            "SELECT * FROM outbound_emails ORDER BY created_at DESC, id DESC LIMIT \(literal: limit)"
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// Delivers one queued message: sent, held when no mail server is configured, failed when the
    /// server refuses it for good. A server that is down or busy throws, so the job tries again.
    /// `lastAttempt`: the job will not run again, so a failure now is final.
    static func deliver(_ id: UUID, app: Application, lastAttempt: Bool = false) async throws {
        guard
            let row = try await app.db.sql.raw("SELECT * FROM outbound_emails WHERE id = \(bind: id)")
                .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase), row.state == "queued"
        else { return }
        let now = app.fairdesk.clock.now
        func mark(_ state: String, error: String?) async throws {
            try await app.write { db in
                try await db.sql.raw(
                    """
                    UPDATE outbound_emails SET state = \(bind: state), attempts = attempts + 1, \
                    last_error = \(bind: error), sent_at = \(bind: state == "sent" ? now : nil) WHERE id = \(bind: id)
                    """
                ).run()
            }
        }
        guard let transport = app.fairdesk.mail else {
            try await mark("held", error: "no mail server is configured: set FAIRDESK_SMTP_URL")
            return
        }
        let config = app.fairdesk.config
        let domain = config.mailFrom.address.split(separator: "@").last.map(String.init) ?? "localhost"
        let message = MailMessage(
            from: config.mailFrom, to: MailAddress(name: row.toName, address: row.toAddress), subject: row.subject,
            text: row.body, messageID: "\(row.id.uuidString.lowercased())@\(domain)", date: now)
        do {
            try await transport.deliver(message)
            try await mark("sent", error: nil)
        } catch let error as SMTPError where error.permanent {
            try await mark("failed", error: error.description)
        } catch {
            let state = lastAttempt ? "failed" : "queued"
            try await app.write { db in
                try await db.sql.raw(
                    """
                    UPDATE outbound_emails SET state = \(bind: state), attempts = attempts + 1, \
                    last_error = \(bind: String(describing: error)) WHERE id = \(bind: id)
                    """
                ).run()
            }
            throw error
        }
    }

    /// Once a mail server is configured, the mail held while there was none goes out after all.
    /// Answers how many messages were released.
    @discardableResult
    static func releaseHeld(app: Application) async throws -> Int {
        guard app.fairdesk.mail != nil else { return 0 }
        let now = app.fairdesk.clock.now
        return try await app.write { db in
            struct Held: Decodable { var id: UUID }
            let held = try await db.sql.raw("SELECT id FROM outbound_emails WHERE state = 'held'")
                .all(decoding: Held.self)
            for email in held {
                try await db.sql.raw(
                    "UPDATE outbound_emails SET state = 'queued', last_error = NULL WHERE id = \(bind: email.id)"
                ).run()
                try await JobQueue.enqueue(
                    on: db, kind: .mailSend, payload: #"{"id":"\#(email.id)"}"#, dueAt: now, now: now, maxAttempts: 8)
            }
            return held.count
        }
    }
}
