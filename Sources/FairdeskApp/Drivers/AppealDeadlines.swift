import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// The `appeals.escalate` job: an undecided appeal whose escalation date has come (`AppealRules.status`
/// says escalated or overdue) is put in front of every lead once, so the driver's written answer is
/// not late for want of someone noticing.
enum AppealDeadlines {
    /// How often the job looks for appeals nearing their deadline.
    static let interval: TimeInterval = 3600

    /// Escalates up to 200 appeals whose escalation date has passed; answers how many it looked at.
    static func escalate(app: Application) async throws -> Int {
        let now = app.fairdesk.clock.now
        let due = try await app.db.sql.raw(
            """
            SELECT id FROM driver_appeals WHERE state <> 'decided' AND escalated_at IS NULL \
            AND escalate_at <= \(bind: now) ORDER BY escalate_at LIMIT 200
            """
        ).all(decoding: IDRow.self).map(\.id)
        for id in due {
            guard let row = try await DriverAppeals.row(id, on: app.db) else { continue }
            let status = AppealRules.status(of: row.appeal, resolution: nil, now: now)
            guard status == .escalated || status == .overdue else { continue }
            try await app.write { db in
                // Marked inside the transaction, so two workers never tell the leads twice.
                guard
                    try await db.sql.raw(
                        """
                        UPDATE driver_appeals SET escalated_at = \(bind: now) WHERE id = \(bind: id) \
                        AND escalated_at IS NULL AND state <> 'decided' RETURNING id
                        """
                    ).first() != nil
                else { return }
                let leads = try await db.sql.raw("SELECT id FROM users WHERE role = 'lead'")
                    .all(decoding: IDRow.self).map(\.id)
                let answer = PageTime.text(row.reviewDueAt)
                try await Notifications.send(
                    to: leads, caseID: nil, kind: "driver.appeal_escalated",
                    body: "An appeal assigned to \(row.reviewerName ?? "nobody") is \(status.rawValue): "
                        + "the written answer is due by \(answer).",
                    link: SitePath.appeal(id).path, at: now, on: db)
                try await AuditLog.append(
                    on: db, at: now, actor: .system, action: "driver.appeal_escalated",
                    subjectType: DriverStandings.auditSubject, subjectID: row.driverId,
                    reason: "the review deadline (\(answer)) is near and the appeal is undecided",
                    details: ["appeal": id.uuidString, "status": status.rawValue, "leads": String(leads.count)],
                    policyVersion: row.policyVersion)
            }
        }
        return due.count
    }

    private struct IDRow: Decodable { var id: UUID }
}
