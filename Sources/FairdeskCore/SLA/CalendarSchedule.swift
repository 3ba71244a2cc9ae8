import Foundation

/// A `BusinessCalendar` prepared for arithmetic on instants, built once per question.
///
/// Instants are seconds since 1970 (UTC). Local wall-clock readings are written the same way, as if
/// the wall clock were UTC ("local seconds"), so local day `d` covers local seconds `d * 86400 ..<
/// (d + 1) * 86400` and day numbers are plain integers. The time zone is consulted only to turn a local
/// reading into an instant.
struct CalendarSchedule {
    static let secondsPerDay = 86_400
    /// How far `adding` looks before giving up: about twenty years.
    static let searchLimitDays = 7_305

    let timeZone: TimeZone
    /// Open ranges by ISO weekday - 1, in seconds after local midnight, sorted and joined.
    let ranges: [[(start: Int, end: Int)]]
    /// Holidays as day numbers.
    let holidays: Set<Int>
    /// Business seconds in a week without holidays or clock changes.
    let weekSeconds: Int

    init(_ calendar: BusinessCalendar) {
        // An unknown zone is refused by `validate()`; UTC keeps the arithmetic going if one slips through.
        timeZone = TimeZone(identifier: calendar.timeZoneID) ?? TimeZone(secondsFromGMT: 0)!
        ranges = (1...7).map { day in
            BusinessCalendar.merged(calendar.weekly[day] ?? []).map { (start: $0.start * 60, end: $0.end * 60) }
        }
        holidays = Set(calendar.holidays.map(\.dayNumber))
        weekSeconds = ranges.joined().reduce(0) { $0 + $1.end - $1.start }
    }

    // MARK: Time zone

    func offset(at instant: Double) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: instant))
    }

    /// The local day number in which `instant` falls.
    func localDay(of instant: Double) -> Int {
        Int(((instant + Double(offset(at: instant))) / Double(Self.secondsPerDay)).rounded(.down))
    }

    /// The first instant at which the wall clock reads at least `local`.
    ///
    /// Usually that is the instant the clock shows `local`. When clocks go back and `local` is shown twice,
    /// it is the first time. When clocks spring forward over `local`, it is the moment of the jump, so an
    /// opening at 02:30 on that night opens at 03:00 and a range across the jump counts real seconds.
    func instant(ofLocal local: Int) -> Double {
        let before = offset(at: Double(local - Self.secondsPerDay))
        let after = offset(at: Double(local + Self.secondsPerDay))
        if before == after { return Double(local - before) }
        let early = local - max(before, after)
        let late = local - min(before, after)
        let earlyFits = offset(at: Double(local - before)) == before
        let lateFits = offset(at: Double(local - after)) == after
        switch (earlyFits, lateFits) {
        case (true, true): return Double(early)
        case (true, false): return Double(local - before)
        case (false, true): return Double(local - after)
        case (false, false):
            // `local` is skipped: find the transition between the two readings by bisection.
            var low = early
            var high = late
            let lowOffset = offset(at: Double(low))
            while high - low > 1 {
                let middle = low + (high - low) / 2
                if offset(at: Double(middle)) == lowOffset { low = middle } else { high = middle }
            }
            return Double(high)
        }
    }

    /// The offset that holds across local days `first ... last`, if the clocks do not change then.
    ///
    /// Looking a day beyond each end covers every instant `instant(ofLocal:)` would consult.
    func uniformOffset(fromDay first: Int, through last: Int) -> Int? {
        let before = offset(at: Double((first - 1) * Self.secondsPerDay))
        let after = offset(at: Double((last + 2) * Self.secondsPerDay))
        return before == after ? before : nil
    }

    /// The first instant of local day `day`.
    func dayStart(_ day: Int) -> Double { instant(ofLocal: day * Self.secondsPerDay) }

    // MARK: Open intervals

    /// The open intervals of local day `day` as instants, in order; none on a holiday.
    func openIntervals(ofDay day: Int) -> [(start: Double, end: Double)] {
        if holidays.contains(day) { return [] }
        let dayRanges = ranges[LocalDate.isoWeekday(ofDayNumber: day) - 1]
        if dayRanges.isEmpty { return [] }
        let midnight = day * Self.secondsPerDay
        if let offset = uniformOffset(fromDay: day, through: day) {
            return dayRanges.map {
                (start: Double(midnight + $0.start - offset), end: Double(midnight + $0.end - offset))
            }
        }
        return dayRanges.compactMap { range in
            let start = instant(ofLocal: midnight + range.start)
            let end = instant(ofLocal: midnight + range.end)
            // A range that lies wholly inside a spring-forward gap never opens.
            return end > start ? (start: start, end: end) : nil
        }
    }

    /// Whether the seven days from `day` can be counted as one ordinary week: no holiday, no clock change.
    func isOrdinaryWeek(from day: Int) -> Bool {
        !(day..<day + 7).contains(where: holidays.contains) && uniformOffset(fromDay: day, through: day + 6) != nil
    }

    // MARK: Questions

    func isOpen(at instant: Double) -> Bool {
        let day = localDay(of: instant)
        // Neighbouring days too: where clocks go back at midnight, an instant can lie in the next day's hours.
        for candidate in day - 1...day + 1 {
            for interval in openIntervals(ofDay: candidate) where interval.start <= instant && instant < interval.end {
                return true
            }
        }
        return false
    }

    func adding(_ seconds: Int, to start: Double) -> Double {
        var remaining = Double(seconds)
        let firstDay = localDay(of: start) - 1
        var day = firstDay
        while weekSeconds > 0 && day <= firstDay + Self.searchLimitDays {
            // Whole ordinary weeks after the start are skipped in one step; long targets stay cheap.
            if Double(weekSeconds) < remaining && dayStart(day) >= start && isOrdinaryWeek(from: day) {
                remaining -= Double(weekSeconds)
                day += 7
                continue
            }
            for interval in openIntervals(ofDay: day) {
                let from = max(interval.start, start)
                guard interval.end > from else { continue }
                if interval.end - from >= remaining { return from + remaining }
                remaining -= interval.end - from
            }
            day += 1
        }
        return start + Double(Self.searchLimitDays * Self.secondsPerDay)
    }

    func seconds(from start: Double, to end: Double) -> Double {
        var total = 0.0
        var day = localDay(of: start) - 1
        let lastDay = localDay(of: end) + 1
        while day <= lastDay {
            if weekSeconds > 0 && dayStart(day + 7) <= end && dayStart(day) >= start && isOrdinaryWeek(from: day) {
                total += Double(weekSeconds)
                day += 7
                continue
            }
            for interval in openIntervals(ofDay: day) {
                let overlap = min(interval.end, end) - max(interval.start, start)
                if overlap > 0 { total += overlap }
            }
            day += 1
        }
        return total
    }
}
