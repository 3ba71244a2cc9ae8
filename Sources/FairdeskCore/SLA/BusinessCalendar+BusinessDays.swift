import Foundation

extension BusinessCalendar {
    /// The end of the `days`-th business day after the day `start` falls in (local midnight closing it),
    /// in the calendar's time zone. A business day is a day with any opening hours that is not a holiday;
    /// the day of `start` itself is not counted, so a suspension on Friday afternoon for 7 business days
    /// gets seven whole working days. Zero or fewer days give `start`.
    public func endOfBusinessDays(_ days: Int, after start: Date) -> Date {
        guard days > 0 else { return start }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZoneID) ?? TimeZone(secondsFromGMT: 0)!
        var day = calendar.startOfDay(for: start)
        var counted = 0
        // Bounded like `adding`: a calendar that never opens (refused by `validate()`) still ends.
        for _ in 0..<(CalendarSchedule.searchLimitDays) {
            day = calendar.date(byAdding: .day, value: 1, to: day)!
            let parts = calendar.dateComponents([.year, .month, .day], from: day)
            let local = LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)
            if !holidays.contains(local), !BusinessCalendar.merged(weekly[local.isoWeekday] ?? []).isEmpty {
                counted += 1
                if counted == days { return calendar.date(byAdding: .day, value: 1, to: day)! }
            }
        }
        return day
    }
}
