import FairdeskCore
import Fluent
import Foundation
import Logging
import Metrics
import NIOConcurrencyHelpers
import Vapor

/// What a handler tells the worker when it has finished a job.
enum JobOutcome: Sendable {
    /// The job is done and leaves the table.
    case done
    /// A recurring job: run it again at this time.
    case again(at: Date)
}

/// A write that records what a job did (a message sent, a delivery refused).
typealias JobWrite = @Sendable (any Database) async throws -> Void

/// What a job has to record about its work. The worker writes it with the job's completion, in the
/// transaction that closes the job's batch: one turn at the database's writer for a whole batch of
/// emails, instead of one each (on SQLite, every turn is taken from customers' messages waiting to
/// be stored). Outside a worker's batch, each record is written at once.
final class JobRecords: Sendable {
    private let app: Application
    private let writes: NIOLockedValueBox<[JobWrite]>?

    /// Records collected for the worker to write with the batch.
    init(collectingFor app: Application) {
        self.app = app
        self.writes = NIOLockedValueBox([])
    }

    /// Records written at once, each in its own transaction.
    init(writingAtOnceOn app: Application) {
        self.app = app
        self.writes = nil
    }

    func add(_ write: @escaping JobWrite) async throws {
        guard let writes else { return try await app.write(write) }
        writes.withLockedValue { $0.append(write) }
    }

    /// Writes what was collected, on `db` (the batch's closing transaction).
    func write(on db: any Database) async throws {
        for write in writes?.withLockedValue({ $0 }) ?? [] { try await write(db) }
    }
}

/// The work behind one kind of job.
struct JobContext: Sendable {
    var app: Application
    var job: ClaimedJob
    var now: Date
    var logger: Logger
    /// What the job did, written with its completion.
    var records: JobRecords

    /// The job's payload, decoded.
    func payload<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(job.payload.utf8))
    }
}

typealias JobHandler = @Sendable (JobContext) async throws -> JobOutcome

/// A job that always exists once a worker has started, and runs every `interval` seconds.
struct RecurringJob: Sendable {
    var kind: JobKind
    var interval: TimeInterval
}

/// The handlers of every job kind, registered once at start-up.
struct JobHandlers: Sendable {
    private(set) var handlers: [JobKind: JobHandler] = [:]
    private(set) var recurring: [RecurringJob] = []

    mutating func register(_ kind: JobKind, every interval: TimeInterval? = nil, _ handler: @escaping JobHandler) {
        handlers[kind] = handler
        if let interval { recurring.append(RecurringJob(kind: kind, interval: interval)) }
    }

    subscript(kind: JobKind) -> JobHandler? { handlers[kind] }
}

/// Claims due jobs in batches and runs them.
///
/// `fairdesk serve` runs one in-process; `fairdesk worker` runs one on its own. On PostgreSQL any
/// number of processes can run workers against one database: a claim takes rows no one else holds
/// (`FOR UPDATE SKIP LOCKED`), and a lease that runs out hands the job to the next worker.
struct JobWorker: Sendable {
    var app: Application
    var handlers: JobHandlers
    var batchSize: Int
    var lease: TimeInterval
    var pollInterval: Duration

    init(app: Application, batchSize: Int? = nil, lease: TimeInterval = 300, pollInterval: Duration? = nil) {
        self.app = app
        self.handlers = app.fairdesk.jobs
        self.batchSize = batchSize ?? app.fairdesk.config.jobBatchSize
        self.lease = lease
        self.pollInterval = pollInterval ?? .milliseconds(app.fairdesk.config.jobPollMilliseconds)
    }

    /// What one batch did.
    struct BatchResult: Sendable, Equatable {
        var ran = 0
        var failed = 0
        var claimed: Int { ran + failed }
    }

    /// Makes sure each recurring job exists (one row per kind, however many workers start), and
    /// sends mail held while no mail server was configured.
    func scheduleRecurring() async throws {
        let released = try await Outbox.releaseHeld(app: app)
        if released > 0 { app.logger.info("Sending \(released) emails held while no mail server was configured") }
        let now = app.fairdesk.clock.now
        for job in handlers.recurring {
            try await app.write { db in
                try await JobQueue.enqueue(
                    on: db, kind: job.kind, dueAt: now, now: now, dedupeKey: job.kind.rawValue,
                    maxAttempts: Int(Int32.max))
            }
        }
    }

    /// Claims one batch of due jobs, runs them side by side and records each outcome.
    func runOnce() async throws -> BatchResult {
        let now = app.fairdesk.clock.now
        let jobs = try await app.write { db in
            try await JobQueue.claim(on: db, limit: batchSize, now: now, lease: lease)
        }
        if jobs.isEmpty { return BatchResult() }
        let records = jobs.map { _ in JobRecords(collectingFor: app) }
        let outcomes = await withTaskGroup(of: (ClaimedJob, Result<JobOutcome, any Error>).self) { group in
            for (job, records) in zip(jobs, records) {
                group.addTask { (job, await run(job, records: records)) }
            }
            var all: [(ClaimedJob, Result<JobOutcome, any Error>)] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        var result = BatchResult()
        var finished: [ClaimedJob] = []
        var again: [(ClaimedJob, Date)] = []
        var failures: [(ClaimedJob, String)] = []
        for (job, outcome) in outcomes {
            switch outcome {
            case .success(.done): finished.append(job)
            case .success(.again(let at)): again.append((job, at))
            case .failure(let error): failures.append((job, String(describing: error)))
            }
            Counter(
                label: "fairdesk_jobs_total", dimensions: [("kind", job.kind.rawValue), ("outcome", outcome.label)]
            )
            .increment()
        }
        result.ran = finished.count + again.count
        result.failed = failures.count
        let end = app.fairdesk.clock.now
        let close: JobWrite = { [finished, again, failures] db in
            if !finished.isEmpty { try await JobQueue.finish(on: db, finished) }
            for (job, at) in again { try await JobQueue.reschedule(on: db, job, at: at, now: end) }
            for (job, error) in failures { try await JobQueue.fail(on: db, job, error: error, now: end) }
        }
        do {
            try await app.write { db in
                for records in records { try await records.write(on: db) }
                try await close(db)
            }
        } catch {
            // One job's record could not be written: write each job's on its own, so it holds back no other.
            app.logger.warning("A batch of jobs could not be closed in one go: \(String(reflecting: error))")
            for records in records {
                do { try await app.write { db in try await records.write(on: db) } } catch {
                    app.logger.error("A job's record could not be written: \(String(reflecting: error))")
                }
            }
            try await app.write(close)
        }
        for (job, error) in failures {
            app.logger.warning(
                "Job failed",
                metadata: [
                    "kind": .string(job.kind.rawValue), "attempt": "\(job.attempts)",
                    "error": .string(error),
                ])
        }
        return result
    }

    /// Runs batches until nothing is due (for tests and for draining before a stop).
    @discardableResult
    func drain() async throws -> BatchResult {
        var total = BatchResult()
        while true {
            let batch = try await runOnce()
            if batch.claimed == 0 { return total }
            total.ran += batch.ran
            total.failed += batch.failed
        }
    }

    /// Runs until the task is cancelled: a batch, then another at once if the batch was full,
    /// otherwise a short sleep.
    func run() async -> BatchResult {
        var total = BatchResult()
        do { try await scheduleRecurring() } catch {
            app.logger.error("Could not schedule recurring jobs: \(String(reflecting: error))")
        }
        while !Task.isCancelled {
            do {
                let batch = try await runOnce()
                total.ran += batch.ran
                total.failed += batch.failed
                if batch.claimed == batchSize { continue }
            } catch {
                // The database may be restarting; try again after a pause rather than stopping.
                app.logger.error("Job worker could not claim jobs: \(String(reflecting: error))")
                try? await Task.sleep(for: .seconds(2))
            }
            try? await Task.sleep(for: pollInterval)
        }
        return total
    }

    private func run(_ job: ClaimedJob, records: JobRecords) async -> Result<JobOutcome, any Error> {
        guard let handler = handlers[job.kind] else {
            return .failure(UnknownJobKind(kind: job.kind.rawValue))
        }
        var logger = app.logger
        logger[metadataKey: "job"] = .string(job.id.uuidString)
        do {
            let context = JobContext(
                app: app, job: job, now: app.fairdesk.clock.now, logger: logger, records: records)
            return .success(try await handler(context))
        } catch {
            return .failure(error)
        }
    }

    struct UnknownJobKind: Error, CustomStringConvertible {
        var kind: String
        var description: String { "no handler for job kind \"\(kind)\" in this version of Fairdesk" }
    }
}

extension Result where Success == JobOutcome {
    fileprivate var label: String {
        switch self {
        case .success: "done"
        case .failure: "failed"
        }
    }
}
