import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// Reads stored raw emails again with the current ``MIMEParser`` (see `fairdesk reparse`).
///
/// What is read from a message is updated: its subject, sender and problems, the text of its
/// timeline entry, and its files. What was decided when it arrived stays: the case it joined, and
/// whether it was filed, noted as automatic or held.
struct MailReparser {
    let app: Application

    struct Summary: Equatable {
        var read = 0
        var textChanged = 0
        var filesChanged = 0
        var withProblems = 0
        var missing = 0
    }

    private struct Row: Decodable {
        var id: UUID
        var storageKey: String
        var state: String
        var caseId: UUID?
        var entryId: UUID?
    }

    /// Messages read per transaction.
    static let pageSize = 200

    func run(onlyOutdated: Bool, progress: ((Int, Int) -> Void)? = nil) async throws -> Summary {
        struct Count: Decodable { var n: Int }
        let filter: SQLQueryString =
            onlyOutdated ? "WHERE parser_version < \(bind: MailIntakeService.parserVersion)" : "WHERE 1 = 1"
        let total =
            try await app.db.sql.raw("SELECT COUNT(*) AS n FROM inbound_emails \(filter)").first(decoding: Count.self)?
            .n ?? 0
        var summary = Summary()
        var after: UUID?
        progress?(0, total)
        while true {
            var query: SQLQueryString = "SELECT id, storage_key, state, case_id, entry_id FROM inbound_emails \(filter)"
            if let after { query += " AND id > \(bind: after)" }
            query += " ORDER BY id LIMIT \(literal: Self.pageSize)"
            let rows = try await app.db.sql.raw(query).all(
                decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            guard let last = rows.last else { break }
            let written = StoredKeys()
            let replaced = StoredKeys()
            // Read and parse outside the transaction, so the database's write turn is held only for writing.
            let store = app.fairdesk.attachments
            let parsed = rows.map { row in (try? store.load(key: row.storageKey)).map(MIMEParser.parse) }
            do {
                let page = try await app.write { db in
                    var page = Summary()
                    for (row, mail) in zip(rows, parsed) {
                        try await reparse(row, mail, into: &page, written: written, replaced: replaced, on: db)
                    }
                    return page
                }
                summary.read += page.read
                summary.textChanged += page.textChanged
                summary.filesChanged += page.filesChanged
                summary.withProblems += page.withProblems
                summary.missing += page.missing
                for key in replaced.keys { app.fairdesk.attachments.delete(key: key) }
            } catch {
                for key in written.keys { app.fairdesk.attachments.delete(key: key) }
                throw error
            }
            after = last.id
            progress?(summary.read, total)
        }
        return summary
    }

    private func reparse(
        _ row: Row, _ mail: ParsedMail?, into summary: inout Summary, written: StoredKeys, replaced: StoredKeys,
        on db: any Database
    ) async throws {
        summary.read += 1
        guard let mail else {
            summary.missing += 1
            return
        }
        let now = app.fairdesk.clock.now
        let limit = app.fairdesk.config.maximumAttachmentBytes
        let problems = mail.problems + MailIntakeService.oversized(mail, limit: limit)
        if !problems.isEmpty { summary.withProblems += 1 }
        try await db.sql.raw(
            """
            UPDATE inbound_emails SET subject = \(bind: String(mail.subject.prefix(500))), \
            from_address = \(bind: mail.from?.address.lowercased()), \
            reply_address = \(bind: (mail.replyTo ?? mail.from)?.address.lowercased()), \
            problems = \(bind: problems.joined(separator: "\n")), \
            parser_version = \(bind: MailIntakeService.parserVersion), parsed_at = \(bind: now) WHERE id = \(bind: row.id)
            """
        ).run()
        guard row.state == "filed", let entryID = row.entryId, let caseID = row.caseId,
            let entry = try await TimelineEntry.find(entryID, on: db)
        else { return }
        let body = MailIntakeService.body(of: mail)
        if entry.body != body {
            summary.textChanged += 1
            try await db.sql.raw("UPDATE timeline_entries SET body = \(bind: body) WHERE id = \(bind: entryID)").run()
        }
        let stored = try await Attachment.query(on: db).filter(\.$entry.$id == entryID).all()
        let before = stored.map { "\($0.filename) \($0.sha256)" }.sorted()
        let after = mail.attachments.filter { $0.data.count <= limit }
            .map { "\(String($0.filename.prefix(255))) \(Digest.sha256($0.data))" }.sorted()
        guard before != after else { return }
        summary.filesChanged += 1
        for attachment in stored { try await attachment.delete(on: db) }
        replaced.add(stored.map(\.storageKey))
        let files = try MailIntakeService.storeFiles(of: mail, limit: limit, in: app.fairdesk.attachments)
        written.add(files.map(\.key))
        try await MailIntakeService(app: app, source: .mailbox).recordFiles(
            files, caseID: caseID, entryID: entryID, at: now, on: db)
    }
}
