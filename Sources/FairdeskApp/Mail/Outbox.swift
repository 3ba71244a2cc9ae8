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

    /// The case a message is about. Its threading headers (`In-Reply-To`, `References`) are worked
    /// out when it is sent, from the case's mail up to then, so the customer's client shows one thread.
    struct Thread: Sendable {
        var caseID: UUID
        /// The timeline entry whose text and files the message carries (an agent's reply).
        var entryID: UUID?
        /// False for a reply a person wrote; true for Fairdesk's own reminders and surveys.
        var automatic: Bool
    }

    /// Answers the ids of the queued messages, in the order of `recipients`.
    @discardableResult
    static func queue(
        _ recipients: [Recipient], subject: String, body: String, kind: String, thread: Thread? = nil, at now: Date,
        on db: any Database
    ) async throws -> [UUID] {
        let rows = recipients.map { recipient -> (UUID, [(any Encodable & Sendable)?]) in
            let id = TimeOrderedID.next(at: now)
            return (
                id,
                [
                    id, recipient.userID, recipient.address, recipient.name, subject, body, kind, "queued", 0, nil, now,
                    nil, thread?.caseID, thread?.entryID, thread?.automatic ?? true,
                ]
            )
        }
        for start in stride(from: 0, to: rows.count, by: 200) {
            let slice = rows[start..<min(start + 200, rows.count)]
            try await db.insertRows(
                "outbound_emails",
                columns: [
                    "id", "user_id", "to_address", "to_name", "subject", "body", "kind", "state", "attempts",
                    "last_error", "created_at", "sent_at", "case_id", "entry_id", "automatic",
                ], slice.map(\.1))
            for (id, _) in slice {
                try await JobQueue.enqueue(
                    on: db, kind: .mailSend, payload: #"{"id":"\#(id)"}"#, dueAt: now, now: now, maxAttempts: 8)
            }
        }
        return rows.map(\.0)
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
        var caseId: UUID?
        var entryId: UUID?
        var inReplyTo: String?
        var referencesIds: String?
        var automatic: Bool
    }

    static func recent(limit: Int = 100, on db: any Database) async throws -> [Row] {
        try await db.sql.raw(
            "SELECT * FROM outbound_emails ORDER BY created_at DESC, id DESC LIMIT \(literal: limit)"
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// Delivers one queued message: sent, held when no mail server is configured, failed when the
    /// server refuses it for good. A server that is down or busy throws, so the job tries again.
    /// `lastAttempt`: the job will not run again, so a failure now is final. The outcome is written
    /// through `records`, with the job's completion.
    static func deliver(_ id: UUID, app: Application, lastAttempt: Bool = false, records: JobRecords) async throws {
        guard
            let row = try await app.db.sql.raw("SELECT * FROM outbound_emails WHERE id = \(bind: id)")
                .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase), row.state == "queued"
        else { return }
        let now = app.fairdesk.clock.now
        /// The attempt's outcome; a sent message keeps the threading headers it went out with.
        func mark(_ state: String, error: String?, sent: MailMessage? = nil) async throws {
            // Only a message about a case carries a thread.
            let references = row.caseId == nil ? nil : sent?.references.joined(separator: " ")
            let inReplyTo = sent?.inReplyTo
            try await records.add { db in
                try await db.sql.raw(
                    """
                    UPDATE outbound_emails SET state = \(bind: state), attempts = attempts + 1, \
                    last_error = \(bind: error), sent_at = \(bind: sent == nil ? nil : now), \
                    in_reply_to = \(bind: inReplyTo), references_ids = \(bind: references) WHERE id = \(bind: id)
                    """
                ).run()
            }
        }
        guard let transport = app.fairdesk.mail else {
            try await mark("held", error: "no mail server is configured: set FAIRDESK_SMTP_URL")
            return
        }
        let config = app.fairdesk.config
        var message = MailMessage(
            from: config.mailFrom, to: MailAddress(name: row.toName, address: row.toAddress), subject: row.subject,
            text: row.body, messageID: messageID(of: row.id, config: config), date: now, automatic: row.automatic)
        if let caseID = row.caseId {
            let history = try await threadHistory(of: caseID, before: row.createdAt, excluding: row.id, app: app)
            message.inReplyTo = history.inReplyTo
            message.references = history.references
        }
        if let entryID = row.entryId {
            message.attachments = try await files(of: entryID, app: app)
        }
        do {
            try await transport.deliver(message)
            try await mark("sent", error: nil, sent: message)
        } catch let error as SMTPError where error.permanent {
            try await mark("failed", error: error.description)
        } catch {
            try await mark(lastAttempt ? "failed" : "queued", error: String(describing: error))
            throw error
        }
    }

    /// The Message-ID of an outgoing message: its row id at the sending domain, so a reply that names
    /// it leads straight back to the row and its case.
    static func messageID(of id: UUID, config: FairdeskConfig) -> String {
        let domain = config.mailFrom.address.split(separator: "@").last.map(String.init) ?? "localhost"
        return "\(id.uuidString.lowercased())@\(domain)"
    }

    /// The row a Message-ID of ours names, if it is one: "<uuid>@…".
    static func rowID(inMessageID messageID: String) -> UUID? {
        guard let local = messageID.split(separator: "@").first else { return nil }
        return UUID(uuidString: String(local))
    }

    /// The conversation a message about `caseID` continues: every message the customer sent about the
    /// case and every one Fairdesk sent before this one, oldest first. The reply answers the
    /// customer's latest message (or Fairdesk's latest, when the customer never wrote by email).
    static func threadHistory(
        of caseID: UUID, before: Date, excluding id: UUID, app: Application
    ) async throws -> (inReplyTo: String?, references: [String]) {
        struct Inbound: Decodable { var messageId: String, receivedAt: Date }
        struct Sent: Decodable { var id: UUID, createdAt: Date }
        let inbound = try await app.db.sql.raw(
            """
            SELECT message_id, received_at FROM inbound_emails WHERE case_id = \(bind: caseID) \
            AND received_at <= \(bind: before) AND state = 'filed' ORDER BY received_at
            """
        ).all(decoding: Inbound.self, keyDecodingStrategy: .convertFromSnakeCase)
        let sent = try await app.db.sql.raw(
            """
            SELECT id, created_at FROM outbound_emails WHERE case_id = \(bind: caseID) \
            AND created_at <= \(bind: before) AND id <> \(bind: id) AND state = 'sent' ORDER BY created_at
            """
        ).all(decoding: Sent.self, keyDecodingStrategy: .convertFromSnakeCase)
        let config = app.fairdesk.config
        // Inbound ids that are only a digest (the message had no Message-ID) mean nothing to mail clients.
        let customers = inbound.filter { $0.messageId.contains("@") }.map { ($0.receivedAt, $0.messageId) }
        let ours = sent.map { ($0.createdAt, messageID(of: $0.id, config: config)) }
        let all = (customers + ours).sorted { $0.0 < $1.0 }.map(\.1)
        return (customers.last?.1 ?? ours.last?.1, MailIntake.references(all))
    }

    /// The files of a timeline entry, to go with the message that carries it.
    static func files(of entryID: UUID, app: Application) async throws -> [MailMessage.Attachment] {
        let rows = try await Attachment.query(on: app.db).filter(\.$entry.$id == entryID).sort(\.$createdAt).all()
        return try rows.map {
            MailMessage.Attachment(
                filename: $0.filename, contentType: $0.contentType,
                data: try app.fairdesk.attachments.load(key: $0.storageKey))
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
