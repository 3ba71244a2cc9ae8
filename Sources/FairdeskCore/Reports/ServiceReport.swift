import Foundation

/// The leaders' report: for each period (day, month, quarter or year) the figures for everyone, for
/// each tier and for each channel, added up from rollup rows.
public struct ServiceReport: Sendable {
    /// One rollup row as read back: the day (or first day of the month) it counts, and its numbers.
    public struct Row: Sendable {
        public var day: LocalDate
        public var tier: String
        public var channel: String
        public var measure: ReportMeasure
        public var bucket: String
        public var value: Int

        public init(day: LocalDate, tier: String, channel: String, measure: ReportMeasure, bucket: String, value: Int) {
            self.day = day
            self.tier = tier
            self.channel = channel
            self.measure = measure
            self.bucket = bucket
            self.value = value
        }
    }

    public struct Period: Sendable {
        public var key: String
        public var start: LocalDate
        /// The first day after the period.
        public var end: LocalDate
        public var all = ReportFigures()
        public var byTier: [String: ReportFigures] = [:]
        public var byChannel: [String: ReportFigures] = [:]
    }

    public var unit: ReportUnit
    public var from: LocalDate
    /// The first day after the report.
    public var to: LocalDate
    public var periods: [Period]
    /// Every tier and channel that has numbers in the report, sorted.
    public var tiers: [String]
    public var channels: [String]

    /// The report over [`from`, `to`) in `unit`s. `from` and `to` are moved out to whole units.
    public init(unit: ReportUnit, from: LocalDate, to: LocalDate, rows: [Row]) {
        self.unit = unit
        let start = unit.start(of: from)
        var periods: [Period] = []
        var cursor = start
        while cursor < to && periods.count < unit.maximumRows {
            let next = unit.next(after: cursor)
            periods.append(Period(key: unit.key(of: cursor), start: cursor, end: next))
            cursor = next
        }
        self.from = start
        self.to = cursor
        var index: [String: Int] = [:]
        for (position, period) in periods.enumerated() { index[period.key] = position }
        var tiers = Set<String>()
        var channels = Set<String>()
        for row in rows {
            guard let position = index[unit.key(of: row.day)] else { continue }
            periods[position].all.add(row.measure, bucket: row.bucket, value: row.value)
            periods[position].byTier[row.tier, default: ReportFigures()].add(
                row.measure, bucket: row.bucket, value: row.value)
            periods[position].byChannel[row.channel, default: ReportFigures()].add(
                row.measure, bucket: row.bucket, value: row.value)
            tiers.insert(row.tier)
            channels.insert(row.channel)
        }
        self.periods = periods
        self.tiers = tiers.sorted()
        self.channels = channels.sorted()
    }

    /// The figures for the whole report, all periods together.
    public var total: ReportFigures {
        var total = ReportFigures()
        for period in periods {
            for (measure, value) in period.all.counts { total.add(measure, bucket: "", value: value) }
            for (reason, value) in period.all.complaints { total.add(.complaint, bucket: reason, value: value) }
            for (bucket, value) in period.all.firstResponse {
                total.add(.firstResponseTime, bucket: String(bucket), value: value)
            }
            for (bucket, value) in period.all.resolution {
                total.add(.resolutionTime, bucket: String(bucket), value: value)
            }
        }
        return total
    }
}
