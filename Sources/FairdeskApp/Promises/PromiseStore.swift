import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// Reads promises and their events.
enum PromiseStore {
    struct Row: Decodable, Sendable {
        var id: UUID
        var caseId: UUID
        var kind: String
        var amountMinor: Int?
        var currency: String?
        var item: String?
        var callbackAt: Date?
        var description: String
        var ownerId: UUID
        var createdById: UUID?
        var createdAt: Date
        var dueAt: Date
        var state: String
        var keptAt: Date?
        var keptBy: String?
        var evidence: String?
        var checkAt: Date?
        var remindedAt: Date?
        var escalatedAt: Date?
        var followUpSentAt: Date?
        var followUpAnswer: String?
        var followUpAnsweredAt: Date?
        var policy: String?

        var draft: PromiseDraft {
            PromiseDraft(
                kind: PromiseKind(rawValue: kind) ?? .other, amountMinor: amountMinor, currency: currency, item: item,
                callbackAt: callbackAt, description: description, dueAt: dueAt)
        }

        func outcome(at now: Date) -> PromiseOutcome { PromiseRules.outcome(dueAt: dueAt, keptAt: keptAt, now: now) }
    }

    struct EventRow: Decodable, Sendable {
        var promiseId: UUID
        var source: String
        var kind: String
        var note: String?
        var at: Date
    }

    static func find(_ id: UUID?, on db: any Database) async throws -> Row? {
        guard let id else { return nil }
        return try await db.sql.raw("SELECT * FROM promises WHERE id = \(bind: id)")
            .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    static func forCase(_ caseID: UUID, on db: any Database) async throws -> [Row] {
        try await db.sql.raw("SELECT * FROM promises WHERE case_id = \(bind: caseID) ORDER BY created_at, id")
            .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    static func dtos(_ rows: [Row], now: Date, on db: any Database) async throws -> [PromiseDTO] {
        guard !rows.isEmpty else { return [] }
        var events: [UUID: [PromiseEventDTO]] = [:]
        for row in rows {
            events[row.id] = try await db.sql.raw(
                "SELECT * FROM promise_events WHERE promise_id = \(bind: row.id) ORDER BY at, id"
            ).all(decoding: EventRow.self, keyDecodingStrategy: .convertFromSnakeCase).map {
                PromiseEventDTO(source: $0.source, kind: $0.kind, note: $0.note, at: $0.at)
            }
        }
        let names = try await PolicyQueries.names(rows.map(\.ownerId), on: db)
        return rows.map { row in
            PromiseDTO(
                id: row.id, caseId: row.caseId, kind: row.kind, headline: row.draft.headline,
                description: row.description, amountMinor: row.amountMinor, currency: row.currency, item: row.item,
                callbackAt: row.callbackAt, ownerId: row.ownerId, ownerName: names[row.ownerId],
                createdAt: row.createdAt, dueAt: row.dueAt, state: row.state, outcome: row.outcome(at: now).rawValue,
                keptAt: row.keptAt, keptBy: row.keptBy, evidence: row.evidence, followUpAnswer: row.followUpAnswer,
                policy: row.policy, events: events[row.id] ?? [])
        }
    }

    static func addEvent(
        _ promiseID: UUID, source: String, kind: String, note: String?, externalID: String? = nil, actorID: UUID?,
        at now: Date, on db: any Database
    ) async throws {
        try await db.insertRow(
            "promise_events",
            [
                ("id", TimeOrderedID.next(at: now)), ("promise_id", promiseID), ("source", source), ("kind", kind),
                ("note", note), ("external_id", externalID), ("actor_id", actorID), ("at", now),
            ])
    }
}
