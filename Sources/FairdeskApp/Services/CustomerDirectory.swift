import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// Finds, creates and merges customers. Used inside write transactions.
struct CustomerDirectory {
    let db: any Database
    let now: Date

    /// The customer a record stands for now, following merges.
    func current(_ id: UUID) async throws -> Customer? {
        var seen: Set<UUID> = []
        var next: UUID? = id
        while let id = next, seen.insert(id).inserted {
            guard let customer = try await Customer.find(id, on: db) else { return nil }
            guard let merged = customer.mergedIntoID else { return customer }
            next = merged
        }
        return nil
    }

    /// A customer found by an address: just what the callers need.
    struct Ref: Sendable, Equatable {
        var id: UUID
        var displayName: String
        var tier: String
    }

    /// The customer who owns `identity`, if anyone does (following merges). One indexed query.
    func owner(of identity: Identity) async throws -> Ref? {
        struct Row: Decodable {
            var id: UUID
            var name: String
            var tier: String
            var merged: UUID?
        }
        guard
            let row = try await db.sql.raw(
                """
                SELECT c.id AS id, c.display_name AS name, c.tier AS tier, c.merged_into_id AS merged FROM identities i
                JOIN customers c ON c.id = i.customer_id WHERE i.kind = \(bind: identity.kind.rawValue) AND i.value = \(bind: identity.value)
                """
            ).first(decoding: Row.self)
        else { return nil }
        guard row.merged != nil else { return Ref(id: row.id, displayName: row.name, tier: row.tier) }
        return try await current(row.id).map { Ref(id: try $0.requireID(), displayName: $0.displayName, tier: $0.tier) }
    }

    /// Creates a customer with these identities. The identities must be free (checked by the caller
    /// or by the unique index, which rolls the whole transaction back).
    func create(displayName: String, tier: String, identities: [Identity]) async throws -> Customer {
        let customer = Customer(id: TimeOrderedID.next(at: now), displayName: displayName, tier: tier, createdAt: now)
        try await db.insertRow(
            "customers",
            [
                ("id", customer.id), ("display_name", displayName), ("name_key", customer.nameKey), ("tier", tier),
                ("merged_into_id", nil), ("created_at", now), ("updated_at", now),
            ], deferrable: true)
        customer.$id.exists = true
        for identity in identities {
            try await db.insertRow(
                "identities",
                [
                    ("id", TimeOrderedID.next(at: now)), ("customer_id", customer.id), ("kind", identity.kind.rawValue),
                    ("value", identity.value), ("created_at", now),
                ], deferrable: true)
        }
        return customer
    }

    /// Folds `source` into `target`: identities, cases, timeline and logins move; `source` remembers
    /// where it went. Recorded on the target's timeline and on the audit log.
    func merge(source: Customer, into target: Customer, actor: Actor, reason: String) async throws -> (
        identities: Int, cases: Int
    ) {
        let sourceID = try source.requireID()
        let targetID = try target.requireID()
        let movedIdentities = try await CustomerIdentity.query(on: db).filter(\.$customer.$id == sourceID).count()
        let movedCases = try await SupportCase.query(on: db).filter(\.$customer.$id == sourceID).count()
        for table in ["identities", "cases", "timeline_entries", "users"] {
            try await db.sql.update(table).set("customer_id", to: SQLBind(targetID))
                .where("customer_id", .equal, SQLBind(sourceID)).run()
        }
        // Records merged into the source earlier now point straight at the target.
        try await db.sql.update("customers").set("merged_into_id", to: SQLBind(targetID))
            .where("merged_into_id", .equal, SQLBind(sourceID)).run()
        source.mergedIntoID = targetID
        source.updatedAt = now
        try await source.save(on: db)
        target.updatedAt = now
        try await target.save(on: db)

        let details = [
            "sourceCustomerId": sourceID.uuidString, "sourceName": source.displayName,
            "targetCustomerId": targetID.uuidString, "movedIdentities": String(movedIdentities),
            "movedCases": String(movedCases),
        ]
        let entry = TimelineEntry(
            caseID: nil, customerID: targetID, kind: .merge, direction: .internal, channel: .webForm,
            authorID: actor.id, authorLabel: actor.label,
            body:
                "Merged \(source.displayName) into this customer (\(movedIdentities) identities, \(movedCases) cases): \(reason)",
            occurredAt: now)
        entry.details = AuditLog.encodeDetails(details)
        try await entry.create(on: db)
        try await AuditLog.append(
            on: db, at: now, actor: actor, action: "customer.merged", subjectType: "customer", subjectID: targetID,
            reason: reason, details: details)
        return (movedIdentities, movedCases)
    }
}
