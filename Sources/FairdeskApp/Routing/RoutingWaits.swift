import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// The cases waiting for an agent: active, in a queue, with no owner. The router reads only this
/// table, so its cost follows the waiting cases, not all cases.
struct RoutingWaits {
    let db: any Database
    let now: Date
    let catalog: ServiceCatalog

    /// Puts the case on the waiting list if it is active, not waiting on the customer, not with the bot,
    /// and has no owner; takes it off otherwise.
    /// A case that was already waiting keeps its place (its original waiting time).
    /// `dueAt` is the case's earliest SLA due time when the caller knows it (it is read otherwise);
    /// a `newCustomer` has no other case, so no agent to return to. A `newCase` (opened in this
    /// transaction) has no row yet, so its row may wait for a batch's single write (see ``DeferredWrites``).
    func sync(_ supportCase: SupportCase, dueAt known: Date? = nil, newCustomer: Bool = false, newCase: Bool = false)
        async throws
    {
        let caseID = try supportCase.requireID()
        guard supportCase.status.isActive, supportCase.status != .pendingCustomer, supportCase.$owner.id == nil,
            !supportCase.withBot
        else {
            try await remove(caseID)
            return
        }
        struct Due: Decodable { var dueAt: Date? }
        let due: Date? =
            if let known { known } else {
                try await db.sql.raw(
                    """
                    SELECT MIN(due_at) AS due_at FROM sla_clocks WHERE case_id = \(bind: caseID) \
                    AND stopped_at IS NULL
                    """
                ).first(decoding: Due.self, keyDecodingStrategy: .convertFromSnakeCase)?.dueAt
            }
        struct Owner: Decodable { var ownerId: UUID }
        // "The agent who last owned their open case": the customer's other active case with an owner.
        let returning: UUID? =
            if newCustomer { nil } else {
                try await db.sql.raw(
                    """
                    SELECT owner_id FROM cases WHERE customer_id = \(bind: supportCase.$customer.id) \
                    AND owner_id IS NOT NULL AND id <> \(bind: caseID) \
                    AND status IN ('new', 'open', 'pending_customer', 'pending_internal') \
                    ORDER BY last_activity_at DESC LIMIT 1
                    """
                ).first(decoding: Owner.self, keyDecodingStrategy: .convertFromSnakeCase)?.ownerId
            }
        let priority = catalog.tier(supportCase.tier)?.priority ?? 0
        let row: [(String, (any Encodable & Sendable)?)] = [
            ("id", caseID), ("case_id", caseID), ("queue_id", supportCase.$queue.id),
            ("channel", supportCase.channel.rawValue), ("tier_key", supportCase.tier), ("tier_priority", priority),
            ("waiting_since", now), ("due_at", due), ("frustrated", supportCase.frustrated),
            ("returning_agent_id", returning),
        ]
        // A case already waiting keeps its place (`waiting_since`) and the agent it may return to.
        try await db.insertRow(
            "routing_waits", row, deferrable: newCase,
            onConflict: newCase ? nil : (key: "case_id", update: ["queue_id", "due_at", "frustrated", "tier_priority"]))
    }

    func remove(_ caseID: UUID) async throws {
        try await db.sql.raw("DELETE FROM routing_waits WHERE case_id = \(bind: caseID)").run()
    }
}
