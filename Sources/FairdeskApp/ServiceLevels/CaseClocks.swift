import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// A clock a change stopped. `breachedAtStop` says stopping it found it past due before the SLA
/// worker had recorded the breach, so nobody has counted its miss yet.
struct StoppedClock: Sendable {
    var stored: StoredClock
    var breachedAtStop: Bool
}

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

        // Spelt out rather than `.convertFromSnakeCase`, which converts every key of every row.
        enum CodingKeys: String, CodingKey {
            case id, metric, policy
            case caseId = "case_id"
            case calendarId = "calendar_id"
            case targetSeconds = "target_seconds"
            case startedAt = "started_at"
            case consumedSeconds = "consumed_seconds"
            case runningSince = "running_since"
            case dueAt = "due_at"
            case stoppedAt = "stopped_at"
            case breachedAt = "breached_at"
            case escalationsTaken = "escalations_taken"
        }
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
            .all(decoding: Row.self).map(StoredClock.init(row:))
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

    /// Starts a new case's clocks; returns the earliest due time, for routing. `deferrable`: the
    /// caller reads no clock of the case afterwards (see ``DeferredWrites``).
    @discardableResult
    func caseOpened(caseID: UUID, tier: String, channel: ContactChannel, deferrable: Bool = false) async throws
        -> Date?
    {
        let rows = [SLAMetric.firstResponse, .resolution].compactMap {
            newClock($0, caseID: caseID, tier: tier, channel: channel)
        }
        // One statement for both clocks: this runs for every new case.
        try await db.insertRows("sla_clocks", columns: Self.columns, rows.map(\.values), deferrable: deferrable)
        return rows.compactMap(\.dueAt).min()
    }

    /// The bot handed the conversation to a person: the response and resolution targets run from now,
    /// replacing any clock a reopening started, since the customer waits for a person only from here.
    func handedOver(caseID: UUID, tier: String, channel: ContactChannel) async throws -> Date? {
        try await db.sql.raw(
            "DELETE FROM sla_clocks WHERE case_id = \(bind: caseID) AND metric IN ('first_response', 'resolution')"
        ).run()
        return try await caseOpened(caseID: caseID, tier: tier, channel: channel)
    }

    func customerWrote(caseID: UUID, tier: String, channel: ContactChannel) async throws {
        let clocks = try await StoredClock.of(caseID: caseID, on: db)
        let first = clocks.first { $0.clock.metric == .firstResponse }
        // Before the first reply, the first-response clock already covers the wait.
        guard first == nil || first!.clock.isStopped else { return }
        if let next = clocks.first(where: { $0.clock.metric == .nextResponse }), !next.clock.isStopped { return }
        try await start(.nextResponse, caseID: caseID, tier: tier, channel: channel)
    }

    /// Stops the response clocks; answers the clocks it stopped.
    @discardableResult
    func staffReplied(caseID: UUID) async throws -> [StoppedClock] {
        var stopped: [StoppedClock] = []
        for var stored in try await StoredClock.of(caseID: caseID, on: db)
        where stored.clock.metric != .resolution && !stored.clock.isStopped {
            let wasBreached = stored.clock.breachedAt != nil
            stored.clock.stop(at: now, calendar: catalog.calendar(stored.calendarID))
            try await save(stored)
            stopped.append(StoppedClock(stored: stored, breachedAtStop: !wasBreached && stored.clock.breachedAt != nil))
        }
        return stopped
    }

    /// Moves the clocks along with the case's status; answers the clocks it stopped.
    @discardableResult
    func statusChanged(caseID: UUID, from: CaseStatus, to: CaseStatus, tier: String, channel: ContactChannel)
        async throws -> [StoppedClock]
    {
        if !from.isActive && to.isActive {
            try await start(.resolution, caseID: caseID, tier: tier, channel: channel)
            return []
        }
        var stopped: [StoppedClock] = []
        for var stored in try await StoredClock.of(caseID: caseID, on: db) where !stored.clock.isStopped {
            let calendar = catalog.calendar(stored.calendarID)
            if !to.isActive {
                let wasBreached = stored.clock.breachedAt != nil
                stored.clock.stop(at: now, calendar: calendar)
                stopped.append(
                    StoppedClock(stored: stored, breachedAtStop: !wasBreached && stored.clock.breachedAt != nil))
            } else if stored.clock.metric == .resolution && to == .pendingCustomer {
                stored.clock.pause(at: now, calendar: calendar)
            } else if stored.clock.metric == .resolution && from == .pendingCustomer {
                stored.clock.resume(at: now, calendar: calendar)
            } else {
                continue
            }
            try await save(stored)
        }
        return stopped
    }

    /// Starts (or restarts) one clock, if the tier has a target for it on this channel.
    func start(_ metric: SLAMetric, caseID: UUID, tier: String, channel: ContactChannel) async throws {
        guard let row = newClock(metric, caseID: caseID, tier: tier, channel: channel) else { return }
        try await db.sql.raw(
            "DELETE FROM sla_clocks WHERE case_id = \(bind: caseID) AND metric = \(bind: metric.rawValue)"
        ).run()
        try await db.insertRows("sla_clocks", columns: Self.columns, [row.values])
    }

    private static let columns = [
        "id", "case_id", "metric", "policy", "calendar_id", "target_seconds", "started_at", "consumed_seconds",
        "running_since", "due_at", "stopped_at", "breached_at", "escalations_taken", "check_at",
    ]

    /// The row of a clock starting now, if the tier has a target for it on this channel.
    private func newClock(_ metric: SLAMetric, caseID: UUID, tier: String, channel: ContactChannel)
        -> (values: [(any Encodable & Sendable)?], dueAt: Date?)?
    {
        guard let target = catalog.target(tier: tier, channel: channel),
            let minutes = target.targets.minutes(for: metric)
        else { return nil }
        let calendar = catalog.calendar(target.calendarID)
        let clock = SLAClock.start(metric, targetMinutes: minutes, at: now, calendar: calendar)
        let checkAt = catalog.settings.ladder.nextCheck(clock: clock, taken: 0, calendar: calendar)
        let values: [(any Encodable & Sendable)?] = [
            TimeOrderedID.next(at: now), caseID, metric.rawValue, catalog.policyLabel(target), target.calendarID,
            clock.targetSeconds, now, 0, clock.runningSince, clock.dueAt, nil, nil, 0, checkAt,
        ]
        return (values, clock.dueAt)
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
