import Fluent
import Foundation
import SQLKit

/// Messages to staff from Fairdesk itself: SLA warnings and escalations.
enum Notifications {
    struct Row: Decodable, Sendable {
        var id: UUID
        var userId: UUID
        var caseId: UUID?
        var kind: String
        var body: String
        var createdAt: Date
        var readAt: Date?
    }

    static func send(
        to userIDs: [UUID], caseID: UUID?, kind: String, body: String, at now: Date, on db: any Database
    ) async throws {
        for userID in Set(userIDs) {
            try await db.insertRow(
                "notifications",
                [
                    ("id", TimeOrderedID.next(at: now)), ("user_id", userID), ("case_id", caseID), ("kind", kind),
                    ("body", body), ("created_at", now), ("read_at", nil),
                ])
        }
    }

    /// A person's newest notifications.
    static func recent(for userID: UUID, limit: Int = 50, on db: any Database) async throws -> [Row] {
        try await db.sql.raw(
            """
            SELECT * FROM notifications WHERE user_id = \(bind: userID) ORDER BY created_at DESC LIMIT \(literal: limit)
            """
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
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
