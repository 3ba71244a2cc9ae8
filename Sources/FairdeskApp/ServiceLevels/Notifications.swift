import Fluent
import Foundation
import SQLKit

/// Messages to people from Fairdesk itself: SLA warnings and escalations, policy changes to read.
enum Notifications {
    struct Row: Decodable, Sendable {
        var id: UUID
        var userId: UUID
        var caseId: UUID?
        var kind: String
        var body: String
        /// The page the notification is about, when it is not a case.
        var link: String?
        var createdAt: Date
        var readAt: Date?
    }

    static func send(
        to userIDs: [UUID], caseID: UUID?, kind: String, body: String, link: String? = nil, at now: Date,
        on db: any Database
    ) async throws {
        // One statement per 500 people, so a policy sent to thousands is a few round trips.
        let rows: [[(any Encodable & Sendable)?]] = Set(userIDs).sorted { $0.uuidString < $1.uuidString }.map {
            [TimeOrderedID.next(at: now), $0, caseID, kind, body, link, now, nil]
        }
        for start in stride(from: 0, to: rows.count, by: 500) {
            try await db.insertRows(
                "notifications",
                columns: ["id", "user_id", "case_id", "kind", "body", "link", "created_at", "read_at"],
                Array(rows[start..<min(start + 500, rows.count)]))
        }
    }

    /// A person's newest notifications.
    static func recent(
        for userID: UUID, kindPrefix: String? = nil, limit: Int = 50, on db: any Database
    ) async throws -> [Row] {
        var query: SQLQueryString = "SELECT * FROM notifications WHERE user_id = \(bind: userID)"
        if let kindPrefix { query += " AND kind LIKE \(bind: kindPrefix + "%")" }
        query += " ORDER BY created_at DESC, id DESC LIMIT \(literal: limit)"
        return try await db.sql.raw(query).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// The leads who work the queue, or every lead if none does.
    static func leads(of queueID: UUID?, on db: any Database) async throws -> [UUID] {
        struct Lead: Decodable { var id: UUID }
        if let queueID {
            let members = try await db.sql.raw(
                """
                SELECT u.id FROM users u JOIN queue_members m ON m.user_id = u.id \
                WHERE m.queue_id = \(bind: queueID) AND u.role = 'lead' AND u.active = \(bind: true)
                """
            ).all(decoding: Lead.self)
            if !members.isEmpty { return members.map(\.id) }
        }
        return try await db.sql.raw("SELECT id FROM users WHERE role = 'lead' AND active = \(bind: true)")
            .all(decoding: Lead.self).map(\.id)
    }
}
