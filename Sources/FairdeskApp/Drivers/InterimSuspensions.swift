import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// The `drivers.interim` job: an interim suspension on urgent grounds is only ever allowed for a
/// time (`interim_suspension_business_days`), so when its time runs out and no full decision on the
/// driver followed it, Fairdesk lifts it by itself (`DriverDecision.interimHasLapsed`), audits it
/// and tells the driver on their page and by email.
enum InterimSuspensions {
    /// How often the job looks for interim suspensions that have run out.
    static let interval: TimeInterval = 3600

    /// Lifts up to 200 interim suspensions whose time has run out with no full decision after them and
    /// no lift yet; answers how many it lifted.
    static func lapse(app: Application) async throws -> Int {
        struct IDRow: Decodable { var id: UUID }
        let now = app.fairdesk.clock.now
        // A full decision follows when a later ordinary decision on the driver came before the lapse.
        let due = try await app.db.sql.raw(
            """
            SELECT d.id FROM driver_decisions d WHERE d.interim_until IS NOT NULL \
            AND d.interim_until <= \(bind: now) \
            AND NOT EXISTS (SELECT 1 FROM driver_decision_lifts l WHERE l.decision_id = d.id) \
            AND NOT EXISTS (SELECT 1 FROM driver_decisions f WHERE f.driver_id = d.driver_id \
            AND f.id <> d.id AND f.immediate = \(bind: false) AND f.decided_at >= d.decided_at \
            AND f.decided_at <= d.interim_until) \
            ORDER BY d.interim_until LIMIT 200
            """
        ).all(decoding: IDRow.self).map(\.id)
        var lifted = 0
        for id in due {
            let stored = try await DriverAppeals.decision(id, on: app.db)
            guard stored.decision.interimHasLapsed(at: now), let until = stored.decision.interimUntil else { continue }
            let driver = try await DriverStandings.driver(stored.driverID, on: app.db)
            let reason =
                "the interim suspension ran out on \(PageTime.text(until)) without a full decision, so it ends"
            let done = try await app.write { [app] db in
                guard
                    try await DecisionCorrections.lift(
                        id, driver: stored.driverID, kind: .lapsed, reason: reason, by: .system,
                        policyVersion: stored.row.policyVersion, at: now, on: db)
                else { return false }
                let link = SitePath.myStanding.path
                try await Notifications.send(
                    to: [stored.driverID], caseID: nil, kind: "driver.interim_lapsed",
                    body: "Your interim suspension has ended: no full decision followed it in time.", link: link,
                    at: now, on: db)
                try await Outbox.queue(
                    try await Outbox.recipients([stored.driverID], on: db),
                    subject: "Your interim suspension has ended (\(stored.row.policyVersion))",
                    body: DriverMail.interimLapsed(
                        until: until, decider: stored.decision.decider.name, name: driver.name,
                        link: app.fairdesk.config.publicURL + link),
                    kind: "driver_decision", at: now, on: db)
                return true
            }
            if done { lifted += 1 }
        }
        return lifted
    }
}
