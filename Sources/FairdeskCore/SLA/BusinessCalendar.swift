import Foundation

/// When a team is at work: weekly opening hours in one time zone, minus holidays.
///
/// SLA targets count business time, so "respond within 4 hours" asked at 16:00 on a Friday is due on
/// Monday morning. Opening hours are local wall-clock times: 09:00-17:00 in Europe/Berlin means 09:00
/// on the office clock in winter and in summer. A day on which the clocks change counts the real seconds
/// that pass, so only hours that straddle the switch come out an hour shorter or longer.
public struct BusinessCalendar: Hashable, Codable, Sendable {
    public var name: String
    /// An IANA time zone name, such as "Europe/Berlin".
    public var timeZoneID: String
    /// Opening hours by ISO weekday: 1 = Monday ... 7 = Sunday. A missing day is closed.
    public var weekly: [Int: [OpeningHours]]
    /// Days closed from local midnight to midnight, in the calendar's time zone.
    public var holidays: Set<LocalDate>

    /// A calendar as given; call `validate()` before storing one an admin typed.
    public init(name: String, timeZoneID: String, weekly: [Int: [OpeningHours]], holidays: Set<LocalDate> = []) {
        self.name = name
        self.timeZoneID = timeZoneID
        self.weekly = weekly
        self.holidays = holidays
    }

    /// A calendar open every minute of every day, in UTC, without holidays: business time is plain time.
    public static func alwaysOpen(name: String = "24/7") -> BusinessCalendar {
        let everyDay = Dictionary(uniqueKeysWithValues: (1...7).map { ($0, [OpeningHours.allDay]) })
        return BusinessCalendar(name: name, timeZoneID: "UTC", weekly: everyDay)
    }

    /// Whether every minute is business time: open all day on all seven days and no holidays.
    ///
    /// The time zone does not matter then, because midnight-to-midnight days join up even when the
    /// clocks change; holidays do, since they close a day.
    public var isAlwaysOpen: Bool {
        holidays.isEmpty
            && (1...7).allSatisfy { BusinessCalendar.merged(weekly[$0] ?? []) == [OpeningHours.allDay] }
    }

    /// Checks what an admin could get wrong: the time zone name, the ranges, and a week with no open minute.
    public func validate() throws(ValidationFailure) {
        var checks = Checks()
        if !BusinessCalendar.isKnownTimeZone(timeZoneID) {
            checks.add("timeZone", "must be a time zone name like Europe/Berlin (got \"\(timeZoneID.prefix(60))\")")
        }
        for day in weekly.keys.sorted() {
            guard (1...7).contains(day) else {
                checks.add("hours", "has day number \(day); days are numbered 1 (Monday) to 7 (Sunday)")
                continue
            }
            let dayName = BusinessCalendar.fullDayNames[day - 1]
            let ranges = (weekly[day] ?? []).sorted { ($0.start, $0.end) < ($1.start, $1.end) }
            for range in ranges where !range.isValid {
                checks.add(
                    "hours", "has \(range) on \(dayName), which is not a range within one day that ends after it starts"
                )
            }
            let valid = ranges.filter(\.isValid)
            for (earlier, later) in zip(valid, valid.dropFirst()) where later.start < earlier.end {
                checks.add("hours", "has overlapping hours on \(dayName): \(earlier) and \(later)")
            }
        }
        let openMinutes = (1...7).reduce(0) { sum, day in
            sum + BusinessCalendar.merged(weekly[day] ?? []).reduce(0) { $0 + $1.minutes }
        }
        if openMinutes == 0 {
            checks.add("hours", "must open for at least one minute a week, like \"mon-fri 09:00-17:00\"")
        }
        for holiday in holidays.sorted() where LocalDate(holiday.description) != holiday {
            checks.add("holidays", "has \(holiday), which is not a date")
        }
        try checks.finish()
    }

    /// Whether `instant` falls within opening hours. Closing time itself is closed.
    public func isOpen(at instant: Date) -> Bool {
        if isAlwaysOpen { return true }
        return CalendarSchedule(self).isOpen(at: instant.timeIntervalSince1970)
    }

    /// The instant that lies `seconds` business seconds after `start` (start itself may be outside hours).
    ///
    /// A due time lands at the end of the last second counted, so 8 hours from Monday 09:00 on a 09:00-17:00
    /// calendar is Monday 17:00, not Tuesday 09:00. Zero or fewer seconds give `start`. If the calendar
    /// opens too rarely to fit `seconds` within about twenty years, or never opens (which `validate()`
    /// refuses), the answer is that horizon, so a worker is never stuck and a due time is always storable.
    public func adding(businessSeconds seconds: Int, to start: Date) -> Date {
        guard seconds > 0 else { return start }
        if isAlwaysOpen { return start.addingTimeInterval(TimeInterval(seconds)) }
        let due = CalendarSchedule(self).adding(seconds, to: start.timeIntervalSince1970)
        return Date(timeIntervalSince1970: due)
    }

    /// Business seconds between two instants (0 if end <= start), rounded to the nearest second.
    public func businessSeconds(from start: Date, to end: Date) -> Int {
        guard end > start else { return 0 }
        if isAlwaysOpen { return Int(end.timeIntervalSince(start).rounded()) }
        let seconds = CalendarSchedule(self).seconds(from: start.timeIntervalSince1970, to: end.timeIntervalSince1970)
        return Int(seconds.rounded())
    }
}

extension BusinessCalendar {
    /// Short day names by ISO weekday - 1, the words `parseHours` reads and `hoursText` writes.
    static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// Day names for messages, by ISO weekday - 1.
    static let fullDayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// Valid ranges of one day, sorted, with overlapping and touching ranges joined.
    static func merged(_ ranges: [OpeningHours]) -> [OpeningHours] {
        var result: [OpeningHours] = []
        for range in ranges.filter(\.isValid).sorted(by: { $0.start < $1.start }) {
            if let last = result.last, range.start <= last.end {
                result[result.count - 1].end = max(last.end, range.end)
            } else {
                result.append(range)
            }
        }
        return result
    }

    /// Whether `identifier` names a real zone. Abbreviations such as "EST" are refused even though
    /// Foundation accepts some: they never switch to daylight saving time, which is rarely what was meant.
    static func isKnownTimeZone(_ identifier: String) -> Bool {
        identifier == "UTC" || identifier == "GMT" || TimeZone.knownTimeZoneIdentifiers.contains(identifier)
    }
}
