import FairdeskCore
import Fluent
import Foundation
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
    static func refresh(driver: UUID, days: Set<Int>, scanRule: ScanRule, on db: any Database) async throws {
        guard let span = span(of: days) else { return }
        let records = try await DriverRecordStore.records(of: driver, in: [span], on: db)
        try await write(driver: driver, days: days, from: records, scanRule: scanRule, on: db)
    }

    /// Counts `days` of `driver` again and reads their standing back, reading the records once for
    /// both: those of the days counted and those of the window's part-days (usually the same day,
    /// today). What a delivery that just arrived runs, so it is kept to as few queries as it can be.
    static func refreshAndRead(
        driver: User, days: Set<Int>, policy used: DriverStandings.PolicyUsed, at now: Date, on db: any Database
    ) async throws -> StandingNumbers {
        let id = try driver.requireID()
        let scanRule = ScanRule(used.policy)
        let parts = StandingCounters.split(StandingRules.window(policy: used.policy, now: now)).parts
        let span = span(of: days)
        let records = try await DriverRecordStore.records(of: id, in: (span.map { [$0] } ?? []) + parts, on: db)
        if let span {
            try await write(driver: id, days: days, from: records.placed(in: [span]), scanRule: scanRule, on: db)
        }
        return try await numbers(of: driver, policy: used, at: now, partRecords: records.placed(in: parts), on: db).0
    }

    /// From the start of the first of `days` to the end of the last; nil when there are none.
    private static func span(of days: Set<Int>) -> DateInterval? {
        guard let first = days.min(), let last = days.max() else { return nil }
        return DateInterval(start: StandingCounters.start(ofDay: first), end: StandingCounters.start(ofDay: last + 1))
    }

    /// Replaces the counter rows of `days` with those counted from `records` (which must hold every
    /// record placed in those days).
    private static func write(
        driver: UUID, days: Set<Int>, from records: DriverRecords, scanRule: ScanRule, on db: any Database
    ) async throws {
        let counted = StandingCounters.days(of: driver.uuidString, records: records, scanRule: scanRule)
        let sorted = days.sorted()
        for start in stride(from: 0, to: sorted.count, by: 500) {
            var query: SQLQueryString = "DELETE FROM \(ident: table) WHERE driver_id = \(bind: driver) AND day IN ("
            for (index, day) in sorted[start..<min(start + 500, sorted.count)].enumerated() {
                query += index == 0 ? "\(bind: day)" : ", \(bind: day)"
            }
            query += ")"
            try await db.sql.raw(query).run()
        }
        try await insert(
            sorted.compactMap { day in counted[day].map { (driver, day, $0) } }, scanRule: scanRule, on: db)
    }

    /// Writes counter rows, many to a statement.
    static func insert(_ rows: [(UUID, Int, StandingCounts)], scanRule: ScanRule, on db: any Database) async throws {
        let columns = ["driver_id", "day"] + countColumns + ["geofence_m", "tolerance_s"]
        // 19 values a row: well under SQLite's 32,766 and PostgreSQL's 65,535 bound values.
        for start in stride(from: 0, to: rows.count, by: 1000) {
            try await db.insertRows(
                table, columns: columns,
                rows[start..<min(start + 1000, rows.count)].map { driver, day, counts in
                    var values: [(any Encodable & Sendable)?] = [driver, day]
                    for kind in StandingCounts.order {
                        let count = counts[kind]
                        values += [count.counted, count.against, count.excused]
                    }
                    return values + [scanRule.defaultRadiusMetres, scanRule.toleranceSeconds]
                })
        }
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

    /// The numbers and tier of `driver` at `now`, from the kept counters and the records of the
    /// window's part-days; from every record when a counted day was judged under another scan rule.
    /// `partRecords`, when the caller has them, are the driver's records placed in the window's part-days.
    static func numbers(
        of driver: User, policy: DriverStandings.PolicyUsed? = nil, at now: Date, partRecords: DriverRecords? = nil,
        on db: any Database
    ) async throws -> (StandingNumbers, DriverStandings.PolicyUsed) {
        let used: DriverStandings.PolicyUsed
        if let policy { used = policy } else { used = try await DriverStandings.policy(for: driver, at: now, on: db) }
        let id = try driver.requireID()
        let window = StandingRules.window(policy: used.policy, now: now)
        let split = StandingCounters.split(window)
        let scanRule = ScanRule(used.policy)
        var whole = StandingCounts()
        if let days = split.wholeDays {
            var query = sums(
                "driver_id = \(bind: id) AND day >= \(bind: days.lowerBound) AND day <= \(bind: days.upperBound)",
                scanRule: scanRule)
            query += " GROUP BY driver_id"
            var stale = false
            if let row = try await db.sql.raw(query).first() {
                let found = try Self.sumRow(row)
                whole = found.counts
                stale = found.stale > 0
            }
            if stale {
                let records = try await DriverRecordStore.records(of: id, in: [window], on: db)
                let standing = StandingRules.standing(
                    of: id.uuidString, records: records, policy: used.policy, now: now)
                return (StandingNumbers(standing), used)
            }
        }
        let parts: DriverRecords
        if let partRecords {
            parts = partRecords
        } else {
            parts = try await DriverRecordStore.records(of: id, in: split.parts, on: db)
        }
        return (
            StandingCounters.standing(
                of: id.uuidString, wholeDays: whole, partRecords: parts, policy: used.policy, now: now), used
        )
    }

    /// `SELECT driver_id, SUM(…) per count column, stale rows FROM driver_standing_days WHERE …`.
    static func sums(_ condition: SQLQueryString, scanRule: ScanRule) -> SQLQueryString {
        var query: SQLQueryString = "SELECT driver_id"
        for column in countColumns { query += ", CAST(SUM(\(ident: column)) AS BIGINT) AS \(ident: column)" }
        query +=
            """
            , CAST(SUM(CASE WHEN geofence_m = \(bind: scanRule.defaultRadiusMetres) \
            AND tolerance_s = \(bind: scanRule.toleranceSeconds) THEN 0 ELSE 1 END) AS BIGINT) AS stale \
            FROM \(ident: table) WHERE 
            """
        query += condition
        return query
    }

    /// One row of `sums`: the driver, their counts, and how many rows were judged under another rule.
    static func sumRow(_ row: any SQLRow) throws -> (driver: UUID, counts: StandingCounts, stale: Int) {
        (
            try row.decode(column: "driver_id", as: UUID.self), try counts(row),
            try row.decode(column: "stale", as: Int.self)
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
        var records = 0
        var rows = 0
        var seconds = 0.0
    }

    /// Counts every driver's records again from scratch, `chunk` drivers at a time, under the scan
    /// rule each driver's policy sets at `now`. Run inside one transaction (the migration's, or the
    /// command's) so readers see the old counters or the new ones, never half.
    static func rebuild(
        at now: Date, on db: any Database, chunk: Int = 500,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) async throws -> Rebuilt {
        let clock = ContinuousClock()
        let began = clock.now
        var rebuilt = Rebuilt()
        try await db.sql.raw("DELETE FROM \(ident: table)").run()
        let drivers = try await User.query(on: db).filter(\.$role == .driver).sort(\.$id).all()
        var rules: [String: ScanRule] = [:]
        for start in stride(from: 0, to: drivers.count, by: chunk) {
            let slice = Array(drivers[start..<min(start + chunk, drivers.count)])
            let ids = try slice.map { try $0.requireID() }
            let records = try await DriverRecordStore.records(of: ids, on: db)
            var rows: [(UUID, Int, StandingCounts)] = []
            var ruleOf: [UUID: ScanRule] = [:]
            for driver in slice {
                let key = driver.team + "\u{1F}" + driver.jurisdiction
                if rules[key] == nil {
                    rules[key] = ScanRule(try await DriverStandings.policy(for: driver, at: now, on: db).policy)
                }
                ruleOf[try driver.requireID()] = rules[key]!
            }
            // Rows are written per rule, as the rule is stored with them.
            var byRule: [String: (ScanRule, [(UUID, Int, StandingCounts)])] = [:]
            for id in ids {
                guard let driverRecords = records[id], let rule = ruleOf[id] else { continue }
                rebuilt.records +=
                    driverRecords.blocks.count + driverRecords.packages.count + driverRecords.feedback.count
                let days = StandingCounters.days(of: id.uuidString, records: driverRecords, scanRule: rule)
                let key = "\(rule.defaultRadiusMetres)/\(rule.toleranceSeconds)"
                byRule[key, default: (rule, [])].1 += days.keys.sorted().map { (id, $0, days[$0]!) }
            }
            for (_, (rule, ruleRows)) in byRule {
                try await insert(ruleRows, scanRule: rule, on: db)
                rows += ruleRows
            }
            rebuilt.rows += rows.count
            rebuilt.drivers += slice.count
            progress?(rebuilt.drivers, drivers.count)
        }
        rebuilt.seconds = BenchCommands.seconds(began.duration(to: clock.now))
        return rebuilt
    }
}
