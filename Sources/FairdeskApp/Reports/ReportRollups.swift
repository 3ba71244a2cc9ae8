import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// Keeps the leaders' report rollups: counts per day and per month, tier, channel and measure in
/// `report_rollups`, added to inside the transaction of the event they count, so a report reads a
/// few hundred rows whatever the number of cases.
///
/// Each event adds to its day's row and its month's row. Reports by month, quarter or year read the
/// month rows; reports by day read the day rows.
struct ReportRollups {
    let db: any Database
    /// Days are counted in the company's time zone (`FAIRDESK_TIME_ZONE`).
    let timeZone: TimeZone

    enum Grain: String { case day, month }

    /// Records `event` for a case of `tier` on `channel`.
    func record(_ event: RollupEvent, tier: String, channel: ContactChannel) async throws {
        try await add(event.increments(tier: tier, channel: channel.rawValue, in: timeZone))
    }

    /// Records `event` for `supportCase`.
    func record(_ event: RollupEvent, for supportCase: SupportCase) async throws {
        try await record(event, tier: supportCase.tier, channel: supportCase.channel)
    }

    /// Adds `increments` to their day and month rows, with as few statements as the bind limit allows,
    /// or leaves them to a batch's single write when one is collecting (see ``DeferredWrites``).
    func add(_ increments: [RollupIncrement]) async throws {
        if let deferred = DeferredWrites.current {
            deferred.add(increments)
            return
        }
        try await Self.add(increments, on: db)
    }

    static func add(_ increments: [RollupIncrement], on db: any Database) async throws {
        var rows: [(Grain, String, RollupIncrement)] = []
        for increment in RollupIncrement.merged(increments) {
            rows.append((.day, increment.day.description, increment))
        }
        // Month rows are merged on their own: several days of one month add to the same row.
        var months: [RollupIncrement] = []
        for increment in increments {
            var month = increment
            month.day = increment.day.startOfMonth
            months.append(month)
        }
        for increment in RollupIncrement.merged(months) { rows.append((.month, increment.day.monthKey, increment)) }
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + 1_000)]
            var statement: SQLQueryString =
                "INSERT INTO report_rollups (grain, period, tier, channel, measure, bucket, value) VALUES "
            for (index, (grain, period, increment)) in chunk.enumerated() {
                if index > 0 { statement += ", " }
                statement +=
                    "(\(bind: grain.rawValue), \(bind: period), \(bind: increment.tier), \(bind: increment.channel), "
                statement += "\(bind: increment.measure.rawValue), \(bind: increment.bucket), \(bind: increment.value))"
            }
            statement +=
                " ON CONFLICT (grain, period, tier, channel, measure, bucket) DO UPDATE SET value = report_rollups.value + excluded.value"
            try await db.sql.raw(statement).run()
            start += 1_000
        }
    }

    /// The rows of `grain` from `from` up to (not including) `to`; for months both are first days of
    /// a month.
    func rows(_ grain: Grain, from: LocalDate, to: LocalDate) async throws -> [ServiceReport.Row] {
        let (low, high) =
            grain == .day ? (from.description, to.description) : (from.monthKey, to.monthKey)
        // The rows come back packed into one text, a line per row, because decoding tens of thousands
        // of rows column by column cost ten times the query itself. Tier keys go last: they are the
        // only values a person names, so nothing they contain can shift the other fields.
        let line: SQLQueryString =
            "period || '|' || channel || '|' || measure || '|' || bucket || '|' || CAST(value AS TEXT) || '|' || tier"
        let join: SQLQueryString = db.isPostgres ? "string_agg(" : "group_concat("
        struct Packed: Decodable { var packed: String? }
        let packed =
            try await db.sql.raw(
                """
                SELECT \(join)\(line), \(bind: "\n")) AS packed FROM report_rollups \
                WHERE grain = \(bind: grain.rawValue) AND period >= \(bind: low) AND period < \(bind: high)
                """
            ).first(decoding: Packed.self)?.packed ?? ""
        // Split as bytes: walking the text as characters cost more than the query.
        var rows: [ServiceReport.Row] = []
        var days: [String: LocalDate] = [:]
        func text(_ bytes: Substring.UTF8View) -> String { String(decoding: bytes, as: UTF8.self) }
        for line in Substring(packed).utf8.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: "|"), maxSplits: 5, omittingEmptySubsequences: false)
            guard fields.count == 6, let measure = ReportMeasure(rawValue: text(fields[2])),
                let value = Int(text(fields[4]))
            else { continue }
            let period = text(fields[0])
            guard let day = days[period] ?? LocalDate(grain == .day ? period : period + "-01") else { continue }
            days[period] = day
            rows.append(
                ServiceReport.Row(
                    day: day, tier: text(fields[5]), channel: text(fields[1]), measure: measure,
                    bucket: text(fields[3]), value: value))
        }
        return rows
    }
}
