import FairdeskCore
import Foundation
import SQLKit

/// Drivers' standing counted by the database, from the facts each record carries (`PackageFacts`,
/// `BlockFacts`, `FeedbackFacts`, stored with the record): SQLite and PostgreSQL add up millions of
/// records without handing one row to Swift.
///
/// The counting follows `StandingRules.metrics` fact by fact, in two steps:
/// - **Every record as if nothing were excused or disputed** (`packages`, `blocks`, `feedback`):
///   grouped by driver and day, read in the order of the covering indexes the facts sit in.
/// - **Corrections** for the few records that excuses, findings and mixed scans touch
///   (`corrections`): an excused record's counts move to "excused"; a delivery with a finding
///   against the driver counts against completion; a package with several scans, none best on
///   every count, is judged on each of its scans (`driver_package_scans`).
///
/// Each piece yields rows of `driver_id, day` and the fifteen count columns; `add` adds any of
/// them into `driver_standing_days`. Tests compare the result with `StandingRules` on records built
/// to reach every branch.
enum StandingCountSQL {
    /// Which records a count covers: one condition for each kind of record, on its alias (`p` for
    /// packages, `b` for blocks, `f` for feedback).
    struct Scope {
        var packages: SQLQueryString
        var blocks: SQLQueryString
        var feedback: SQLQueryString
        /// The one driver the scope is about, if it is about one. The corrections first ask whether
        /// that driver has any excuse or finding at all (once a statement); over many drivers they
        /// list the drivers who have any, and visit only those.
        var driver: UUID?
        /// Over many drivers, the query listing them.
        var drivers: SQLQueryString?

        /// The records of `driver` placed in `days`.
        static func days(_ days: [Int], of driver: UUID) -> Scope {
            func on(_ alias: String) -> SQLQueryString {
                var condition: SQLQueryString =
                    "\(unsafeRaw: alias).driver_id = \(bind: driver) AND \(unsafeRaw: alias).day IN ("
                for (index, day) in days.enumerated() { condition += index == 0 ? "\(bind: day)" : ", \(bind: day)" }
                condition += ")"
                return condition
            }
            return Scope(packages: on("p"), blocks: on("b"), feedback: on("f"), driver: driver)
        }

        /// The records of `driver` placed in any of `intervals` (each from its start to before its end).
        static func intervals(_ intervals: [DateInterval], of driver: UUID) -> Scope {
            // The driver and the intervals' days come first, so the database reads the index on
            // driver and day for those days only; each record's instant is then checked.
            var days: Set<Int> = []
            for interval in intervals {
                days.formUnion(StandingCounters.day(of: interval.start)...StandingCounters.day(of: interval.end))
            }
            func on(_ alias: String, _ column: String) -> SQLQueryString {
                var condition: SQLQueryString =
                    "\(unsafeRaw: alias).driver_id = \(bind: driver) AND \(unsafeRaw: alias).day IN ("
                for (index, day) in days.sorted().enumerated() {
                    condition += index == 0 ? "\(bind: day)" : ", \(bind: day)"
                }
                condition += ") AND ("
                for (index, interval) in intervals.enumerated() {
                    if index > 0 { condition += " OR " }
                    condition += """
                        (\(unsafeRaw: alias).\(unsafeRaw: column) >= \(bind: interval.start) \
                        AND \(unsafeRaw: alias).\(unsafeRaw: column) < \(bind: interval.end))
                        """
                }
                condition += intervals.isEmpty ? "1 = 0)" : ")"
                return condition
            }
            return Scope(
                packages: on("p", "window_start"), blocks: on("b", "scheduled_start"), feedback: on("f", "feedback_at"),
                driver: driver)
        }

        /// Every record of the drivers whose `(team, jurisdiction)` is one of `keys`; with `ids`,
        /// only those whose id, as the database stores it, is in that range (a slice of a recount).
        static func drivers(
            in keys: [(team: String, jurisdiction: String)], ids: Range<String>? = nil
        ) -> Scope {
            var list: SQLQueryString = "SELECT id FROM users WHERE role = \(bind: Role.driver.rawValue) AND ("
            for (index, key) in keys.enumerated() {
                if index > 0 { list += " OR " }
                list += "(team = \(bind: key.team) AND jurisdiction = \(bind: key.jurisdiction))"
            }
            list += keys.isEmpty ? "1 = 0)" : ")"
            if let ids { list += " AND id >= \(bind: ids.lowerBound) AND id < \(bind: ids.upperBound)" }
            func on(_ alias: String) -> SQLQueryString {
                var condition: SQLQueryString = "\(unsafeRaw: alias).driver_id IN ("
                condition += list
                condition += ")"
                return condition
            }
            return Scope(packages: on("p"), blocks: on("b"), feedback: on("f"), drivers: list)
        }
    }

    // MARK: Pieces

    /// Delivered packages pass the scan rule on their deciding scan (`PackageFacts.scan`); a package
    /// with mixed scans is left to `corrections`.
    private static func representativeComplies(_ rule: ScanRule) -> SQLQueryString {
        compliant("p", radius: radiusOf(rule), rule: rule)
    }

    /// The radius that applies to package `p`: its own, or the policy's.
    private static func radiusOf(_ rule: ScanRule) -> SQLQueryString {
        "COALESCE(p.geofence_m, \(bind: rule.defaultRadiusMetres))"
    }

    /// `ScanFacts.counts` in SQL on the columns `scan_seconds`, `scan_distance_m`, `scan_credit_m`
    /// of `alias`: false when there is no scan.
    private static func compliant(_ alias: String, radius: SQLQueryString, rule: ScanRule) -> SQLQueryString {
        var test: SQLQueryString =
            """
            (\(unsafeRaw: alias).scan_seconds IS NOT NULL \
            AND \(unsafeRaw: alias).scan_seconds <= \(bind: rule.toleranceSeconds) \
            AND \(unsafeRaw: alias).scan_distance_m <= 
            """
        test += radius
        test += " + (CASE WHEN \(unsafeRaw: alias).scan_credit_m < "
        test += radius
        test += " THEN \(unsafeRaw: alias).scan_credit_m ELSE "
        test += radius
        test += " END))"
        return test
    }

    /// Package `p` is excused: an excuse on it or on its block.
    private static let packageExcused: SQLQueryString =
        """
        EXISTS (SELECT 1 FROM driver_excuses e WHERE e.driver_id = p.driver_id \
        AND e.record_id IN (p.record_id, p.block_id))
        """

    /// How a piece gives its counts.
    enum Shape {
        /// Rows of `driver_id, day` and the count columns, summed per driver and day.
        case grouped
        /// One row per record: a 0 (for the reader's `stale` column), then the count columns,
        /// unnamed, for a reader that sums everything it gets (a handful of records).
        case rows
    }

    /// A piece: the count columns from `values` (column to expression), the columns left out 0.
    private static func select(
        _ alias: String, _ values: [String: SQLQueryString], from table: String, where condition: SQLQueryString,
        scope: SQLQueryString, shape: Shape
    ) -> SQLQueryString {
        var query: SQLQueryString =
            shape == .grouped
            ? "SELECT \(unsafeRaw: alias).driver_id AS driver_id, \(unsafeRaw: alias).day AS day" : "SELECT 0"
        for column in DriverStandingCounters.countColumns {
            query += ", "
            switch (values[column], shape) {
            case (let value?, .grouped):
                query += "SUM("
                query += value
                query += ") AS \(unsafeRaw: column)"
            case (let value?, .rows): query += value
            case (nil, .grouped): query += "0 AS \(unsafeRaw: column)"
            case (nil, .rows): query += "0"
            }
        }
        query += " FROM \(unsafeRaw: table) \(unsafeRaw: alias) WHERE "
        query += scope
        query += " AND "
        query += condition
        if shape == .grouped { query += " GROUP BY \(unsafeRaw: alias).driver_id, \(unsafeRaw: alias).day" }
        return query
    }

    private static func flag(_ condition: SQLQueryString) -> SQLQueryString {
        var value: SQLQueryString = "CASE WHEN "
        value += condition
        value += " THEN 1 ELSE 0 END"
        return value
    }

    private static func negated(_ value: SQLQueryString) -> SQLQueryString {
        var negative: SQLQueryString = "-("
        negative += value
        negative += ")"
        return negative
    }

    /// What a package counts before excuses, findings and mixed scans.
    private static func packageValues(_ rule: ScanRule) -> [String: SQLQueryString] {
        var scanAgainst: SQLQueryString = "p.delivered = 1 AND p.scans_mixed = 0 AND NOT "
        scanAgainst += representativeComplies(rule)
        return [
            "on_time_counted": "p.attempted", "on_time_against": "p.late",
            "completion_counted": "p.completion_counted", "completion_against": "p.completion_against",
            "scans_counted": "p.delivered", "scans_against": flag(scanAgainst),
        ]
    }

    /// Every finished package in `scope`, as if nothing were excused or disputed.
    static func packages(_ scope: Scope, rule: ScanRule, shape: Shape = .grouped) -> SQLQueryString {
        select(
            "p", packageValues(rule), from: "driver_packages", where: "p.finished = 1", scope: scope.packages,
            shape: shape)
    }

    /// Every block in `scope`, as if nothing were excused.
    static func blocks(_ scope: Scope, shape: Shape = .grouped) -> SQLQueryString {
        select(
            "b", ["blocks_counted": "1", "blocks_against": "b.missed"], from: "driver_blocks", where: "1 = 1",
            scope: scope.blocks, shape: shape)
    }

    /// All feedback in `scope`, as if nothing were excused.
    static func feedback(_ scope: Scope, shape: Shape = .grouped) -> SQLQueryString {
        select(
            "f", ["feedback_counted": "1", "feedback_against": "f.negative"], from: "driver_feedback", where: "1 = 1",
            scope: scope.feedback, shape: shape)
    }

    /// What excuses, findings against the driver and mixed scans change in `scope`, one piece each.
    /// Each piece starts by asking which drivers have any (`driver_id IN …`), so the database
    /// visits only those.
    static func corrections(_ scope: Scope, rule: ScanRule, needs: Needs = .all, shape: Shape = .grouped)
        -> [SQLQueryString]
    {
        // Over many drivers the list of those who need the correction is the only condition on
        // the driver (the scope's own list is folded into it), so the database reads those
        // drivers' records and no others.
        func only(_ alias: String, _ needing: SQLQueryString) -> SQLQueryString {
            if let driver = scope.driver {
                var condition: SQLQueryString = "\(bind: driver) IN ("
                condition += needing
                return condition + ") AND "
            }
            var condition: SQLQueryString =
                "\(unsafeRaw: alias).driver_id IN (SELECT listed.driver_id FROM ("
            condition += needing
            condition += ") AS listed WHERE listed.driver_id IN ("
            condition += scope.drivers ?? "SELECT id FROM users"
            return condition + ")) AND "
        }
        // Over many drivers `only` carries the scope.
        let within =
            scope.drivers == nil
            ? scope : Scope(packages: "1 = 1", blocks: "1 = 1", feedback: "1 = 1", drivers: scope.drivers)
        let excused = "SELECT driver_id FROM driver_excuses"
        // Excused packages: what they counted moves to excused.
        var excusedPackages: [String: SQLQueryString] = [:]
        for (column, value) in packageValues(rule) { excusedPackages[column] = negated(value) }
        excusedPackages["on_time_excused"] = "p.attempted"
        excusedPackages["completion_excused"] = "1"
        excusedPackages["scans_excused"] = "p.delivered"
        var excusedCondition: SQLQueryString = "p.finished = 1 AND "
        excusedCondition += only("p", SQLQueryString(excused))
        excusedCondition += packageExcused

        // A delivery with a finding against the driver counts against completion.
        var foundCondition: SQLQueryString = "p.delivered = 1 AND "
        foundCondition += only(
            "p",
            "SELECT driver_id FROM delivery_disputes WHERE finding = \(bind: DisputeFinding.againstDriver.rawValue)")
        foundCondition +=
            """
            EXISTS (SELECT 1 FROM delivery_disputes d WHERE d.driver_id = p.driver_id \
            AND d.package_id = p.record_id AND d.finding = \(bind: DisputeFinding.againstDriver.rawValue)) AND NOT 
            """
        foundCondition += packageExcused

        // Mixed scans: against the driver when none of them passes.
        // (For one driver the flags, in the index, already leave out every other package.)
        var mixedCondition: SQLQueryString = "p.delivered = 1 AND p.scans_mixed = 1 AND "
        if scope.driver == nil {
            mixedCondition += only("p", "SELECT driver_id FROM driver_package_scans")
        }
        mixedCondition +=
            """
            NOT EXISTS (SELECT 1 FROM driver_package_scans s \
            WHERE s.package_id = p.id AND 
            """
        mixedCondition += compliant("s", radius: radiusOf(rule), rule: rule)
        mixedCondition += ") AND NOT "
        mixedCondition += packageExcused

        var blockCondition = only("b", SQLQueryString(excused))
        blockCondition +=
            """
            EXISTS (SELECT 1 FROM driver_excuses e WHERE e.driver_id = b.driver_id AND e.record_id = b.record_id)
            """
        // Feedback is excused by an excuse on it, on its package, or on that package's block.
        var feedbackCondition = only("f", SQLQueryString(excused))
        feedbackCondition +=
            """
            (EXISTS (SELECT 1 FROM driver_excuses e \
            WHERE e.driver_id = f.driver_id AND e.record_id IN (f.record_id, f.package_id)) \
            OR EXISTS (SELECT 1 FROM driver_packages fp JOIN driver_excuses e ON e.driver_id = fp.driver_id \
            AND e.record_id = fp.block_id WHERE fp.driver_id = f.driver_id AND fp.record_id = f.package_id))
            """
        let pieces: [(Bool, SQLQueryString)] = [
            (
                needs.excuses,
                select(
                    "p", excusedPackages, from: "driver_packages", where: excusedCondition, scope: within.packages,
                    shape: shape)
            ),
            (
                needs.findings,
                select(
                    "p", ["completion_against": "1"], from: "driver_packages", where: foundCondition,
                    scope: within.packages, shape: shape)
            ),
            (
                needs.mixedScans,
                select(
                    "p", ["scans_against": "1"], from: "driver_packages", where: mixedCondition, scope: within.packages,
                    shape: shape)
            ),
            (
                needs.excuses,
                select(
                    "b", ["blocks_counted": "-1", "blocks_against": "-b.missed", "blocks_excused": "1"],
                    from: "driver_blocks", where: blockCondition, scope: within.blocks, shape: shape)
            ),
            (
                needs.excuses,
                select(
                    "f", ["feedback_counted": "-1", "feedback_against": "-f.negative", "feedback_excused": "1"],
                    from: "driver_feedback", where: feedbackCondition, scope: within.feedback, shape: shape)
            ),
        ]
        return pieces.filter(\.0).map(\.1)
    }

    /// Which corrections a count needs. Most drivers have no excuse, finding or mixed scan: their
    /// count is then three pieces rather than eight, which the database also plans faster.
    struct Needs: Sendable, Equatable {
        var excuses = true
        var findings = true
        var mixedScans = true

        /// Every correction: over many drivers, some always need them.
        static let all = Needs()

        /// What `driver`'s records need, in one short query.
        static func of(_ driver: UUID, on db: any SQLDatabase) async throws -> Needs {
            let row = try await db.raw(
                """
                SELECT CASE WHEN EXISTS (SELECT 1 FROM driver_excuses WHERE driver_id = \(bind: driver)) \
                THEN 1 ELSE 0 END AS excuses, \
                CASE WHEN EXISTS (SELECT 1 FROM delivery_disputes WHERE driver_id = \(bind: driver) \
                AND finding = \(bind: DisputeFinding.againstDriver.rawValue)) THEN 1 ELSE 0 END AS findings, \
                CASE WHEN EXISTS (SELECT 1 FROM driver_package_scans WHERE driver_id = \(bind: driver)) \
                THEN 1 ELSE 0 END AS mixed
                """
            ).first()
            guard let row else { return .all }
            return Needs(
                excuses: try row.decode(column: "excuses", as: Int.self) == 1,
                findings: try row.decode(column: "findings", as: Int.self) == 1,
                mixedScans: try row.decode(column: "mixed", as: Int.self) == 1)
        }
    }

    /// Everything in `scope` in one query: each piece, added up per driver and day.
    static func all(_ scope: Scope, rule: ScanRule, needs: Needs = .all) -> SQLQueryString {
        combined(
            [packages(scope, rule: rule), blocks(scope), feedback(scope)]
                + corrections(scope, rule: rule, needs: needs))
    }

    /// Everything in `scope` as rows to be summed (`Shape.rows`): for a reader that adds a
    /// handful of records to other counts in one query.
    static func rows(_ scope: Scope, rule: ScanRule, needs: Needs) -> [SQLQueryString] {
        [packages(scope, rule: rule, shape: .rows), blocks(scope, shape: .rows), feedback(scope, shape: .rows)]
            + corrections(scope, rule: rule, needs: needs, shape: .rows)
    }

    /// `pieces` added up per driver and day. (Identifiers here are plain lower-case words written as
    /// they are: they need no quoting, and SQLKit's escaping of each, on every delivery, showed in
    /// profiles.)
    static func combined(_ pieces: [SQLQueryString]) -> SQLQueryString {
        var query: SQLQueryString = "SELECT driver_id, day"
        for column in DriverStandingCounters.countColumns {
            query += ", CAST(SUM(\(unsafeRaw: column)) AS BIGINT) AS \(unsafeRaw: column)"
        }
        query += " FROM ("
        query += unionAll(pieces)
        query += ") AS pieces GROUP BY driver_id, day"
        return query
    }

    /// `pieces` one after the other, `UNION ALL`.
    static func unionAll(_ pieces: [SQLQueryString]) -> SQLQueryString {
        var query: SQLQueryString = ""
        for (index, piece) in pieces.enumerated() {
            if index > 0 { query += " UNION ALL " }
            query += piece
        }
        return query
    }

    // MARK: Writing

    /// Adds the rows `counted` yields into `driver_standing_days`, creating a driver's day when it
    /// has no row yet (marked as judged under `rule`). With `replacing`, a day's row is replaced
    /// by the one counted instead.
    /// `schema`: the database the table is in, when not the main one (a recount's slice, see
    /// ``RecountSlices``).
    static func add(
        _ counted: SQLQueryString, rule: ScanRule, replacing: Bool = false, schema: String? = nil,
        on db: any SQLDatabase
    ) async throws {
        let columns = DriverStandingCounters.countColumns
        var query: SQLQueryString = "INSERT INTO "
        if let schema { query += "\(unsafeRaw: schema)." }
        query += "\(unsafeRaw: DriverStandingCounters.table) (driver_id, day"
        for column in columns { query += ", \(unsafeRaw: column)" }
        query += ", geofence_m, tolerance_s) SELECT driver_id, day"
        for column in columns { query += ", \(unsafeRaw: column)" }
        query +=
            ", \(bind: rule.defaultRadiusMetres), \(bind: rule.toleranceSeconds) FROM ("
        query += counted
        // `WHERE 1 = 1` keeps SQLite from reading ON CONFLICT as a join's ON.
        query += ") AS counted WHERE 1 = 1 "
        query += onConflict(replacing ? .replace : .add)
        try await db.raw(query).run()
    }

    /// What a day's existing row does with counts written to it.
    enum Merge {
        /// Takes them in place of its own, with the rule they were judged under.
        case replace
        /// Adds them to its own.
        case add
        /// Adds them only when it was judged under the same scan rule; a row judged under another
        /// is left as it is (its driver's standing is read from the records until a recount).
        case addUnderSameRule
    }

    /// The `ON CONFLICT (driver_id, day)` clause of a write to `driver_standing_days`.
    static func onConflict(_ merge: Merge) -> SQLQueryString {
        let table = DriverStandingCounters.table
        var clause: SQLQueryString = "ON CONFLICT (driver_id, day) DO UPDATE SET "
        for (index, column) in DriverStandingCounters.countColumns.enumerated() {
            if index > 0 { clause += ", " }
            clause +=
                merge == .replace
                ? "\(unsafeRaw: column) = excluded.\(unsafeRaw: column)"
                : "\(unsafeRaw: column) = \(unsafeRaw: table).\(unsafeRaw: column) + excluded.\(unsafeRaw: column)"
        }
        switch merge {
        case .replace: clause += ", geofence_m = excluded.geofence_m, tolerance_s = excluded.tolerance_s"
        case .add: break
        case .addUnderSameRule:
            clause +=
                " WHERE \(unsafeRaw: table).geofence_m = excluded.geofence_m AND \(unsafeRaw: table).tolerance_s = excluded.tolerance_s"
        }
        return clause
    }
}
