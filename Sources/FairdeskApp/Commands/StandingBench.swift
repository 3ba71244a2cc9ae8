import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// `fairdesk bench standing`: times drivers' kept standing on the data in the database (seed it
/// with `fairdesk seed-drivers` and count it with `fairdesk drivers recompute` first; see
/// `scripts/bench-standing.sh`). Prints `RESULT name value unit` lines:
/// - `standing_all_seconds`: the numbers and tier of every active driver at once, as the hourly
///   sweep works them out (one grouped query over the counters and one read of the part-days);
/// - `standing_delivery_*`: one new delivered package for one driver through
///   `DriverStandings.receive`, the same call the API makes (checks, the records stored, the
///   driver's days counted again, the audit entry, the standing and any warning, the appeal
///   conditions), in process without HTTP, p50/p99/max over `--rounds` drivers;
/// - `standing_counters_*`: the part of that the counters add (the days found, counted again and
///   the standing read back from them), inside the same kind of transaction;
/// - `standing_sweep_seconds`: `drivers.sweep` itself, warnings and their emails included.
struct StandingBench: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "rounds", help: "New deliveries to time (default 2000)")
        var rounds: Int?
        @Flag(name: "no-sweep", help: "Leave the sweep out (it issues warnings)")
        var noSweep: Bool
    }

    var help: String { "Times drivers' kept standing: everybody at once, one new delivery, the sweep" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let rounds = max(10, signature.rounds ?? 2000)
        let clock = ContinuousClock()
        struct Count: Decodable { var n: Int }
        func count(_ table: String) async throws -> Int {
            try await app.db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first(decoding: Count.self)?.n ?? 0
        }
        let records = try await count("driver_blocks") + count("driver_packages") + count("driver_feedback")
        let rows = try await count(DriverStandingCounters.table)
        let now = app.fairdesk.clock.now

        var began = clock.now
        let drivers = try await DriverStandingCounters.activeDrivers(on: app.db)
        let numbers = try await DriverStandingCounters.numbers(of: drivers, at: now, on: app.db)
        let allSeconds = BenchCommands.seconds(began.duration(to: clock.now))
        var tiers: [String: Int] = [:]
        for (_, standing) in numbers { tiers[standing.tier?.rawValue ?? "none", default: 0] += 1 }
        print(
            "Data: \(drivers.count) active drivers, \(records) records, \(rows) counter rows. Tiers now: "
                + tiers.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        BenchCommands.result("standing_all_seconds", allSeconds, "s")
        guard !drivers.isEmpty else { return }

        // An admin stands for the depot's feed.
        var admin = try await User.query(on: app.db).filter(\.$role == .admin).first()
        if admin == nil {
            let user = User(
                email: "bench-admin@fairdesk.example", name: "Bench admin", role: .admin, passwordHash: "!",
                createdAt: now)
            try await user.save(on: app.db)
            admin = user
        }
        guard let admin else { return }
        let viewer = Viewer(user: admin, userID: try admin.requireID(), queueIDs: [])
        var random = SeededRandom(seed: 11)
        // Ids of this run's own, so a second run on the same database sends new records too.
        let run = UUID().uuidString.prefix(8)
        func delivery(_ round: Int) -> DriverRecordsRequest {
            let start = now.addingTimeInterval(-3 * 3600)
            let at = now.addingTimeInterval(-600)
            let door = DriverRecordsRequest.Position(latitude: 52.5, longitude: 13.4)
            return DriverRecordsRequest(
                blocks: [
                    .init(
                        id: "bench-\(run)-b\(round)", scheduledStart: start,
                        scheduledEnd: start.addingTimeInterval(4 * 3600),
                        status: "accepted", startedAt: nil)
                ],
                packages: [
                    .init(
                        id: "bench-\(run)-p\(round)", blockId: "bench-\(run)-b\(round)", address: door,
                        geofenceRadiusMetres: nil,
                        windowStart: start, windowEnd: start.addingTimeInterval(7200),
                        scans: [.init(id: "s", time: at, position: door, accuracyMetres: 5)],
                        outcome: .init(kind: "delivered", at: at, photoId: nil, reason: nil))
                ], feedback: nil)
        }
        func report(_ name: String, _ times: [Double]) {
            let sorted = times.sorted()
            func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
            BenchCommands.result("\(name)_p50", percentile(0.5), "ms")
            BenchCommands.result("\(name)_p99", percentile(0.99), "ms")
            BenchCommands.result("\(name)_max", sorted.last ?? 0, "ms")
        }

        var times: [Double] = []
        var atRisk = 0
        for round in 0...rounds {
            let driver = drivers[Int(random.next() % UInt64(drivers.count))]
            began = clock.now
            let result = try await app.driverStandings.receive(delivery(round), for: driver.id, by: viewer)
            // The first round warms up and is not counted.
            if round > 0 { times.append(BenchCommands.seconds(began.duration(to: clock.now)) * 1000) }
            if result.tier == StandingTier.atRisk.rawValue { atRisk += 1 }
        }
        print("standing_delivery: \(rounds) deliveries to random drivers, \(atRisk) of them At risk after it")
        report("standing_delivery", times)

        // The counters' own share of a new delivery, timed inside its transaction as `receive`
        // runs it: the records are stored first (not timed), then the counters are brought up to
        // date and the standing read back.
        times = []
        for round in 0...rounds {
            let driver = drivers[Int(random.next() % UInt64(drivers.count))]
            let id = try driver.requireID()
            let used = try await DriverStandings.policy(for: driver, at: now, on: app.db)
            let records = try DriverRecordStore.parse(delivery(rounds + 1 + round), driverID: id.uuidString)
            let day = StandingCounters.day(of: records.packages[0].window.start)
            let took = try await app.write { db in
                try await DriverRecordStore.save(records, driver: id, at: now, on: db)
                let began = clock.now
                _ = try await DriverStandingCounters.refreshAndRead(
                    driver: driver, days: [day, StandingCounters.day(of: records.blocks[0].scheduledStart)],
                    newRecords: records, policy: used, at: now, on: db)
                return BenchCommands.seconds(began.duration(to: clock.now)) * 1000
            }
            if round > 0 { times.append(took) }
        }
        report("standing_counters", times)

        guard !signature.noSweep else { return }
        began = clock.now
        let issued = try await DriverStandings.sweep(app: app)
        let sweepSeconds = BenchCommands.seconds(began.duration(to: clock.now))
        print("standing_sweep: \(issued) warnings issued")
        BenchCommands.result("standing_sweep_seconds", sweepSeconds, "s")
        began = clock.now
        let again = try await DriverStandings.sweep(app: app)
        print("standing_sweep_again: \(again) warnings issued (those At risk are warned already)")
        BenchCommands.result("standing_sweep_again_seconds", BenchCommands.seconds(began.duration(to: clock.now)), "s")
    }
}
