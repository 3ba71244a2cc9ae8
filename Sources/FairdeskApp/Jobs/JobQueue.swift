import Fluent
import Foundation
import SQLKit
import Vapor

/// The kinds of background work. Each names a handler registered with ``JobWorker``.
struct JobKind: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
    var rawValue: String
    init(rawValue: String) { self.rawValue = rawValue }
    init(stringLiteral value: String) { self.rawValue = value }

    /// Does nothing; used to measure the job table itself.
    static let noop: JobKind = "noop"
    /// Checks SLA clocks that have come due: escalations and breaches.
    static let slaSweep: JobKind = "sla.sweep"
    /// Assigns waiting cases to agents with free capacity.
    static let routingAssign: JobKind = "routing.assign"
    /// Delivers one message from the outbox to the mail server.
    static let mailSend: JobKind = "mail.send"
    /// Reminds, escalates and follows up promises whose time has come.
    static let promiseSweep: JobKind = "promise.sweep"
    /// Sends satisfaction surveys whose delay after resolution has passed.
    static let surveySend: JobKind = "survey.send"
    /// POSTs one event to one webhook endpoint.
    static let webhookDeliver: JobKind = "webhook.deliver"
    /// Resolves conversations that went quiet after the bot's answer.
    static let botSweep: JobKind = "bot.sweep"
    /// Looks at every driver's standing again and issues the warnings that have become due.
    static let driversSweep: JobKind = "drivers.sweep"
    /// Tells leads about undecided appeals whose review deadline is near.
    static let appealsEscalate: JobKind = "appeals.escalate"
    /// Judges conditional reinstatements again: closes those met, sends back those failed or past their date.
    static let appealsConditions: JobKind = "appeals.conditions"
    /// Lifts interim suspensions whose time ran out without a full decision.
    static let driversInterim: JobKind = "drivers.interim"
}

/// A job a worker has claimed and holds a lease on.
struct ClaimedJob: Sendable {
    var id: UUID
    var kind: JobKind
    var payload: String
    /// Including this one.
    var attempts: Int
    var maxAttempts: Int
    /// The claim token; only its holder may finish or fail the job.
    var claim: String
}

/// One row of the job table, as admins see it.
struct JobRow: Content {
    var id: UUID
    var kind: String
    var state: String
    var dueAt: Date
    var attempts: Int
    var maxAttempts: Int
    var lastError: String?
    var createdAt: Date
    var updatedAt: Date
}

/// The durable job table (see `docs/jobs.md`).
///
/// A job is `queued` until its due time, `running` while a worker holds its lease (its `due_at` is
/// then the lease's end, so a job whose worker died becomes due again by itself), and deleted once
/// done. A job that keeps failing is retried with a growing back-off and ends `dead`, where admins
/// see it and can retry it.
enum JobQueue {
    /// Back-off before retry `attempt + 1`: 10 s, 20 s, 40 s, … capped at 30 minutes.
    static func backoff(afterAttempt attempt: Int) -> TimeInterval {
        min(10 * pow(2, Double(max(0, attempt - 1))), 1800)
    }

    /// Adds a job. With a `dedupeKey`, at most one such job waits: enqueueing again only moves its
    /// due time earlier, so "check soon" can be asked for any number of times.
    static func enqueue(
        on db: any Database, kind: JobKind, payload: String = "{}", dueAt: Date, now: Date, dedupeKey: String? = nil,
        maxAttempts: Int = 5
    ) async throws {
        var statement: SQLQueryString = """
            INSERT INTO jobs (id, kind, payload, dedupe_key, state, due_at, attempts, max_attempts, created_at, \
            updated_at) VALUES (\(bind: TimeOrderedID.next(at: now)), \(bind: kind.rawValue), \(bind: payload), \
            \(bind: dedupeKey), 'queued', \(bind: dueAt), 0, \(bind: maxAttempts), \(bind: now), \(bind: now))
            """
        if dedupeKey != nil {
            statement += """
                 ON CONFLICT (dedupe_key) DO UPDATE SET due_at = excluded.due_at \
                WHERE jobs.state = 'queued' AND jobs.due_at > excluded.due_at
                """
        }
        try await db.sql.raw(statement).run()
    }

    /// Claims up to `limit` due jobs for `lease` seconds. On PostgreSQL, `FOR UPDATE SKIP LOCKED`
    /// lets any number of workers claim at once without waiting for each other or taking the same
    /// job; on SQLite the caller holds the process's write turn.
    static func claim(on db: any Database, limit: Int, now: Date, lease: TimeInterval) async throws -> [ClaimedJob] {
        struct Claimed: Decodable {
            var id: UUID
            var kind: String
            var payload: String
            var attempts: Int
            var maxAttempts: Int
        }
        let claim = UUID().uuidString
        let lock: SQLQueryString = db.isPostgres ? " FOR UPDATE SKIP LOCKED" : ""
        let rows = try await db.sql.raw(
            """
            UPDATE jobs SET state = 'running', attempts = attempts + 1, due_at = \(bind: now + lease), \
            claim = \(bind: claim), updated_at = \(bind: now) WHERE id IN (SELECT id FROM jobs \
            WHERE state <> 'dead' AND due_at <= \(bind: now) ORDER BY due_at LIMIT \(literal: limit)\(lock)) \
            RETURNING id, kind, payload, attempts, max_attempts
            """
        ).all(decoding: Claimed.self, keyDecodingStrategy: .convertFromSnakeCase)
        return rows.map {
            ClaimedJob(
                id: $0.id, kind: JobKind(rawValue: $0.kind), payload: $0.payload, attempts: $0.attempts,
                maxAttempts: $0.maxAttempts, claim: claim)
        }
    }

    /// Deletes finished jobs, if their claim still holds (a job whose lease ran out belongs to
    /// whoever claimed it next).
    static func finish(on db: any Database, _ jobs: [ClaimedJob]) async throws {
        for (claim, group) in Dictionary(grouping: jobs, by: \.claim) {
            try await db.sql.delete(from: "jobs").where("claim", .equal, claim)
                .where("id", .in, group.map(\.id)).run()
        }
    }

    /// Puts a recurring job back in the queue for its next run.
    static func reschedule(on db: any Database, _ job: ClaimedJob, at due: Date, now: Date) async throws {
        try await db.sql.raw(
            """
            UPDATE jobs SET state = 'queued', due_at = \(bind: due), attempts = 0, claim = NULL, last_error = NULL, \
            updated_at = \(bind: now) WHERE id = \(bind: job.id) AND claim = \(bind: job.claim)
            """
        ).run()
    }

    /// Records a failed attempt: back in the queue after the back-off, or dead after the last attempt.
    static func fail(on db: any Database, _ job: ClaimedJob, error: String, now: Date) async throws {
        let dead = job.attempts >= job.maxAttempts
        let due = now + backoff(afterAttempt: job.attempts)
        try await db.sql.raw(
            """
            UPDATE jobs SET state = \(bind: dead ? "dead" : "queued"), due_at = \(bind: due), claim = NULL, \
            last_error = \(bind: String(error.prefix(2000))), updated_at = \(bind: now) \
            WHERE id = \(bind: job.id) AND claim = \(bind: job.claim)
            """
        ).run()
    }

    /// Gives a dead job a fresh set of attempts, due now. Returns false if no dead job has that id.
    static func retry(on db: any Database, id: UUID, now: Date) async throws -> Bool {
        struct Found: Decodable { var id: UUID }
        let rows = try await db.sql.raw(
            """
            UPDATE jobs SET state = 'queued', due_at = \(bind: now), attempts = 0, claim = NULL, \
            updated_at = \(bind: now) WHERE id = \(bind: id) AND state = 'dead' RETURNING id
            """
        ).all(decoding: Found.self)
        return !rows.isEmpty
    }

    /// How many jobs wait, run and lie dead, by kind.
    static func counts(on db: any Database) async throws -> [JobCount] {
        try await db.sql.raw(
            "SELECT state, kind, COUNT(*) AS count FROM jobs GROUP BY state, kind ORDER BY state, kind"
        ).all(decoding: JobCount.self)
    }

    /// Jobs in one state, oldest change first, a page at a time.
    static func list(on db: any Database, state: String, limit: Int) async throws -> [JobRow] {
        try await db.sql.raw(
            """
            SELECT id, kind, state, due_at, attempts, max_attempts, last_error, created_at, updated_at FROM jobs \
            WHERE state = \(bind: state) ORDER BY updated_at DESC LIMIT \(literal: limit)
            """
        ).all(decoding: JobRow.self, keyDecodingStrategy: .convertFromSnakeCase)
    }
}

/// Jobs of one kind in one state.
struct JobCount: Content {
    var state: String
    var kind: String
    var count: Int
}
