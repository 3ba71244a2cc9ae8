import FairdeskCore
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// Drivers' standing kept as it happens, in `driver_standing_days`: one row per driver and UTC day
/// with the five metrics' counts (`StandingCounters` in the domain decides them). Whatever changes a
/// driver's records (records received or re-sent, an excuse, a record overturned on appeal, a
/// dispute found against the driver) calls `refresh` for the days it touched, inside its own
/// transaction, so the counters never disagree with the records. Reading a standing adds up the
/// window's whole days and judges the records of its two part-days afresh.
///
/// A row remembers the scan rule it judged scans with (radius and tolerance); a row judged under
/// another rule than the driver's policy now sets is not trusted, and that driver's standing is
/// worked out from the records until `fairdesk drivers recompute` runs.
enum DriverStandingCounters {
    static let table = "driver_standing_days"

    /// The count columns, in `StandingCounts.order`, each metric's counted, against and excused.
    static let countColumns: [String] = StandingCounts.order.flatMap { kind in
        ["\(prefix(kind))_counted", "\(prefix(kind))_against", "\(prefix(kind))_excused"]
    }

    static func prefix(_ kind: MetricKind) -> String {
        switch kind {
        case .onTime: "on_time"
        case .completion: "completion"
        case .missedBlocks: "blocks"
        case .scanCompliance: "scans"
        case .customerFeedback: "feedback"
        }
    }

    // MARK: Keeping

    /// Counts `days` of `driver` again from their records, under the scan rule of the policy that
    /// binds them at `now`. Call inside the transaction that changed the records.
    static func refresh(driver: User, days: Set<Int>, at now: Date, on db: any Database) async throws {
        guard !days.isEmpty else { return }
        let used = try await DriverStandings.policy(for: driver, at: now, on: db)
        try await refresh(driver: try driver.requireID(), days: days, scanRule: ScanRule(used.policy), on: db)
    }

    /// Counts `days` of `driver` again from their records under `scanRule`.
    /// `onlyGained`: no record left any of `days` (new records only), so each day's row is replaced
    /// by its new count, with no need to delete it first.
    static func refresh(
        driver: UUID, days: Set<Int>, scanRule: ScanRule, needs known: StandingCountSQL.Needs? = nil,
        onlyGained: Bool = false, on db: any Database
    ) async throws {
        guard !days.isEmpty else { return }
        let needs: StandingCountSQL.Needs
        if let known { needs = known } else { needs = try await .of(driver, on: db.sql) }
        let sorted = days.sorted()
        // 500 days a statement keeps the bound values well under SQLite's limit.
        for start in stride(from: 0, to: sorted.count, by: 500) {
            let chunk = Array(sorted[start..<min(start + 500, sorted.count)])
            if !onlyGained { try await delete(driver: driver, days: chunk, on: db) }
            try await StandingCountSQL.add(
                StandingCountSQL.all(.days(chunk, of: driver), rule: scanRule, needs: needs), rule: scanRule,
                replacing: onlyGained, on: db.sql)
        }
    }

    /// Brings `days` of `driver` up to date and reads their standing back: what a delivery that
    /// just arrived runs.
    ///
    /// `newRecords`, when every record that changed is new (none was re-sent), lets the counters
    /// be kept incrementally: unless the driver has an excuse (which could reach a new package
    /// through its block, or new feedback through its package), what the new records count is
    /// worked out in Swift (`StandingCounters.days`) and added to their days' rows in one
    /// statement. Otherwise the days are counted again by the database. Either way the window is
    /// then read back in one query, its part-days counted on the spot.
    static func refreshAndRead(
        driver: User, days: Set<Int>, newRecords: DriverRecords? = nil, policy used: DriverStandings.PolicyUsed,
        at now: Date, on db: any Database
    ) async throws -> StandingNumbers {
        let id = try driver.requireID()
        let scanRule = ScanRule(used.policy)
        let needs = try await StandingCountSQL.Needs.of(id, on: db.sql)
        if let newRecords, !needs.excuses {
            try await addNew(newRecords, driver: id, scanRule: scanRule, on: db)
        } else {
            try await refresh(
                driver: id, days: days, scanRule: scanRule, needs: needs, onlyGained: newRecords != nil, on: db)
        }
        return try await numbers(of: driver, policy: used, at: now, needs: needs, on: db).0
    }

    /// Adds what `records` (all new, none excused) count to their days' rows: a day without a row
    /// gets one; a row judged under another scan rule is left as it is, since its driver's
    /// standing is read from the records until `fairdesk drivers recompute` runs.
    private static func addNew(_ records: DriverRecords, driver: UUID, scanRule: ScanRule, on db: any Database)
        async throws
    {
        let counted = StandingCounters.days(of: driver.uuidString, records: records, scanRule: scanRule)
            .sorted { $0.key < $1.key }
        // 19 values a day: 1,000 days a statement stays under SQLite's 32,766 bound values.
        for start in stride(from: 0, to: counted.count, by: 1000) {
            var query: SQLQueryString = "INSERT INTO \(unsafeRaw: table) (driver_id, day"
            for column in countColumns { query += ", \(unsafeRaw: column)" }
            query += ", geofence_m, tolerance_s) VALUES "
            for (index, (day, counts)) in counted[start..<min(start + 1000, counted.count)].enumerated() {
                query += index == 0 ? "(" : ", ("
                query += "\(bind: driver), \(bind: day)"
                for kind in StandingCounts.order {
                    let count = counts[kind]
                    query += ", \(bind: count.counted), \(bind: count.against), \(bind: count.excused)"
                }
                query += ", \(bind: scanRule.defaultRadiusMetres), \(bind: scanRule.toleranceSeconds))"
            }
            query += " "
            query += StandingCountSQL.onConflict(.addUnderSameRule)
            try await db.sql.raw(query).run()
        }
    }

    /// Removes the counter rows of `days` of `driver`.
    private static func delete(driver: UUID, days: [Int], on db: any Database) async throws {
        var query: SQLQueryString = "DELETE FROM \(ident: table) WHERE driver_id = \(bind: driver) AND day IN ("
        for (index, day) in days.enumerated() { query += index == 0 ? "\(bind: day)" : ", \(bind: day)" }
        query += ")"
        try await db.sql.raw(query).run()
    }

    /// The days whose counts depend on any of the records `ids` of `driver`: the records' own days,
    /// and, because an excuse on a block covers its packages and their feedback and one on a package
    /// covers its feedback, the days of those too. Call before a change (for the days records leave)
    /// and after it (for the days they arrive in).
    static func days(touching ids: [String], driver: UUID, on db: any Database) async throws -> Set<Int> {
        var days: Set<Int> = []
        let unique = Array(Set(ids))
        for start in stride(from: 0, to: unique.count, by: 300) {
            let chunk = unique[start..<min(start + 300, unique.count)]
            let list = DriverRecordStore.binds(chunk)
            var query: SQLQueryString =
                "SELECT scheduled_start AS at FROM driver_blocks WHERE driver_id = \(bind: driver) AND record_id IN ("
            query += list
            query +=
                ") UNION ALL SELECT window_start AS at FROM driver_packages WHERE driver_id = \(bind: driver) AND (record_id IN ("
            query += list
            query += ") OR block_id IN ("
            query += list
            query +=
                ")) UNION ALL SELECT feedback_at AS at FROM driver_feedback WHERE driver_id = \(bind: driver) AND (record_id IN ("
            query += list
            query += ") OR package_id IN ("
            query += list
            query +=
                ") OR package_id IN (SELECT record_id FROM driver_packages WHERE driver_id = \(bind: driver) AND block_id IN ("
            query += list
            query += ")))"
            for row in try await db.sql.raw(query).all() {
                days.insert(StandingCounters.day(of: try row.decode(column: "at", as: Date.self)))
            }
        }
        return days
    }

    // MARK: Reading

    /// The numbers and tier of `driver` at `now`, in one query: the kept counters of the window's
    /// whole days, and the records of its part-days counted on the spot by the database
    /// (`StandingCountSQL`); from every record, in Swift, when a counted day was judged under
    /// another scan rule.
    static func numbers(
        of driver: User, policy: DriverStandings.PolicyUsed? = nil, at now: Date,
        needs known: StandingCountSQL.Needs? = nil, on db: any Database
    ) async throws -> (StandingNumbers, DriverStandings.PolicyUsed) {
        let used: DriverStandings.PolicyUsed
        if let policy { used = policy } else { used = try await DriverStandings.policy(for: driver, at: now, on: db) }
        let id = try driver.requireID()
        let window = StandingRules.window(policy: used.policy, now: now)
        let split = StandingCounters.split(window)
        let scanRule = ScanRule(used.policy)
        // The kept rows of the whole days (named: the query sums by these names), then the
        // part-days' records one row each (`StandingCountSQL.rows`).
        var kept: SQLQueryString =
            """
            SELECT CASE WHEN geofence_m = \(bind: scanRule.defaultRadiusMetres) \
            AND tolerance_s = \(bind: scanRule.toleranceSeconds) THEN 0 ELSE 1 END AS stale
            """
        for column in countColumns { kept += ", \(unsafeRaw: column)" }
        kept += " FROM \(unsafeRaw: table) WHERE "
        if let days = split.wholeDays {
            kept += "driver_id = \(bind: id) AND day >= \(bind: days.lowerBound) AND day <= \(bind: days.upperBound)"
        } else {
            kept += "1 = 0"
        }
        var pieces = [kept]
        if !split.parts.isEmpty {
            let needs: StandingCountSQL.Needs
            if let known { needs = known } else { needs = try await .of(id, on: db.sql) }
            pieces += StandingCountSQL.rows(.intervals(split.parts, of: id), rule: scanRule, needs: needs)
        }
        var counts = StandingCounts()
        if !pieces.isEmpty {
            var query: SQLQueryString = "SELECT "
            for column in countColumns {
                query += "CAST(COALESCE(SUM(\(unsafeRaw: column)), 0) AS BIGINT) AS \(unsafeRaw: column), "
            }
            query += "CAST(COALESCE(SUM(stale), 0) AS BIGINT) AS stale FROM ("
            query += StandingCountSQL.unionAll(pieces)
            query += ") AS window_counts"
            if let row = try await db.sql.raw(query).first() {
                if try row.decode(column: "stale", as: Int.self) > 0 {
                    let records = try await DriverRecordStore.records(of: id, in: [window], on: db)
                    let standing = StandingRules.standing(
                        of: id.uuidString, records: records, policy: used.policy, now: now)
                    return (StandingNumbers(standing), used)
                }
                counts = try Self.counts(row)
            }
        }
        return (
            StandingNumbers(
                driverID: id.uuidString, window: window, counts: counts, judgement: used.policy.tierRule.judge(counts),
                policyVersion: used.policy.version), used
        )
    }

    /// The counts of a row holding every count column.
    static func counts(_ row: any SQLRow) throws -> StandingCounts {
        var counts = StandingCounts()
        var index = 0
        for kind in StandingCounts.order {
            func value(_ offset: Int) throws -> Int {
                try row.decode(column: countColumns[index + offset], as: Int.self)
            }
            counts[kind] = MetricCount(kind: kind, counted: try value(0), against: try value(1), excused: try value(2))
            index += 3
        }
        return counts
    }

    // MARK: Every driver

    /// Every active driver with what decides their policy (id, team, jurisdiction), read without
    /// the rest of the account.
    static func activeDrivers(on db: any Database) async throws -> [User] {
        try await db.sql.raw(
            """
            SELECT id, team, jurisdiction FROM users WHERE role = \(bind: Role.driver.rawValue) \
            AND active = \(bind: true) ORDER BY id
            """
        ).all().map { row in
            let user = User()
            user.id = try row.decode(column: "id", as: UUID.self)
            user.role = .driver
            user.active = true
            user.team = try row.decode(column: "team", as: String.self)
            user.jurisdiction = try row.decode(column: "jurisdiction", as: String.self)
            return user
        }
    }

    /// The numbers and tier of every driver in `drivers` at `now`: one grouped query over the
    /// counters per window length, one read of every driver's records in the part-days, and the
    /// records of a driver only when their counters were judged under another scan rule.
    static func numbers(of drivers: [User], at now: Date, on db: any Database) async throws -> [UUID: StandingNumbers] {
        // A policy binds by role, team and jurisdiction: look it up once per team and jurisdiction.
        var policies: [String: DriverStandings.PolicyUsed] = [:]
        var byWindow: [Int: [(User, DriverPolicy)]] = [:]
        for driver in drivers {
            let key = driver.team + "\u{1F}" + driver.jurisdiction
            if policies[key] == nil { policies[key] = try await DriverStandings.policy(for: driver, at: now, on: db) }
            let policy = policies[key]!.policy
            byWindow[policy.metricWindowDays, default: []].append((driver, policy))
        }
        var result: [UUID: StandingNumbers] = [:]
        for (_, group) in byWindow {
            let window = StandingRules.window(policy: group[0].1, now: now)
            let split = StandingCounters.split(window)
            var sums: [UUID: (counts: StandingCounts, rules: Set<String>)] = [:]
            if let days = split.wholeDays {
                // Grouped by the rule too, so each driver's rows can be checked against their own policy.
                var query: SQLQueryString = "SELECT driver_id, geofence_m, tolerance_s"
                for column in countColumns { query += ", CAST(SUM(\(ident: column)) AS BIGINT) AS \(ident: column)" }
                query += """
                     FROM \(ident: table) WHERE day >= \(bind: days.lowerBound) AND day <= \(bind: days.upperBound) \
                    GROUP BY driver_id, geofence_m, tolerance_s
                    """
                for row in try await db.sql.raw(query).all() {
                    let driver = try row.decode(column: "driver_id", as: UUID.self)
                    let radius = try row.decode(column: "geofence_m", as: Double.self)
                    let tolerance = try row.decode(column: "tolerance_s", as: Double.self)
                    let counts = try Self.counts(row)
                    sums[driver, default: (StandingCounts(), [])].counts += counts
                    sums[driver, default: (StandingCounts(), [])].rules.insert("\(radius)/\(tolerance)")
                }
            }
            let parts = try await DriverRecordStore.records(in: split.parts, on: db)
            for (driver, policy) in group {
                let id = try driver.requireID()
                let scanRule = ScanRule(policy)
                let kept = sums[id] ?? (StandingCounts(), [])
                if !kept.rules.isEmpty && kept.rules != ["\(scanRule.defaultRadiusMetres)/\(scanRule.toleranceSeconds)"]
                {
                    let records = try await DriverRecordStore.records(of: id, in: [window], on: db)
                    result[id] = StandingNumbers(
                        StandingRules.standing(of: id.uuidString, records: records, policy: policy, now: now))
                    continue
                }
                result[id] = StandingCounters.standing(
                    of: id.uuidString, wholeDays: kept.counts, partRecords: parts[id] ?? DriverRecords(),
                    policy: policy, now: now)
            }
        }
        return result
    }

    // MARK: Rebuilding

    /// What a rebuild did.
    struct Rebuilt: Sendable {
        var drivers = 0
        var rows = 0
        var seconds = 0.0
    }

    /// Counts every driver's records again from scratch, under the scan rule each driver's policy
    /// sets at `now`, in the database (`StandingCountSQL`): per scan rule in use, every package,
    /// block and piece of feedback as if nothing were excused, then the corrections excuses,
    /// findings and mixed scans make. Run inside one transaction (the migration's, or the
    /// command's) so readers see the old counters or the new ones, never half. `progress` hears of
    /// each step done, out of all of them.
    ///
    /// `slices`: connections that count a slice of the drivers each, at the same time, into a
    /// table of their own in the database attached to each as `part` (see ``RecountSlices``);
    /// `db` then copies slice `i` from the one it has attached as `part_i`. Without, `db` counts
    /// everything itself.
    static func rebuild(
        at now: Date, on db: any Database, slices: [any SQLDatabase] = [],
        progress: (@Sendable (_ step: String, _ done: Int, _ total: Int) -> Void)? = nil
    ) async throws -> Rebuilt {
        let clock = ContinuousClock()
        let began = clock.now
        var rebuilt = Rebuilt()
        try await db.sql.raw("DELETE FROM \(ident: table)").run()
        let drivers = try await User.query(on: db).filter(\.$role == .driver).all()
        rebuilt.drivers = drivers.count
        // A policy binds by team and jurisdiction: the drivers of each pair share a scan rule.
        var keysByRule: [String: (rule: ScanRule, keys: [(team: String, jurisdiction: String)])] = [:]
        var seen: Set<String> = []
        for driver in drivers where seen.insert(driver.team + "\u{1F}" + driver.jurisdiction).inserted {
            let rule = ScanRule(try await DriverStandings.policy(for: driver, at: now, on: db).policy)
            let key = "\(rule.defaultRadiusMetres)/\(rule.toleranceSeconds)"
            keysByRule[key, default: (rule, [])].keys.append((driver.team, driver.jurisdiction))
        }
        let groups = keysByRule.keys.sorted().map { keysByRule[$0]! }
        let total = groups.count * 8 * max(slices.count, 1)
        let done = NIOLockedValueBox(0)
        @Sendable func count(
            _ scope: StandingCountSQL.Scope, _ rule: ScanRule, schema: String?, on sql: any SQLDatabase
        )
            async throws
        {
            let steps: [(String, SQLQueryString)] =
                [
                    ("packages", StandingCountSQL.packages(scope, rule: rule)),
                    ("blocks", StandingCountSQL.blocks(scope)), ("feedback", StandingCountSQL.feedback(scope)),
                ]
                + zip(
                    ["excused packages", "findings", "mixed scans", "excused blocks", "excused feedback"],
                    StandingCountSQL.corrections(scope, rule: rule)
                ).map { ($0, $1) }
            for (name, step) in steps {
                try await StandingCountSQL.add(step, rule: rule, schema: schema, on: sql)
                progress?(
                    name,
                    done.withLockedValue {
                        $0 += 1
                        return $0
                    }, total)
            }
        }
        guard slices.count > 1 else {
            for (rule, keys) in groups { try await count(.drivers(in: keys), rule, schema: nil, on: db.sql) }
            return try await summary(rebuilt, since: began, clock: clock, on: db)
        }
        // Slices of about as many drivers each, by id as the database orders them.
        struct Row: Decodable { var id: String }
        let ids = try await db.sql.raw(
            "SELECT id FROM users WHERE role = \(bind: Role.driver.rawValue) ORDER BY id"
        ).all(decoding: Row.self).map(\.id)
        let cuts = (1..<slices.count).map { ids.isEmpty ? "" : ids[$0 * ids.count / slices.count] }
        let bounds = [""] + cuts + [String(UnicodeScalar(0x10FFFF)!)]
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for (index, slice) in slices.enumerated() {
                let range = bounds[index]..<max(bounds[index], bounds[index + 1])
                tasks.addTask {
                    for (rule, keys) in groups {
                        try await count(.drivers(in: keys, ids: range), rule, schema: "part", on: slice)
                    }
                }
            }
            try await tasks.waitForAll()
        }
        // The slices hold different drivers: each is copied in as it is.
        for index in slices.indices {
            try await db.sql.raw(
                "INSERT INTO \(unsafeRaw: table) SELECT * FROM part_\(unsafeRaw: String(index)).\(unsafeRaw: table)"
            ).run()
        }
        return try await summary(rebuilt, since: began, clock: clock, on: db)
    }

    private static func summary(
        _ rebuilt: Rebuilt, since began: ContinuousClock.Instant, clock: ContinuousClock, on db: any Database
    ) async throws -> Rebuilt {
        var rebuilt = rebuilt
        // (The records themselves are not counted for the summary: on 50 million, counting them
        // took a third as long as the recount.)
        struct Count: Decodable { var n: Int }
        rebuilt.rows =
            try await db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first(decoding: Count.self)?.n ?? 0
        rebuilt.seconds = BenchCommands.seconds(began.duration(to: clock.now))
        return rebuilt
    }
}
