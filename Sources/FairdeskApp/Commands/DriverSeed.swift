import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// `fairdesk seed-drivers --drivers N --events M`: drivers and their delivery records at benchmark
/// scale, on SQLite. An event is one stored record: a block, a package (with its scans) or a piece
/// of feedback. Each driver works blocks on days spread over `--days` days up to the anchor; a block
/// carries 20 to 40 packages (about 96 % delivered, 3 % undeliverable, 0.5 % returned, 0.5 % still out;
/// about 5 % late, 3 % scanned away from the door), about 6 % of packages get feedback, about 1 % of
/// blocks are excused. Everything is written by the database itself (`INSERT … SELECT` from a
/// number table), a batch of drivers per transaction, with deterministic values from the seed.
/// Each record is written with its facts; the counters are not kept while seeding: run
/// `fairdesk drivers recompute` afterwards.
struct DriverSeed: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "drivers", help: "How many drivers (default 1000)")
        var drivers: Int?
        @Option(name: "events", help: "How many records in all: blocks, packages and feedback (default 500 a driver)")
        var events: Int?
        @Option(name: "days", help: "Days the work is spread over, up to the anchor (default 56)")
        var days: Int?
        @Option(name: "seed", help: "Seed for the values (default 1)")
        var seed: Int?
        @Option(name: "batch", help: "Drivers per transaction (default 2000)")
        var batch: Int?
    }

    var help: String { "Writes drivers and their delivery records at benchmark scale (SQLite)" }

    /// Records a block brings on average: itself, 30 packages, 6 % of them with feedback.
    static let eventsPerBlock = 1 + 30 + 30 * 0.06

    /// The day (`StandingCounters.day`) of a whole number of seconds since 1970 in SQLite.
    static func day(_ seconds: String) -> String { "CAST(\(seconds) / 86400 AS INTEGER)" }

    /// The block statuses that count as missed, as an SQL list.
    static let missed = BlockStatus.allCases.filter(\.countsAsMissed).map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// Undeliverable reasons the driver answers for, as an SQL list.
    static let driversOwn = UndeliverableReason.allCases.filter { !$0.isOutsideDriversControl }.map {
        "'\($0.rawValue)'"
    }.joined(separator: ", ")

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let db = app.db
        guard !db.isPostgres else { throw SeedProblem("seed-drivers writes with SQLite's own SQL; use a SQLite file") }
        let drivers = signature.drivers ?? 1000
        let events = signature.events ?? drivers * 500
        let days = signature.days ?? 56
        let seed = signature.seed ?? 1
        let batch = max(1, signature.batch ?? 2000)
        guard drivers >= 1, events >= drivers, (1...3650).contains(days) else {
            throw SeedProblem("--drivers must be at least 1, --events at least --drivers, --days 1 to 3650")
        }
        // Blocks a driver works on average; the fraction is made up by one block more for that
        // share of drivers, so `--events` is met on average rather than rounded away.
        let averageBlocks = max(1, Double(events) / Double(drivers) / Self.eventsPerBlock)
        let blocksPerDriver = Int(averageBlocks)
        let oneMorePerMille = Int(((averageBlocks - Double(blocksPerDriver)) * 1000).rounded())
        guard blocksPerDriver < 10_000 else { throw SeedProblem("at most 10,000 blocks a driver") }
        let now = app.fairdesk.clock.now
        let anchorDay = StandingCounters.day(of: now)
        let firstDayStart = StandingCounters.start(ofDay: anchorDay - days + 1).timeIntervalSince1970
        struct Count: Decodable { var n: Int }
        let existing =
            try await db.sql.raw("SELECT COUNT(*) AS n FROM users WHERE email LIKE 'driver-%@drivers.fairdesk.example'")
            .first(decoding: Count.self)?.n ?? 0
        context.console.print(
            "Seeding \(drivers) drivers with \(String(format: "%.2f", averageBlocks)) blocks each over \(days) days (about "
                + "\(Int(Double(drivers) * averageBlocks * Self.eventsPerBlock)) records), after \(existing) seeded before…"
        )
        // A plain table, not a temporary one: the batches may run on other pooled connections.
        try await db.sql.raw("CREATE TABLE IF NOT EXISTS seed_numbers (i INTEGER PRIMARY KEY)").run()
        try await db.sql.raw("DELETE FROM seed_numbers").run()
        try await db.sql.raw(
            """
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < \(unsafeRaw: String(max(blocksPerDriver + 1, 64)))) \
            INSERT INTO seed_numbers SELECT i FROM n
            """
        ).run()
        let printer = ProgressPrinter()
        let clock = ContinuousClock()
        let began = clock.now
        // A value 0..<m for item `x`, the same every time for the same seed.
        @Sendable func hash(_ x: String, _ m: Int) -> String {
            "(((\(x)) * 2654435761 + \(seed) * 40503) % 4294967291 % \(m))"
        }
        var done = 0
        while done < drivers {
            let lo = existing + done
            let hi = existing + min(drivers, done + batch)
            try await app.write { db in
                let sql = db.sql
                // Ids are UUIDs in counting order, so every index grows at its end.
                try await sql.raw(
                    """
                    INSERT INTO users (id, email, name, role, password_hash, active, created_at, team, jurisdiction) \
                    SELECT printf('00000000-0000-4000-8000-%012X', i), 'driver-' || i || '@drivers.fairdesk.example', \
                    'Driver ' || i, 'driver', '!', 1, \(unsafeRaw: String(firstDayStart)), '', '' \
                    FROM (WITH RECURSIVE n(i) AS (SELECT \(unsafeRaw: String(lo)) UNION ALL SELECT i + 1 FROM n \
                    WHERE i < \(unsafeRaw: String(hi - 1))) SELECT i FROM n)
                    """
                ).run()
                // Blocks: d is the driver's number, k the block's; ids 00000001-….
                let blockKey = "(d.i * 10000 + k.i)"
                let start =
                    "(\(Int(firstDayStart)) + \(hash(blockKey, days)) * 86400 + (6 + \(hash(blockKey + " + 7", 9))) * 3600)"
                // Each record's facts (`BlockFacts`, `PackageFacts`, `FeedbackFacts`) are worked out by
                // the outer SELECT from the values the inner one makes up.
                try await sql.raw(
                    """
                    INSERT INTO driver_blocks (id, driver_id, record_id, scheduled_start, scheduled_end, status, \
                    started_at, received_at, day, missed) \
                    SELECT id, driver_id, record_id, start, start + 14400, status, NULL, start + 86400, \
                    \(unsafeRaw: Self.day("start")), CASE WHEN status IN (\(unsafeRaw: Self.missed)) THEN 1 ELSE 0 END \
                    FROM (SELECT printf('00000001-0000-4000-8000-%012X', \(unsafeRaw: blockKey)) AS id, \
                    printf('00000000-0000-4000-8000-%012X', d.i) AS driver_id, 'b' || k.i AS record_id, \
                    \(unsafeRaw: start) AS start, \
                    CASE WHEN \(unsafeRaw: hash(blockKey + " + 3", 100)) < 92 THEN 'accepted' \
                    WHEN \(unsafeRaw: hash(blockKey + " + 3", 100)) < 95 THEN 'started_late' \
                    WHEN \(unsafeRaw: hash(blockKey + " + 3", 100)) < 97 THEN 'cancelled_with_notice' \
                    WHEN \(unsafeRaw: hash(blockKey + " + 3", 100)) < 99 THEN 'missed' ELSE 'cancelled_late' END AS status \
                    FROM (WITH RECURSIVE n(i) AS (SELECT \(unsafeRaw: String(lo)) UNION ALL SELECT i + 1 FROM n \
                    WHERE i < \(unsafeRaw: String(hi - 1))) SELECT i FROM n) d \
                    CROSS JOIN seed_numbers k WHERE k.i < \(unsafeRaw: String(blocksPerDriver)) \
                    + CASE WHEN d.i % 1000 < \(unsafeRaw: String(oneMorePerMille)) THEN 1 ELSE 0 END ORDER BY d.i, k.i)
                    """
                ).run()
                // Packages: 20 to 40 a block, each promised a two-hour window inside its block.
                let packageKey = "(b.n * 64 + p.i)"
                let windowStart = "(b.start + \(hash(packageKey, 120)) * 60)"
                let attempt =
                    "(\(windowStart) + 7200 + CASE WHEN \(hash(packageKey + " + 1", 100)) < 5 THEN 600 + \(hash(packageKey + " + 2", 60)) * 60 ELSE -300 - \(hash(packageKey + " + 2", 90)) * 60 END)"
                let lat = "(52.3 + \(hash(packageKey + " + 4", 100000)) / 200000.0)"
                let lon = "(13.1 + \(hash(packageKey + " + 5", 100000)) / 100000.0)"
                let away = "CASE WHEN \(hash(packageKey + " + 6", 100)) < 3 THEN 0.004 ELSE 0.00005 END"
                let kind = hash(packageKey + " + 8", 1000)
                // A seeded package has one scan, right at the attempt, due north of the door by `away`
                // degrees: its distance is the earth's radius times that angle (what the haversine
                // works out to, up to rounding; no seeded scan is near the fence's edge).
                try await sql.raw(
                    """
                    INSERT INTO driver_packages (id, driver_id, record_id, block_id, latitude, longitude, geofence_m, \
                    window_start, window_end, scans, outcome, outcome_at, photo_id, undeliverable_reason, received_at, \
                    day, finished, attempted, late, completion_counted, completion_against, delivered, \
                    scan_seconds, scan_distance_m, scan_credit_m, scans_mixed) \
                    SELECT id, driver_id, record_id, block_id, latitude, longitude, NULL, window_start, window_start + 7200, \
                    CASE WHEN outcome = 'delivered' THEN '[{"id":"s' || n || '","time":' || (outcome_at - 978307200) || \
                    ',"position":{"latitude":' || (latitude + away) || ',"longitude":' || longitude || \
                    '},"accuracyMetres":' || accuracy || '}]' ELSE '[]' END, \
                    outcome, outcome_at, NULL, reason, received_at, \
                    \(unsafeRaw: Self.day("window_start")), CASE WHEN outcome IS NULL THEN 0 ELSE 1 END, \
                    CASE WHEN outcome IN ('delivered', 'undeliverable') THEN 1 ELSE 0 END, \
                    CASE WHEN outcome IN ('delivered', 'undeliverable') AND outcome_at > window_start + 7200 THEN 1 ELSE 0 END, \
                    CASE WHEN outcome IN ('delivered', 'returned') OR reason IN (\(unsafeRaw: Self.driversOwn)) THEN 1 ELSE 0 END, \
                    CASE WHEN outcome = 'returned' OR reason IN (\(unsafeRaw: Self.driversOwn)) THEN 1 ELSE 0 END, \
                    CASE WHEN outcome = 'delivered' THEN 1 ELSE 0 END, \
                    CASE WHEN outcome = 'delivered' THEN 0.0 ELSE NULL END, \
                    CASE WHEN outcome = 'delivered' THEN away * \(unsafeRaw: String(GeoPoint.earthRadiusMetres)) * 3.141592653589793 / 180 \
                    ELSE NULL END, \
                    CASE WHEN outcome = 'delivered' THEN accuracy ELSE NULL END, 0 \
                    FROM (SELECT printf('00000002-0000-4000-8000-%012X', \(unsafeRaw: packageKey)) AS id, b.driver_id AS driver_id, \
                    b.record_id || '-p' || p.i AS record_id, b.record_id AS block_id, p.i AS n, \(unsafeRaw: lat) AS latitude, \
                    \(unsafeRaw: lon) AS longitude, \(unsafeRaw: windowStart) AS window_start, \(unsafeRaw: away) AS away, \
                    3 + \(unsafeRaw: hash(packageKey + " + 9", 30)) AS accuracy, \
                    CASE WHEN \(unsafeRaw: kind) < 960 THEN 'delivered' WHEN \(unsafeRaw: kind) < 990 THEN 'undeliverable' \
                    WHEN \(unsafeRaw: kind) < 995 THEN 'returned' ELSE NULL END AS outcome, \
                    CASE WHEN \(unsafeRaw: kind) < 995 THEN \(unsafeRaw: attempt) ELSE NULL END AS outcome_at, \
                    CASE WHEN \(unsafeRaw: kind) >= 960 AND \(unsafeRaw: kind) < 990 THEN \
                    (CASE \(unsafeRaw: hash(packageKey + " + 10", 4)) WHEN 0 THEN 'recipient_absent' WHEN 1 THEN 'access_denied' \
                    WHEN 2 THEN 'damaged' ELSE 'out_of_time' END) ELSE NULL END AS reason, b.start + 86400 AS received_at \
                    FROM (SELECT driver_id, record_id, scheduled_start AS start, rowid AS n FROM driver_blocks \
                    WHERE driver_id >= printf('00000000-0000-4000-8000-%012X', \(unsafeRaw: String(lo))) \
                    AND driver_id <= printf('00000000-0000-4000-8000-%012X', \(unsafeRaw: String(hi - 1)))) b \
                    CROSS JOIN seed_numbers p WHERE p.i < 20 + \(unsafeRaw: hash("b.n + 12", 21)) \
                    ORDER BY b.driver_id, b.n, p.i)
                    """
                ).run()
                // Feedback on about 6 % of packages with an outcome, up to two days after it.
                let feedbackKey = "pk.rowid"
                try await sql.raw(
                    """
                    INSERT INTO driver_feedback (id, driver_id, record_id, package_id, feedback_at, sentiment, comment, \
                    received_at, day, negative) \
                    SELECT id, driver_id, record_id, package_id, feedback_at, sentiment, NULL, received_at, \
                    \(unsafeRaw: Self.day("feedback_at")), CASE WHEN sentiment = 'negative' THEN 1 ELSE 0 END \
                    FROM (SELECT printf('00000003-0000-4000-8000-%012X', pk.rowid) AS id, pk.driver_id AS driver_id, \
                    pk.record_id || '-f' AS record_id, pk.record_id AS package_id, \
                    pk.outcome_at + \(unsafeRaw: hash(feedbackKey + " + 1", 48)) * 3600 AS feedback_at, \
                    CASE WHEN \(unsafeRaw: hash(feedbackKey + " + 2", 100)) < 88 THEN 'positive' \
                    ELSE 'negative' END AS sentiment, \
                    pk.outcome_at + 172800 AS received_at FROM driver_packages pk \
                    WHERE pk.driver_id >= printf('00000000-0000-4000-8000-%012X', \(unsafeRaw: String(lo))) \
                    AND pk.driver_id <= printf('00000000-0000-4000-8000-%012X', \(unsafeRaw: String(hi - 1))) \
                    AND pk.outcome_at IS NOT NULL AND \(unsafeRaw: hash(feedbackKey, 100)) < 6 ORDER BY pk.driver_id)
                    """
                ).run()
                // About 1 % of blocks excused by the depot's weather feed.
                try await sql.raw(
                    """
                    INSERT INTO driver_excuses (id, driver_id, record_id, code, source, applied_by_id, applied_by_name, \
                    applied_by_role, feed, reason, applied_at, reported_at) \
                    SELECT printf('00000004-0000-4000-8000-%012X', b.rowid), b.driver_id, b.record_id, 'weather', \
                    'depot', NULL, NULL, NULL, 'weather feed', 'Storm warning, routes closed', b.scheduled_start, NULL \
                    FROM driver_blocks b \
                    WHERE b.driver_id >= printf('00000000-0000-4000-8000-%012X', \(unsafeRaw: String(lo))) \
                    AND b.driver_id <= printf('00000000-0000-4000-8000-%012X', \(unsafeRaw: String(hi - 1))) \
                    AND \(unsafeRaw: hash("b.rowid + 11", 100)) = 0
                    """
                ).run()
            }
            done = hi - existing
            printer.report("drivers", done: done, total: drivers)
        }
        try await db.sql.raw("DROP TABLE seed_numbers").run()
        let seconds = BenchCommands.seconds(began.duration(to: clock.now))
        func count(_ table: String) async throws -> Int {
            try await db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first(decoding: Count.self)?.n ?? 0
        }
        let blocks = try await count("driver_blocks")
        let packages = try await count("driver_packages")
        let feedback = try await count("driver_feedback")
        let total = blocks + packages + feedback
        context.console.print(
            String(
                format:
                    "Done in %.1f s: %d drivers; in the database now %d blocks, %d packages, %d feedback = %d records (%.0f records/s). Run `fairdesk drivers recompute` to count them into standing.",
                seconds, drivers, blocks, packages, feedback, total, Double(total) / max(seconds, 0.001)))
    }
}
