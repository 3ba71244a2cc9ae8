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

    /// The customer who owns `identity`, if anyone does.
    func owner(of identity: Identity) async throws -> Customer? {
        guard
            let row = try await CustomerIdentity.query(on: db).filter(\.$kind == identity.kind)
                .filter(\.$value == identity.value).first()
        else { return nil }
        return try await current(row.$customer.id)
    }

    /// Creates a customer with these identities. The identities must be free (checked by the caller
    /// or by the unique index, which rolls the whole transaction back).
    func create(displayName: String, tier: String, identities: [Identity]) async throws -> Customer {
        let customer = Customer(displayName: displayName, tier: tier, createdAt: now)
        try await customer.create(on: db)
        for identity in identities {
            try await CustomerIdentity(customerID: customer.requireID(), identity: identity, createdAt: now).create(
                on: db)
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
