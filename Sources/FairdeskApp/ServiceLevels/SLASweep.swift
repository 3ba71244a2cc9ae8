import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// The SLA worker: looks at the clocks whose next check has come (an escalation step or the due
/// time) and acts. It reads `sla_clocks_by_check` up to "now", so each run costs what is coming
/// due, however many cases are open.
struct SLASweep {
    let db: any Database
    let now: Date
    let catalog: ServiceCatalog
    let config: FairdeskConfig

    /// What one sweep did.
    struct Result: Sendable, Equatable {
        var clocks = 0
        var escalations = 0
        var breaches = 0
    }

    /// Handles up to `limit` due clocks.
    func run(limit: Int = 500) async throws -> Result {
        let due = try await db.sql.raw(
            """
            SELECT * FROM sla_clocks WHERE check_at IS NOT NULL AND check_at <= \(bind: now) \
            ORDER BY check_at LIMIT \(literal: limit)
            """
        ).all(decoding: StoredClock.Row.self).map(StoredClock.init(row:))
        var result = Result()
        let clocks = CaseClocks(db: db, now: now, catalog: catalog)
        for var stored in due {
            result.clocks += 1
            guard let supportCase = try await SupportCase.find(stored.caseID, on: db) else { continue }
            let calendar = catalog.calendar(stored.calendarID)
            let steps = catalog.settings.ladder.dueSteps(
                clock: stored.clock, taken: stored.escalationsTaken, now: now, calendar: calendar)
            for step in steps {
                try await escalate(supportCase, clock: stored, step: step)
                stored.escalationsTaken += 1
                result.escalations += 1
            }
            if let dueAt = stored.clock.dueAt, dueAt <= now, stored.clock.breachedAt == nil {
                stored.clock.breachedAt = dueAt
                try await recordBreach(supportCase, clock: stored)
                result.breaches += 1
            }
            try await clocks.save(stored)
        }
        return result
    }

    private func describe(_ clock: StoredClock) -> String {
        "\(clock.clock.metric.label) target (\(clock.clock.targetSeconds / 60) min, \(clock.policy))"
    }

    private func escalate(_ supportCase: SupportCase, clock: StoredClock, step: EscalationStep) async throws {
        let caseID = try supportCase.requireID()
        let what = "Case \(supportCase.number): \(describe(clock)) is \(step.percentUsed)% used"
        var note = ""
        switch step.action {
        case .notifyOwner:
            if let owner = supportCase.$owner.id {
                try await Notifications.send(
                    to: [owner], caseID: caseID, kind: "sla.at_risk", body: what + ".", at: now, on: db)
                note = "owner notified"
            } else {
                try await Notifications.send(
                    to: Notifications.leads(of: supportCase.$queue.id, on: db), caseID: caseID, kind: "sla.at_risk",
                    body: what + " and nobody owns it.", at: now, on: db)
                note = "nobody owns the case; leads notified"
            }
        case .notifyLead:
            try await Notifications.send(
                to: Notifications.leads(of: supportCase.$queue.id, on: db), caseID: caseID, kind: "sla.escalated",
                body: what + ".", at: now, on: db)
            note = "leads notified"
        case .reassign:
            if supportCase.$owner.id != nil {
                let routing = RoutingService(db: db, now: now, catalog: catalog, config: config)
                let reason = "escalated: \(describe(clock)) is \(step.percentUsed)% used"
                note =
                    try await routing.reassign(supportCase, reason: reason) == nil
                    ? "no other agent free; back on the waiting list" : "reassigned"
            } else {
                note = "waiting for a free agent"
            }
        }
        try await db.insertRow(
            "sla_events",
            [
                ("id", TimeOrderedID.next(at: now)), ("case_id", caseID), ("metric", clock.clock.metric.rawValue),
                ("kind", "escalated"), ("action", step.action.rawValue),
                ("target_minutes", clock.clock.targetSeconds / 60), ("policy", clock.policy),
                ("owner_id", supportCase.$owner.id), ("at", now),
            ])
        let work = CaseWork(db: db, now: now, actor: .system, config: config, catalog: catalog)
        if step.action == .notifyLead { try await work.escalatedToLead(supportCase) }
        try await work.addEntry(
            to: supportCase, kind: .note, direction: .internal, channel: supportCase.channel,
            body: "SLA escalation: \(describe(clock)) is \(step.percentUsed)% used; \(note).",
            details: ["metric": clock.clock.metric.rawValue, "action": step.action.rawValue, "policy": clock.policy])
    }

    private func recordBreach(_ supportCase: SupportCase, clock: StoredClock) async throws {
        let caseID = try supportCase.requireID()
        try await ReportRollups(db: db, timeZone: config.timeZone).record(
            .slaMissed(at: clock.clock.breachedAt!), for: supportCase)
        try await db.insertRow(
            "sla_events",
            [
                ("id", TimeOrderedID.next(at: now)), ("case_id", caseID), ("metric", clock.clock.metric.rawValue),
                ("kind", "breached"), ("action", nil), ("target_minutes", clock.clock.targetSeconds / 60),
                ("policy", clock.policy), ("owner_id", supportCase.$owner.id), ("at", clock.clock.breachedAt!),
            ])
        try await CaseWork(db: db, now: now, actor: .system, config: config, catalog: catalog).addEntry(
            to: supportCase, kind: .note, direction: .internal, channel: supportCase.channel,
            body: "SLA breached: \(describe(clock)).",
            details: ["metric": clock.clock.metric.rawValue, "policy": clock.policy])
        var details = [
            "metric": clock.clock.metric.rawValue, "targetMinutes": String(clock.clock.targetSeconds / 60),
            "number": String(supportCase.number),
        ]
        details["ownerId"] = supportCase.$owner.id?.uuidString
        try await AuditLog.append(
            on: db, at: now, actor: .system, action: "sla.breached", subjectType: "case", subjectID: caseID,
            reason: "\(describe(clock)) passed its due time", details: details, policyVersion: clock.policy)
    }
}

extension SLAMetric {
    /// "First response", "Next response", "Resolution".
    var label: String {
        switch self {
        case .firstResponse: "First response"
        case .nextResponse: "Next response"
        case .resolution: "Resolution"
        }
    }
}
