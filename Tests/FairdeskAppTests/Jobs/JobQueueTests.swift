import FairdeskCore
import Foundation
import SQLKit
import Testing
import VaporTesting

@testable import FairdeskApp

/// Records which jobs ran, how often.
private final class RunLog: @unchecked Sendable {
    private let lock = NSLock()
    private var runs: [String: Int] = [:]

    func record(_ key: String) { lock.withLock { runs[key, default: 0] += 1 } }
    var counts: [String: Int] { lock.withLock { runs } }
}

private struct Payload: Codable {
    var n: Int
}

@Suite("Durable jobs")
struct JobQueueTests {
    @Test("a job waits for its due time, runs once, then leaves the table")
    func runsWhenDue() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let log = RunLog()
            fd.app.fairdesk.jobs.register("test.record") { context in
                log.record(String(try context.payload(Payload.self).n))
                return .done
            }
            let now = fd.clock.now
            try await fd.app.write { db in
                try await JobQueue.enqueue(
                    on: db, kind: "test.record", payload: #"{"n":7}"#, dueAt: now + 60, now: now)
            }
            let worker = JobWorker(app: fd.app)
            // MUT
            let early = try await worker.drain()
            fd.clock.advance(by: 61)
            let due = try await worker.drain()
            // validate
            #expect(early.claimed == 0)
            #expect(due.ran == 1)
            #expect(log.counts == ["7": 1])
            #expect(try await fd.count("jobs") == 0)
        }
    }

    @Test("a failing job is retried with growing back-off and ends dead, where an admin can retry it")
    func backoffAndDeadLetter() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let log = RunLog()
            struct Boom: Error, CustomStringConvertible { var description: String { "order system said 503" } }
            fd.app.fairdesk.jobs.register("test.flaky") { _ in
                log.record("try")
                throw Boom()
            }
            let now = fd.clock.now
            try await fd.app.write { db in
                try await JobQueue.enqueue(on: db, kind: "test.flaky", dueAt: now, now: now, maxAttempts: 3)
            }
            let worker = JobWorker(app: fd.app)
            // MUT: attempt 1 now, attempt 2 after 10 s, attempt 3 after 20 more.
            #expect(try await worker.drain().failed == 1)
            fd.clock.advance(by: 9)
            #expect(try await worker.drain().claimed == 0)
            fd.clock.advance(by: 1)
            #expect(try await worker.drain().failed == 1)
            fd.clock.advance(by: 19)
            #expect(try await worker.drain().claimed == 0)
            fd.clock.advance(by: 1)
            #expect(try await worker.drain().failed == 1)
            fd.clock.advance(by: 3600)
            #expect(try await worker.drain().claimed == 0)
            // validate: dead, visible to admins with the error, hidden from agents.
            let listed = try await fd.send(.GET, "api/v1/jobs?state=dead", as: fd.admin)
            #expect(listed.status == .ok)
            let overview = try fd.decode(JobsOverviewDTO.self, listed)
            #expect(overview.jobs.count == 1)
            #expect(overview.jobs.first?.attempts == 3)
            #expect(overview.jobs.first?.lastError == "order system said 503")
            #expect(overview.counts.contains { $0.state == "dead" && $0.kind == "test.flaky" && $0.count == 1 })
            #expect(try await fd.send(.GET, "api/v1/jobs", as: fd.agent).status == .forbidden)
            #expect(try await fd.send(.GET, "api/v1/jobs?state=gone", as: fd.admin).status == .unprocessableEntity)

            let id = try #require(overview.jobs.first?.id)
            #expect(try await fd.send(.POST, "api/v1/jobs/\(id)/retry", as: fd.lead).status == .forbidden)
            #expect(try await fd.send(.POST, "api/v1/jobs/\(id)/retry", as: fd.admin).status == .noContent)
            #expect(try await fd.send(.POST, "api/v1/jobs/\(id)/retry", as: fd.admin).status == .notFound)
            #expect(try await worker.drain().failed == 1)
            #expect(log.counts["try"] == 4)
            let audit = try await fd.send(.GET, "api/v1/audit?subjectId=\(id)", as: fd.admin)
            #expect(audit.body.string.contains("job.retried"))
        }
    }

    @Test(
        "what jobs record is written with their batch's completion, and a record that cannot be written holds back no other job's"
    )
    func recordsWithTheBatch() async throws {
        try await TestFairdesk.with { fd in
            // setup: each job records a row of its own; one job's record breaks a rule of the table.
            fd.app.fairdesk.jobs.register("test.note") { context in
                let n = try context.payload(Payload.self).n
                try await context.records.add { db in
                    try await db.sql.raw(
                        "INSERT INTO counters (name, value) VALUES (\(bind: "test-\(n)"), \(bind: n))"
                    ).run()
                }
                if n == 2 {
                    // The same name twice: the unique key refuses it.
                    try await context.records.add { db in
                        try await db.sql.raw("INSERT INTO counters (name, value) VALUES ('test-2', 0)").run()
                    }
                }
                return .done
            }
            let now = fd.clock.now
            try await fd.app.write { db in
                for n in 1...3 {
                    try await JobQueue.enqueue(
                        on: db, kind: "test.note", payload: #"{"n":\#(n)}"#, dueAt: now, now: now)
                }
            }
            // MUT
            let batch = try await JobWorker(app: fd.app).drain()
            // validate: every job ran and left; the sound records are written.
            #expect(batch.ran == 3)
            #expect(try await fd.count("jobs") == 0)
            struct Row: Decodable { var name: String }
            let names = try await fd.app.db.sql.raw(
                "SELECT name FROM counters WHERE name LIKE 'test-%' ORDER BY name"
            ).all(decoding: Row.self).map(\.name)
            #expect(names == ["test-1", "test-3"])
        }
    }

    @Test("a job whose worker died is run again after the lease, and the dead worker cannot finish it")
    func leaseExpiry() async throws {
        try await TestFairdesk.with { fd in
            // setup: a worker claims the job and then vanishes.
            let log = RunLog()
            fd.app.fairdesk.jobs.register("test.record") { _ in
                log.record("ran")
                return .done
            }
            let now = fd.clock.now
            let lost = try await fd.app.write { db in
                try await JobQueue.enqueue(on: db, kind: "test.record", dueAt: now, now: now)
                return try await JobQueue.claim(on: db, limit: 10, now: now, lease: 300)
            }
            #expect(lost.count == 1)
            let worker = JobWorker(app: fd.app)
            // MUT
            let duringLease = try await worker.drain()
            fd.clock.advance(by: 301)
            let afterLease = try await worker.drain()
            // The first worker wakes up and reports failure: it no longer holds the job.
            try await fd.app.write { db in
                try await JobQueue.fail(on: db, lost[0], error: "late", now: fd.clock.now)
            }
            // validate
            #expect(duringLease.claimed == 0)
            #expect(afterLease.ran == 1)
            #expect(log.counts == ["ran": 1])
            #expect(try await fd.count("jobs") == 0)
        }
    }

    @Test("asking for the same keyed job twice keeps one, due at the earlier time")
    func dedupe() async throws {
        try await TestFairdesk.with { fd in
            let now = fd.clock.now
            try await fd.app.write { db in
                try await JobQueue.enqueue(on: db, kind: .noop, dueAt: now + 600, now: now, dedupeKey: "k")
                try await JobQueue.enqueue(on: db, kind: .noop, dueAt: now + 60, now: now, dedupeKey: "k")
                try await JobQueue.enqueue(on: db, kind: .noop, dueAt: now + 900, now: now, dedupeKey: "k")
            }
            #expect(try await fd.count("jobs") == 1)
            let worker = JobWorker(app: fd.app)
            fd.clock.advance(by: 61)
            #expect(try await worker.drain().ran == 1)
        }
    }

    @Test("a recurring job exists once however many workers start, and comes back after each run")
    func recurring() async throws {
        try await TestFairdesk.with { fd in
            let log = RunLog()
            fd.app.fairdesk.jobs.register("test.tick", every: 30) { context in
                log.record("tick")
                return .again(at: context.now + 30)
            }
            let worker = JobWorker(app: fd.app)
            try await worker.scheduleRecurring()
            try await worker.scheduleRecurring()
            #expect(try await worker.drain().ran >= 1)
            let ticks = log.counts["tick"] ?? 0
            #expect(try await worker.drain().claimed == 0)
            fd.clock.advance(by: 30)
            try await worker.drain()
            #expect(log.counts["tick"] == ticks + 1)
            #expect(try await fd.count("jobs") >= 1)
        }
    }

    @Test("several workers at once run every job exactly once")
    func concurrentWorkersNeverDoubleRun() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let log = RunLog()
            fd.app.fairdesk.jobs.register("test.record") { context in
                log.record(String(try context.payload(Payload.self).n))
                return .done
            }
            let now = fd.clock.now
            try await fd.app.write { db in
                for n in 0..<300 {
                    try await JobQueue.enqueue(
                        on: db, kind: "test.record", payload: #"{"n":\#(n)}"#, dueAt: now, now: now)
                }
            }
            // MUT: four workers with small batches race for the same rows.
            let workers = (0..<4).map { _ in JobWorker(app: fd.app, batchSize: 7) }
            let ran = try await withThrowingTaskGroup(of: Int.self) { group in
                for worker in workers { group.addTask { try await worker.drain().ran } }
                return try await group.reduce(0, +)
            }
            // validate
            #expect(ran == 300)
            #expect(log.counts.count == 300)
            #expect(log.counts.values.allSatisfy { $0 == 1 })
            #expect(try await fd.count("jobs") == 0)
        }
    }
}
