import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// `fairdesk bench routing|sla|jobs|bot|reports`: the measurements behind BENCHMARKS.md (see
/// `scripts/bench-service-levels.sh`). Each prints one `RESULT name value unit` line per figure.
struct BenchCommands: AsyncCommandGroup {
    var help: String { "Measures routing, the SLA worker, the job table, the bot and reports (for BENCHMARKS.md)" }
    var commands: [String: any AnyAsyncCommand] {
        [
            "routing": RoutingBench(), "sla": SLABench(), "jobs": JobsBench(), "bot": BotBench(),
            "reports": ReportBench(), "standing": StandingBench(),
        ]
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func result(_ name: String, _ value: Double, _ unit: String) {
        print(String(format: "RESULT %@ %.3f %@", name, value, unit))
    }

    /// Time of the domain rule that picks an agent, among 10,000 online agents.
    struct RoutingBench: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "agents", help: "Online agents (default 10000)")
            var agents: Int?
            @Option(name: "rounds", help: "Choices to time (default 20000)")
            var rounds: Int?
        }
        var help: String { "Times Router.chooseAgent among many agents" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let count = signature.agents ?? 10_000
            let rounds = signature.rounds ?? 20_000
            var random = SeededRandom(seed: 7)
            let start = Date(timeIntervalSince1970: 1_790_000_000)
            let queues = (0..<20).map { _ in random.uuid() }
            let skills = ["refunds", "german", "french", "vip", "delivery", "billing"]
            let agents = (0..<count).map { index in
                AgentSnapshot(
                    id: random.uuid(), queueIDs: [queues[index % 20], queues[(index * 7) % 20]],
                    skills: Set(skills.filter { _ in random.next() % 2 == 0 }),
                    capacity: [.email: 8, .chat: 3, .phone: 1],
                    load: [.email: Int(random.next() % 8), .chat: Int(random.next() % 3)],
                    availability: random.next() % 10 == 0 ? .away : .available,
                    idleSince: start.addingTimeInterval(-Double(random.next() % 3600)))
            }
            let cases = (0..<1000).map { index in
                WaitingCase(
                    id: random.uuid(), queueID: queues[index % 20], channel: index % 3 == 0 ? .chat : .email,
                    requiredSkills: index % 4 == 0 ? ["refunds"] : [], tierPriority: index % 2 * 10,
                    waitingSince: start, returningAgentID: index % 5 == 0 ? agents[index].id : nil)
            }
            var times: [Double] = []
            times.reserveCapacity(rounds)
            var chosen = 0
            let clock = ContinuousClock()
            for round in 0..<rounds {
                let began = clock.now
                if Router.chooseAgent(for: cases[round % cases.count], among: agents) != nil { chosen += 1 }
                let took = began.duration(to: clock.now)
                times.append(BenchCommands.seconds(took) * 1e6)
            }
            times.sort()
            func percentile(_ p: Double) -> Double { times[min(times.count - 1, Int(Double(times.count) * p))] }
            print("Chose an agent for \(chosen) of \(rounds) cases among \(count) agents.")
            BenchCommands.result("routing_choose_p50", percentile(0.5), "us")
            BenchCommands.result("routing_choose_p99", percentile(0.99), "us")
            BenchCommands.result("routing_choose_max", times.last ?? 0, "us")
        }
    }

    /// One SLA sweep over `--due` clocks coming due, with every open case carrying clocks.
    struct SLABench: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "due", help: "Clocks to bring due (default 1000)")
            var due: Int?
        }
        var help: String { "Gives every open case SLA clocks, brings some due, and times the sweep" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            let due = signature.due ?? 1000
            let now = app.fairdesk.clock.now
            let sql = app.db.sql
            let catalog = try await app.serviceCatalog(on: app.db)
            guard let calendar = catalog.calendars.values.first(where: { $0.calendar.isAlwaysOpen }) else {
                throw BenchProblem(description: "no 24/7 calendar")
            }
            // Every case gets a running resolution clock due within the next 30 days, as if all were open
            // (the demo history is mostly resolved); `due` of them are due now.
            try await sql.raw("DELETE FROM sla_clocks").run()
            struct Count: Decodable { var n: Int }
            let open =
                try await sql.raw(
                    "SELECT COUNT(*) AS n FROM cases"
                ).first(decoding: Count.self)?.n ?? 0
            print("Giving \(open) cases a running resolution clock…")
            let began = ContinuousClock.now
            let future = now.addingTimeInterval(30 * 86400)
            try await app.write { db in
                try await db.sql.raw(
                    """
                    INSERT INTO sla_clocks (id, case_id, metric, policy, calendar_id, target_seconds, started_at, \
                    consumed_seconds, running_since, due_at, stopped_at, breached_at, escalations_taken, check_at) \
                    SELECT id, id, 'resolution', 'bench', \(bind: calendar.id), 2592000, \(bind: now), 0, \
                    \(bind: now), \(bind: future), NULL, NULL, 3, \(bind: future) FROM cases
                    """
                ).run()
                try await db.sql.raw(
                    """
                    UPDATE sla_clocks SET due_at = \(bind: now), check_at = \(bind: now) WHERE id IN \
                    (SELECT id FROM sla_clocks ORDER BY id LIMIT \(literal: due))
                    """
                ).run()
            }
            print("Clocks ready in \(began.duration(to: .now)).")
            let sweepStarted = ContinuousClock.now
            var result = SLASweep.Result()
            while true {
                let batch = try await app.write { db in
                    try await SLASweep(
                        db: db, now: now.addingTimeInterval(1), catalog: catalog, config: app.fairdesk.config
                    )
                    .run()
                }
                result.clocks += batch.clocks
                result.breaches += batch.breaches
                if batch.clocks < 500 { break }
            }
            let took = sweepStarted.duration(to: .now)
            let seconds = BenchCommands.seconds(took)
            print("Swept \(result.clocks) due clocks (\(result.breaches) breaches) among \(open) running in \(took).")
            BenchCommands.result("sla_sweep_open_cases", Double(open), "cases")
            BenchCommands.result("sla_sweep_seconds", seconds, "s")
            BenchCommands.result("sla_sweep_per_clock", seconds * 1000 / Double(max(1, result.clocks)), "ms")
        }
    }

    /// Enqueues no-op jobs and reports how fast the running workers empty the table.
    struct JobsBench: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "count", help: "No-op jobs to enqueue (default 50000)")
            var count: Int?
        }
        var help: String { "Enqueues no-op jobs and times how fast running `fairdesk worker`s finish them" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            let count = signature.count ?? 50_000
            let now = app.fairdesk.clock.now
            let printer = ProgressPrinter()
            // Not due yet: the timing starts once all are in, when they are made due at once.
            let later = now.addingTimeInterval(365 * 86400)
            var made = 0
            while made < count {
                let size = min(1000, count - made)
                try await app.write { db in
                    var statement: SQLQueryString = """
                        INSERT INTO jobs (id, kind, payload, state, due_at, attempts, max_attempts, created_at, \
                        updated_at) VALUES
                        """
                    for index in 0..<size {
                        statement += index == 0 ? " " : ", "
                        statement += """
                            (\(bind: UUID()), 'noop', '{}', 'queued', \(bind: later), 0, 5, \(bind: now), \(bind: now))
                            """
                    }
                    try await db.sql.raw(statement).run()
                }
                made += size
                printer.report("enqueued", done: made, total: count)
            }
            let started = ContinuousClock.now
            try await app.db.sql.raw("UPDATE jobs SET due_at = \(bind: now) WHERE kind = 'noop'").run()
            struct Left: Decodable { var n: Int }
            while true {
                let left =
                    try await app.db.sql.raw("SELECT COUNT(*) AS n FROM jobs WHERE kind = 'noop'")
                    .first(decoding: Left.self)?.n ?? 0
                printer.report("done", done: count - left, total: count)
                if left == 0 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let took = started.duration(to: .now)
            let seconds = BenchCommands.seconds(took)
            print("The workers finished \(count) jobs in \(took).")
            BenchCommands.result("jobs_per_second", Double(count) / seconds, "jobs/s")
        }
    }

    struct BenchProblem: Error, CustomStringConvertible {
        var description: String
    }
}
