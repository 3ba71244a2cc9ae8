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

        /// The records of `driver` placed in `days`.
        static func days(_ days: [Int], of driver: UUID) -> Scope {
            func on(_ alias: String) -> SQLQueryString {
                var condition: SQLQueryString =
                    "\(unsafeRaw: alias).driver_id = \(bind: driver) AND \(unsafeRaw: alias).day IN ("
                for (index, day) in days.enumerated() { condition += index == 0 ? "\(bind: day)" : ", \(bind: day)" }
                condition += ")"
                return condition
            }
            return Scope(packages: on("p"), blocks: on("b"), feedback: on("f"))
        }

        /// The records of `driver` placed in any of `intervals` (each from its start to before its end).
        static func intervals(_ intervals: [DateInterval], of driver: UUID) -> Scope {
            // Each interval's term carries the driver, so the database reads one index range per
            // interval rather than every record of the driver (as `DriverRecordStore.read` does).
            func on(_ alias: String, _ column: String) -> SQLQueryString {
                var condition: SQLQueryString = "("
                for (index, interval) in intervals.enumerated() {
                    if index > 0 { condition += " OR " }
                    condition += """
                        (\(unsafeRaw: alias).driver_id = \(bind: driver) \
                        AND \(unsafeRaw: alias).\(unsafeRaw: column) >= \(bind: interval.start) \
                        AND \(unsafeRaw: alias).\(unsafeRaw: column) < \(bind: interval.end))
                        """
                }
                condition += intervals.isEmpty ? "1 = 0)" : ")"
                return condition
            }
            return Scope(
                packages: on("p", "window_start"), blocks: on("b", "scheduled_start"), feedback: on("f", "feedback_at"))
        }

        /// Every record of the drivers whose `(team, jurisdiction)` is one of `keys`.
        static func drivers(in keys: [(team: String, jurisdiction: String)]) -> Scope {
            func on(_ alias: String) -> SQLQueryString {
                var condition: SQLQueryString =
                    "\(unsafeRaw: alias).driver_id IN (SELECT id FROM users WHERE role = \(bind: Role.driver.rawValue) AND ("
                for (index, key) in keys.enumerated() {
                    if index > 0 { condition += " OR " }
                    condition += "(team = \(bind: key.team) AND jurisdiction = \(bind: key.jurisdiction))"
                }
                condition += keys.isEmpty ? "1 = 0))" : "))"
                return condition
            }
            return Scope(packages: on("p"), blocks: on("b"), feedback: on("f"))
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

    /// A row of `driver_id, day` and the count columns from `values` (column to expression); the
    /// columns left out are 0.
    private static func select(
        _ alias: String, _ values: [String: SQLQueryString], from table: String, where condition: SQLQueryString,
        scope: SQLQueryString
    ) -> SQLQueryString {
        var query: SQLQueryString = "SELECT \(unsafeRaw: alias).driver_id AS driver_id, \(unsafeRaw: alias).day AS day"
        for column in DriverStandingCounters.countColumns {
            query += ", "
            if let value = values[column] {
                query += "CAST(SUM("
                query += value
                query += ") AS BIGINT)"
            } else {
                query += "CAST(0 AS BIGINT)"
            }
            query += " AS \(ident: column)"
        }
        query += " FROM \(ident: table) \(unsafeRaw: alias) WHERE "
        query += scope
        query += " AND "
        query += condition
        query += " GROUP BY \(unsafeRaw: alias).driver_id, \(unsafeRaw: alias).day"
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
    static func packages(_ scope: Scope, rule: ScanRule) -> SQLQueryString {
        select("p", packageValues(rule), from: "driver_packages", where: "p.finished = 1", scope: scope.packages)
    }

    /// Every block in `scope`, as if nothing were excused.
    static func blocks(_ scope: Scope) -> SQLQueryString {
        select(
            "b", ["blocks_counted": "1", "blocks_against": "b.missed"], from: "driver_blocks", where: "1 = 1",
            scope: scope.blocks)
    }

    /// All feedback in `scope`, as if nothing were excused.
    static func feedback(_ scope: Scope) -> SQLQueryString {
        select(
            "f", ["feedback_counted": "1", "feedback_against": "f.negative"], from: "driver_feedback", where: "1 = 1",
            scope: scope.feedback)
    }

    /// What excuses, findings against the driver and mixed scans change in `scope`, one piece each.
    /// The first condition of each piece (`driver_id IN …`) lets the database visit only the
    /// drivers who have any.
    static func corrections(_ scope: Scope, rule: ScanRule) -> [SQLQueryString] {
        // Excused packages: what they counted moves to excused.
        var excusedPackages: [String: SQLQueryString] = [:]
        for (column, value) in packageValues(rule) { excusedPackages[column] = negated(value) }
        excusedPackages["on_time_excused"] = "p.attempted"
        excusedPackages["completion_excused"] = "1"
        excusedPackages["scans_excused"] = "p.delivered"
        var excusedCondition: SQLQueryString =
            "p.finished = 1 AND p.driver_id IN (SELECT driver_id FROM driver_excuses) AND "
        excusedCondition += packageExcused

        // A delivery with a finding against the driver counts against completion.
        var foundCondition: SQLQueryString =
            """
            p.delivered = 1 AND p.driver_id IN (SELECT driver_id FROM delivery_disputes \
            WHERE finding = \(bind: DisputeFinding.againstDriver.rawValue)) \
            AND EXISTS (SELECT 1 FROM delivery_disputes d WHERE d.driver_id = p.driver_id \
            AND d.package_id = p.record_id AND d.finding = \(bind: DisputeFinding.againstDriver.rawValue)) AND NOT 
            """
        foundCondition += packageExcused

        // Mixed scans: against the driver when none of them passes.
        var mixedCondition: SQLQueryString =
            """
            p.delivered = 1 AND p.scans_mixed = 1 AND p.driver_id IN (SELECT mixed.driver_id \
            FROM driver_package_scans s JOIN driver_packages mixed ON mixed.id = s.package_id) AND NOT EXISTS (SELECT 1 FROM driver_package_scans s \
            WHERE s.package_id = p.id AND 
            """
        mixedCondition += compliant("s", radius: radiusOf(rule), rule: rule)
        mixedCondition += ") AND NOT "
        mixedCondition += packageExcused

        let blockCondition: SQLQueryString =
            """
            b.driver_id IN (SELECT driver_id FROM driver_excuses) AND EXISTS (SELECT 1 FROM driver_excuses e \
            WHERE e.driver_id = b.driver_id AND e.record_id = b.record_id)
            """
        // Feedback is excused by an excuse on it, on its package, or on that package's block.
        let feedbackCondition: SQLQueryString =
            """
            f.driver_id IN (SELECT driver_id FROM driver_excuses) AND (EXISTS (SELECT 1 FROM driver_excuses e \
            WHERE e.driver_id = f.driver_id AND e.record_id IN (f.record_id, f.package_id)) \
            OR EXISTS (SELECT 1 FROM driver_packages fp JOIN driver_excuses e ON e.driver_id = fp.driver_id \
            AND e.record_id = fp.block_id WHERE fp.driver_id = f.driver_id AND fp.record_id = f.package_id))
            """
        return [
            select("p", excusedPackages, from: "driver_packages", where: excusedCondition, scope: scope.packages),
            select(
                "p", ["completion_against": "1"], from: "driver_packages", where: foundCondition, scope: scope.packages),
            select("p", ["scans_against": "1"], from: "driver_packages", where: mixedCondition, scope: scope.packages),
            select(
                "b", ["blocks_counted": "-1", "blocks_against": "-b.missed", "blocks_excused": "1"],
                from: "driver_blocks", where: blockCondition, scope: scope.blocks),
            select(
                "f", ["feedback_counted": "-1", "feedback_against": "-f.negative", "feedback_excused": "1"],
                from: "driver_feedback", where: feedbackCondition, scope: scope.feedback),
        ]
    }

    /// Everything in `scope` in one query: each piece, added up per driver and day.
    static func all(_ scope: Scope, rule: ScanRule) -> SQLQueryString {
        combined([packages(scope, rule: rule), blocks(scope), feedback(scope)] + corrections(scope, rule: rule))
    }

    /// `pieces` added up per driver and day.
    static func combined(_ pieces: [SQLQueryString]) -> SQLQueryString {
        var query: SQLQueryString = "SELECT driver_id, day"
        for column in DriverStandingCounters.countColumns {
            query += ", CAST(SUM(\(ident: column)) AS BIGINT) AS \(ident: column)"
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
    /// has no row yet (marked as judged under `rule`).
    static func add(_ counted: SQLQueryString, rule: ScanRule, on db: any SQLDatabase) async throws {
        let columns = DriverStandingCounters.countColumns
        var query: SQLQueryString = "INSERT INTO \(ident: DriverStandingCounters.table) (driver_id, day"
        for column in columns { query += ", \(ident: column)" }
        query += ", geofence_m, tolerance_s) SELECT driver_id, day"
        for column in columns { query += ", \(ident: column)" }
        query +=
            ", \(bind: rule.defaultRadiusMetres), \(bind: rule.toleranceSeconds) FROM ("
        query += counted
        // `WHERE 1 = 1` keeps SQLite from reading ON CONFLICT as a join's ON.
        query += ") AS counted WHERE 1 = 1 ON CONFLICT (driver_id, day) DO UPDATE SET "
        for (index, column) in columns.enumerated() {
            if index > 0 { query += ", " }
            query +=
                "\(ident: column) = \(ident: DriverStandingCounters.table).\(ident: column) + excluded.\(ident: column)"
        }
        try await db.raw(query).run()
    }
}
