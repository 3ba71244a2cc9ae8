import Foundation

/// Standing kept as it happens: each driver's records are counted once per UTC day (blocks by
/// scheduled start, packages by the start of their window, feedback by when it came, as
/// `StandingRules` places them), and a standing at any instant is the sum of the whole days inside
/// its rolling window plus the records of the part-days at its two ends, judged afresh.
///
/// The counts of a day are `StandingRules.metrics` over that day, so they judge every record exactly
/// as the rule does; adding days up gives the same numbers as the rule over the whole window,
/// because each record is judged on its own and falls in exactly one day.
public enum StandingCounters {
    /// Seconds in a day: days are UTC days, the same length all year.
    public static let secondsPerDay: Double = 86_400

    /// The day `instant` falls in, counted from 1 January 1970 (UTC).
    public static func day(of instant: Date) -> Int {
        let seconds = instant.timeIntervalSince1970
        var day = Int((seconds / secondsPerDay).rounded(.down))
        // Division rounds; the day's own bounds decide.
        if start(ofDay: day) > instant { day -= 1 }
        if start(ofDay: day + 1) <= instant { day += 1 }
        return day
    }

    /// The first instant of `day`.
    public static func start(ofDay day: Int) -> Date {
        Date(timeIntervalSince1970: Double(day) * secondsPerDay)
    }

    /// The whole of `day`, its start included and the next day's start not.
    public static func interval(ofDay day: Int) -> DateInterval {
        DateInterval(start: start(ofDay: day), end: start(ofDay: day + 1))
    }

    /// The counts of every day of `driverID` that has records in `records`, judged under `scanRule`.
    /// Days that count nothing and excuse nothing (a package still out) are left out. `records` must
    /// hold the packages that its feedback is about, whose blocks' excuses cover that feedback.
    public static func days(of driverID: String, records: DriverRecords, scanRule: ScanRule) -> [Int: StandingCounts] {
        var byDay: [Int: DriverRecords] = [:]
        for block in records.blocks where block.driverID == driverID {
            byDay[day(of: block.scheduledStart), default: DriverRecords()].blocks.append(block)
        }
        for package in records.packages where package.driverID == driverID {
            byDay[day(of: package.window.start), default: DriverRecords()].packages.append(package)
        }
        var packagesByID: [String: PackageDelivery] = [:]
        for package in records.packages { packagesByID[package.id] = package }
        for item in records.feedback where item.driverID == driverID {
            byDay[day(of: item.receivedAt), default: DriverRecords()].feedback.append(item)
        }
        var result: [Int: StandingCounts] = [:]
        for (day, var dayRecords) in byDay {
            // Feedback's excuse may sit on its package's block: the package comes along, outside
            // the day's interval unless it belongs to the day anyway.
            let present = Set(dayRecords.packages.map(\.id))
            for packageID in Set(dayRecords.feedback.map(\.packageID)) where !present.contains(packageID) {
                if let package = packagesByID[packageID] { dayRecords.packages.append(package) }
            }
            dayRecords.excuses = records.excuses
            dayRecords.disputes = records.disputes
            let counts = StandingCounts(
                StandingRules.metrics(of: driverID, records: dayRecords, scanRule: scanRule, in: interval(ofDay: day)))
            if !counts.isEmpty { result[day] = counts }
        }
        return result
    }

    /// How a standing's window splits: the whole days the kept counters answer for, and the
    /// part-days at either end whose records are judged afresh.
    public struct Split: Sendable, Equatable {
        /// Whole days inside the window; nil when it holds none (a window shorter than two days).
        public var wholeDays: ClosedRange<Int>?
        /// The parts of the window outside the whole days, at most two.
        public var parts: [DateInterval]
    }

    /// Splits `window` into whole days and the parts at its ends.
    public static func split(_ window: DateInterval) -> Split {
        let startDay = day(of: window.start)
        let first = start(ofDay: startDay) == window.start ? startDay : startDay + 1
        let last = day(of: window.end) - 1
        guard first <= last else {
            return Split(wholeDays: nil, parts: window.duration > 0 ? [window] : [])
        }
        var parts: [DateInterval] = []
        if window.start < start(ofDay: first) {
            parts.append(DateInterval(start: window.start, end: start(ofDay: first)))
        }
        if start(ofDay: last + 1) < window.end {
            parts.append(DateInterval(start: start(ofDay: last + 1), end: window.end))
        }
        return Split(wholeDays: first...last, parts: parts)
    }

    /// The standing of `driverID` at `now` from the sum of the kept counts of the window's whole
    /// days and the records of its part-days (`partRecords` may hold more; only records in the
    /// parts are judged). Equal in every number and in the tier to `StandingRules.standing`.
    public static func standing(
        of driverID: String, wholeDays: StandingCounts, partRecords: DriverRecords, policy: DriverPolicy, now: Date
    ) -> StandingNumbers {
        let window = StandingRules.window(policy: policy, now: now)
        let scanRule = ScanRule(policy)
        var counts = wholeDays
        for part in split(window).parts {
            counts += StandingCounts(
                StandingRules.metrics(of: driverID, records: partRecords, scanRule: scanRule, in: part))
        }
        return StandingNumbers(
            driverID: driverID, window: window, counts: counts, judgement: policy.tierRule.judge(counts),
            policyVersion: policy.version)
    }
}
