import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// One SLA clock of one case, as stored.
struct StoredClock: Sendable {
    var id: UUID
    var caseID: UUID
    var policy: String
    var calendarID: UUID
    var escalationsTaken: Int
    var clock: SLAClock

    struct Row: Decodable {
        var id: UUID
        var caseId: UUID
        var metric: SLAMetric
        var policy: String
        var calendarId: UUID
        var targetSeconds: Int
        var startedAt: Date
        var consumedSeconds: Int
        var runningSince: Date?
        var dueAt: Date?
        var stoppedAt: Date?
        var breachedAt: Date?
        var escalationsTaken: Int
    }

    init(row: Row) {
        id = row.id
        caseID = row.caseId
        policy = row.policy
        calendarID = row.calendarId
        escalationsTaken = row.escalationsTaken
        clock = SLAClock(
            metric: row.metric, targetSeconds: row.targetSeconds, startedAt: row.startedAt,
            consumedSeconds: row.consumedSeconds, runningSince: row.runningSince, dueAt: row.dueAt,
            stoppedAt: row.stoppedAt, breachedAt: row.breachedAt)
    }

    static func of(caseID: UUID, on db: any Database) async throws -> [StoredClock] {
        try await db.sql.raw("SELECT * FROM sla_clocks WHERE case_id = \(bind: caseID)")
            .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase).map(StoredClock.init(row:))
    }
}

/// Starts, pauses, resumes and stops a case's SLA clocks as the case moves. Runs inside the
/// transaction that changes the case, so a clock always agrees with its case.
///
/// - A new case starts first-response and resolution clocks, by its tier and channel.
/// - A staff reply stops first-response and next-response clocks.
/// - A customer message after the first reply starts a next-response clock.
/// - Pending customer pauses the resolution clock; moving on resumes it.
/// - Resolving or closing stops every clock; reopening starts a new resolution clock.
struct CaseClocks {
    let db: any Database
    let now: Date
    let catalog: ServiceCatalog

    /// Starts a new case's clocks; returns the earliest due time, for routing.
    @discardableResult
    func caseOpened(caseID: UUID, tier: String, channel: ContactChannel) async throws -> Date? {
        var earliest: Date?
        for metric in [SLAMetric.firstResponse, .resolution] {
            if let due = try await start(metric, caseID: caseID, tier: tier, channel: channel, replacing: false) {
                earliest = min(earliest ?? due, due)
            }
        }
        return earliest
    }

    func customerWrote(caseID: UUID, tier: String, channel: ContactChannel) async throws {
        let clocks = try await StoredClock.of(caseID: caseID, on: db)
        let first = clocks.first { $0.clock.metric == .firstResponse }
        // Before the first reply, the first-response clock already covers the wait.
        guard first == nil || first!.clock.isStopped else { return }
        if let next = clocks.first(where: { $0.clock.metric == .nextResponse }), !next.clock.isStopped { return }
        try await start(.nextResponse, caseID: caseID, tier: tier, channel: channel)
    }

    func staffReplied(caseID: UUID) async throws {
        for var stored in try await StoredClock.of(caseID: caseID, on: db)
        where stored.clock.metric != .resolution && !stored.clock.isStopped {
            stored.clock.stop(at: now, calendar: catalog.calendar(stored.calendarID))
            try await save(stored)
        }
    }

    func statusChanged(caseID: UUID, from: CaseStatus, to: CaseStatus, tier: String, channel: ContactChannel)
        async throws
    {
        if !from.isActive && to.isActive {
            try await start(.resolution, caseID: caseID, tier: tier, channel: channel)
            return
        }
        for var stored in try await StoredClock.of(caseID: caseID, on: db) where !stored.clock.isStopped {
            let calendar = catalog.calendar(stored.calendarID)
            if !to.isActive {
                stored.clock.stop(at: now, calendar: calendar)
            } else if stored.clock.metric == .resolution && to == .pendingCustomer {
                stored.clock.pause(at: now, calendar: calendar)
            } else if stored.clock.metric == .resolution && from == .pendingCustomer {
                stored.clock.resume(at: now, calendar: calendar)
            } else {
                continue
            }
            try await save(stored)
        }
    }

    /// Starts (or, `replacing` an earlier one, restarts) one clock, if the tier has a target for it
    /// on this channel. Returns its due time.
    @discardableResult
    func start(
        _ metric: SLAMetric, caseID: UUID, tier: String, channel: ContactChannel, replacing: Bool = true
    ) async throws -> Date? {
        guard let target = catalog.target(tier: tier, channel: channel),
            let minutes = target.targets.minutes(for: metric)
        else { return nil }
        let calendar = catalog.calendar(target.calendarID)
        let clock = SLAClock.start(metric, targetMinutes: minutes, at: now, calendar: calendar)
        let checkAt = catalog.settings.ladder.nextCheck(clock: clock, taken: 0, calendar: calendar)
        if replacing {
            try await db.sql.raw(
                "DELETE FROM sla_clocks WHERE case_id = \(bind: caseID) AND metric = \(bind: metric.rawValue)"
            ).run()
        }
        try await db.insertRow(
            "sla_clocks",
            [
                ("id", TimeOrderedID.next(at: now)), ("case_id", caseID), ("metric", metric.rawValue),
                ("policy", catalog.policyLabel(target)), ("calendar_id", target.calendarID),
                ("target_seconds", clock.targetSeconds), ("started_at", now), ("consumed_seconds", 0),
                ("running_since", clock.runningSince), ("due_at", clock.dueAt), ("stopped_at", nil),
                ("breached_at", nil), ("escalations_taken", 0), ("check_at", checkAt),
            ])
        return clock.dueAt
    }

    /// Writes a clock back, with the next time the SLA worker must look at it.
    func save(_ stored: StoredClock) async throws {
        let calendar = catalog.calendar(stored.calendarID)
        // A stopped clock, or one whose breach is recorded, needs no more checks.
        let checkAt =
            stored.clock.isStopped || stored.clock.breachedAt != nil
            ? nil
            : catalog.settings.ladder.nextCheck(clock: stored.clock, taken: stored.escalationsTaken, calendar: calendar)
        let clock = stored.clock
        try await db.sql.raw(
            """
            UPDATE sla_clocks SET consumed_seconds = \(bind: clock.consumedSeconds), \
            running_since = \(bind: clock.runningSince), due_at = \(bind: clock.dueAt), \
            stopped_at = \(bind: clock.stoppedAt), breached_at = \(bind: clock.breachedAt), \
            escalations_taken = \(bind: stored.escalationsTaken), check_at = \(bind: checkAt) \
            WHERE id = \(bind: stored.id)
            """
        ).run()
    }
}
