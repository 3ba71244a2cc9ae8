import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// The promise worker: reminds owners before a promise is due, escalates a promise that came due
/// without being kept (the case reopens, the owner and the leads are alerted, the customer is
/// told), and asks the customer, once a promise was kept, whether everything is now right.
enum PromiseSweep {
    /// How often the job looks for promises that need something.
    static let interval: TimeInterval = 30

    /// Handles every promise whose check time has come; answers how many.
    static func run(app: Application) async throws -> Int {
        let now = app.fairdesk.clock.now
        let due = try await app.db.sql.raw(
            """
            SELECT * FROM promises WHERE check_at IS NOT NULL AND check_at <= \(bind: now) \
            ORDER BY check_at LIMIT 200
            """
        ).all(decoding: PromiseStore.Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        for promise in due {
            if promise.state == "open" {
                if now < promise.dueAt {
                    try await remind(promise, app: app, now: now)
                } else {
                    try await escalate(promise, app: app, now: now)
                }
            } else if promise.followUpSentAt == nil {
                try await followUp(promise, app: app, now: now)
            } else {
                try await app.write { db in
                    try await db.sql.raw("UPDATE promises SET check_at = NULL WHERE id = \(bind: promise.id)").run()
                }
            }
        }
        return due.count
    }

    private static func caseNumber(_ promise: PromiseStore.Row, on db: any Database) async throws -> SupportCase? {
        try await SupportCase.find(promise.caseId, on: db)
    }

    static func remind(_ promise: PromiseStore.Row, app: Application, now: Date) async throws {
        try await app.write { db in
            guard let supportCase = try await caseNumber(promise, on: db) else { return }
            try await Notifications.send(
                to: [promise.ownerId], caseID: promise.caseId, kind: "promise.reminder",
                body: "Case \(supportCase.number): your promise \"\(promise.draft.headline)\" is due "
                    + "\(PageTime.text(promise.dueAt)). Keep it, or tell the customer what is happening.",
                at: now, on: db)
            try await PromiseStore.addEvent(
                promise.id, source: "system", kind: "reminded", note: nil, actorID: nil, at: now, on: db)
            try await db.sql.raw(
                """
                UPDATE promises SET reminded_at = \(bind: now), check_at = \(bind: promise.dueAt) \
                WHERE id = \(bind: promise.id)
                """
            ).run()
        }
    }

    static func escalate(_ promise: PromiseStore.Row, app: Application, now: Date) async throws {
        let events = try await app.write { db -> [LiveEvent] in
            guard let supportCase = try await caseNumber(promise, on: db) else { return [] }
            let work = try await app.caseWork(on: db, actor: .system)
            let reason = "the promise \"\(promise.draft.headline)\" came due without being kept"
            // A case waiting on someone, or resolved, is worked again; a closed case stays closed and
            // the alerts below reach the people who can act.
            if [.resolved, .pendingCustomer, .pendingInternal].contains(supportCase.status) {
                try await work.changeStatus(supportCase, to: .open, reason: reason, automatic: true)
            }
            let ownerName = try await User.find(promise.ownerId, on: db)?.name ?? "Your agent"
            let told =
                "We promised you \(promise.draft.headline) by \(PageTime.text(promise.dueAt)), and it has "
                + "not happened yet. We are sorry. \(ownerName) and a team lead have been alerted and will write "
                + "to you with what happens next."
            let entry = try await work.addEntry(
                to: supportCase, kind: .message, direction: .outbound, channel: supportCase.channel, body: told,
                details: ["promiseId": promise.id.uuidString])
            try await CustomerMail.send(
                about: supportCase, subject: "About our promise", body: "Hello,\n\n\(told)", kind: "promise.broken",
                at: now, on: db)
            let leads = try await Notifications.leads(of: supportCase.$queue.id, on: db)
            try await Notifications.send(
                to: [promise.ownerId] + leads, caseID: promise.caseId, kind: "promise.broken",
                body: "Case \(supportCase.number): the promise \"\(promise.draft.headline)\" was due "
                    + "\(PageTime.text(promise.dueAt)) and is not kept. The case is open again.",
                at: now, on: db)
            try await PromiseStore.addEvent(
                promise.id, source: "system", kind: "escalated", note: reason, actorID: nil, at: now, on: db)
            try await work.escalatedToLead(supportCase)
            try await work.rollups.record(.promiseBroken(dueAt: promise.dueAt), for: supportCase)
            try await db.sql.raw(
                "UPDATE promises SET escalated_at = \(bind: now), check_at = NULL WHERE id = \(bind: promise.id)"
            ).run()
            try await Webhooks.emit(
                .promiseDue,
                data: PromiseDueData(
                    promiseId: promise.id, caseId: promise.caseId, caseNumber: supportCase.number,
                    kind: promise.draft.kind.rawValue, headline: promise.draft.headline, dueAt: promise.dueAt,
                    ownerId: promise.ownerId, policy: promise.policy),
                at: now, on: db)
            try await AuditLog.append(
                on: db, at: now, actor: .system, action: "promise.broken", subjectType: "promise",
                subjectID: promise.id, reason: reason,
                details: ["case": String(supportCase.number), "owner": promise.ownerId.uuidString],
                policyVersion: promise.policy)
            return [
                LiveEvent(kind: .supportCase, supportCase: supportCase),
                LiveEvent(kind: .entry, supportCase: supportCase, entry: entry),
            ]
        }
        await app.fairdesk.live.publish(events)
    }

    static func followUp(_ promise: PromiseStore.Row, app: Application, now: Date) async throws {
        let token = Secrets.token(prefix: "")
        let link = app.fairdesk.config.publicURL + SitePath.promiseFollowUp(token).path
        let events = try await app.write { db -> [LiveEvent] in
            guard let supportCase = try await caseNumber(promise, on: db) else { return [] }
            let asked =
                "We have kept our promise: \(promise.draft.headline). Is everything now right? Please tell us here: \(link)"
            let entry = try await app.caseWork(on: db, actor: .system).addEntry(
                to: supportCase, kind: .message, direction: .outbound, channel: supportCase.channel, body: asked,
                details: ["promiseId": promise.id.uuidString])
            try await CustomerMail.send(
                about: supportCase, subject: "Is everything now right?", body: "Hello,\n\n\(asked)",
                kind: "promise.follow_up", at: now, on: db)
            try await PromiseStore.addEvent(
                promise.id, source: "system", kind: "follow_up_sent", note: nil, actorID: nil, at: now, on: db)
            try await db.sql.raw(
                """
                UPDATE promises SET follow_up_sent_at = \(bind: now), \
                follow_up_token_hash = \(bind: AuditLog.sha256(token)), check_at = NULL WHERE id = \(bind: promise.id)
                """
            ).run()
            return [LiveEvent(kind: .entry, supportCase: supportCase, entry: entry)]
        }
        await app.fairdesk.live.publish(events)
    }
}
