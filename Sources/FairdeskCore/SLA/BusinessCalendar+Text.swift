import Foundation

/// The admin form of a calendar: opening hours and holidays as short lines of text.
extension BusinessCalendar {
    /// Parses admin text like "mon-fri 09:00-17:00; sat 10:00-14:00" (also "mon,wed 08:00-12:00 13:00-17:00",
    /// "24/7", "daily 00:00-24:00").
    ///
    /// Clauses are separated by semicolons or new lines; each names days, then one or more ranges. Days are
    /// `mon` ... `sun` (full names work too), ranges of days like `mon-fri` (also wrapping, `fri-mon`),
    /// `daily`, `weekdays`, `weekends`; a clause `sat-sun closed` adds nothing. Times are `HH:MM` up to
    /// `24:00`, or whole hours like `9-17`. A day named twice gets both clauses' ranges. Every problem
    /// is reported against the field "hours".
    public static func parseHours(_ text: String) throws(ValidationFailure) -> [Int: [OpeningHours]] {
        var checks = Checks()
        var weekly: [Int: [OpeningHours]] = [:]
        let clauses = text.lowercased()
            .replacingOccurrences(of: "\u{2013}", with: "-")
            .replacingOccurrences(of: "\u{2014}", with: "-")
            .split(whereSeparator: { $0 == ";" || $0.isNewline })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        if clauses.isEmpty {
            checks.add("hours", "must not be empty: write days and times like \"mon-fri 09:00-17:00\"")
        }
        for clause in clauses {
            if clause == "24/7" {
                for day in 1...7 { weekly[day, default: []].append(.allDay) }
                continue
            }
            guard let (days, ranges) = parseClause(clause, checks: &checks) else { continue }
            for day in days where !ranges.isEmpty { weekly[day, default: []].append(contentsOf: ranges) }
        }
        for day in weekly.keys.sorted() {
            let sorted = weekly[day]!.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
            for (earlier, later) in zip(sorted, sorted.dropFirst()) where later.start < earlier.end {
                checks.add("hours", "has overlapping hours on \(fullDayNames[day - 1]): \(earlier) and \(later)")
            }
            weekly[day] = sorted
        }
        if checks.problems.isEmpty && weekly.isEmpty {
            checks.add("hours", "must open for at least one minute a week, like \"mon-fri 09:00-17:00\"")
        }
        try checks.finish()
        return weekly
    }

    /// Parses holidays as dates separated by commas, spaces or new lines: "2026-12-25, 2026-12-26".
    ///
    /// Every date that does not parse is named, against the field "holidays". Empty text means no holidays.
    public static func parseHolidays(_ text: String) throws(ValidationFailure) -> Set<LocalDate> {
        var checks = Checks()
        var dates: Set<LocalDate> = []
        let words = text.split(whereSeparator: { $0 == "," || $0 == ";" || $0.isWhitespace })
        for word in words {
            if let date = LocalDate(String(word)) {
                dates.insert(date)
            } else {
                checks.add(
                    "holidays",
                    "has \"\(word.prefix(40))\", which is not a date; write dates as YYYY-MM-DD, like 2026-12-25")
            }
        }
        try checks.finish()
        return dates
    }

    /// The opening hours in the canonical form `parseHours` reads back, e.g. "mon-fri 09:00-17:00; sat 10:00-14:00".
    ///
    /// Days with the same hours share a clause; runs of days are written with a dash. Every day open all day
    /// is "24/7"; the same hours every day is "daily ...".
    public var hoursText: String {
        let byDay: [[OpeningHours]] = (1...7).map { day in
            (weekly[day] ?? []).sorted { ($0.start, $0.end) < ($1.start, $1.end) }
        }
        if byDay.allSatisfy({ $0 == [.allDay] }) { return "24/7" }
        if byDay.allSatisfy({ $0 == byDay[0] }) && !byDay[0].isEmpty { return "daily \(Self.rangesText(byDay[0]))" }
        var clauses: [(days: [Int], ranges: [OpeningHours])] = []
        for (index, ranges) in byDay.enumerated() where !ranges.isEmpty {
            if let existing = clauses.firstIndex(where: { $0.ranges == ranges }) {
                clauses[existing].days.append(index)
            } else {
                clauses.append((days: [index], ranges: ranges))
            }
        }
        return clauses.map { "\(Self.daysText($0.days)) \(Self.rangesText($0.ranges))" }.joined(separator: "; ")
    }

    /// The holidays, sorted and comma-separated: "2026-12-25, 2026-12-26".
    public var holidaysText: String {
        holidays.sorted().map(\.description).joined(separator: ", ")
    }
}

extension BusinessCalendar {
    /// Full day names, so admins can write "monday" or "thurs" as well as "mon".
    private static let dayWords = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// Reads one clause into its days (ISO weekdays) and ranges, adding a problem and returning nil if it
    /// does not read.
    private static func parseClause(_ clause: String, checks: inout Checks) -> (days: [Int], ranges: [OpeningHours])? {
        // "mon - fri" and "09:00 - 17:00" become single words.
        let compact = clause.replacingOccurrences(of: #"\s*-\s*"#, with: "-", options: .regularExpression)
        let words = compact.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        var days: [Int] = []
        var ranges: [OpeningHours] = []
        var closed = false
        for word in words {
            if ranges.isEmpty && !closed, let named = parseDays(word) {
                days.append(contentsOf: named)
            } else if word == "closed" && !days.isEmpty && ranges.isEmpty {
                closed = true
            } else if !days.isEmpty && !closed, let range = parseRange(word) {
                guard range.isValid else {
                    checks.add(
                        "hours",
                        "has \(range) in \"\(clause)\", which does not end after it starts; split hours past "
                            + "midnight over two days, like \"mon 22:00-24:00; tue 00:00-02:00\"")
                    return nil
                }
                ranges.append(range)
            } else if parseDays(word) != nil {
                checks.add(
                    "hours",
                    "has days after times in \"\(clause)\"; separate clauses with semicolons, like "
                        + "\"mon 09:00-12:00; tue 13:00-17:00\"")
                return nil
            } else if days.isEmpty && parseRange(word) != nil {
                checks.add(
                    "hours", "must name the days before the times, like \"mon-fri 09:00-17:00\" (got \"\(clause)\")")
                return nil
            } else if word.first?.isNumber == true {
                checks.add(
                    "hours",
                    "has \"\(word)\" in \"\(clause)\", which is not a time range; write times as HH:MM from 00:00 "
                        + "to 24:00, like 09:00-17:00")
                return nil
            } else {
                checks.add(
                    "hours",
                    "has \"\(word)\" in \"\(clause)\", which is not a day; use mon, tue, wed, thu, fri, sat, sun, "
                        + "ranges like mon-fri, or daily")
                return nil
            }
        }
        if ranges.isEmpty && !closed {
            checks.add("hours", "has no times for \"\(clause)\"; add them like \"mon-fri 09:00-17:00\"")
            return nil
        }
        return (days, ranges)
    }

    /// "mon", "monday", "mon-fri", "fri-mon", "daily", "weekdays", "weekends" as ISO weekdays.
    private static func parseDays(_ word: String) -> [Int]? {
        switch word {
        case "daily", "everyday": return Array(1...7)
        case "weekdays": return Array(1...5)
        case "weekend", "weekends": return [6, 7]
        default: break
        }
        let ends = word.split(separator: "-", omittingEmptySubsequences: false)
        if ends.count == 1 { return parseDay(word).map { [$0] } }
        guard ends.count == 2, let first = parseDay(String(ends[0])), let last = parseDay(String(ends[1])) else {
            return nil
        }
        var days = [first]
        var day = first
        while day != last {
            day = day % 7 + 1
            days.append(day)
        }
        return days
    }

    /// One day name: at least two letters of the English name ("mo", "tues", "thursday").
    private static func parseDay(_ word: String) -> Int? {
        guard word.count >= 2 else { return nil }
        let matches = dayWords.indices.filter { dayWords[$0].hasPrefix(word) }
        return matches.count == 1 ? matches[0] + 1 : nil
    }

    /// "09:00-17:00" or "9-17". Returns the range even when it ends too early, so the caller can say so.
    private static func parseRange(_ word: String) -> OpeningHours? {
        let ends = word.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 2, let start = parseClock(ends[0]), let end = parseClock(ends[1]) else { return nil }
        return OpeningHours(start: start, end: end)
    }

    /// "9", "09", "9:30" or "24:00" as minutes after midnight.
    private static func parseClock(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            (1...2).contains(parts[0].count), let hours = Int(parts[0])
        else { return nil }
        var minutes = 0
        if parts.count == 2 {
            guard parts[1].count == 2, let parsed = Int(parts[1]), parsed < 60 else { return nil }
            minutes = parsed
        }
        let total = hours * 60 + minutes
        return total <= 1440 ? total : nil
    }

    /// Day indices (ISO weekday - 1) as "mon-fri", "mon,wed" or "mon-wed,sat".
    private static func daysText(_ indices: [Int]) -> String {
        var runs: [(first: Int, last: Int)] = []
        for index in indices {
            if let last = runs.last, last.last == index - 1 {
                runs[runs.count - 1].last = index
            } else {
                runs.append((first: index, last: index))
            }
        }
        return runs.map { run in
            run.first == run.last ? dayNames[run.first] : "\(dayNames[run.first])-\(dayNames[run.last])"
        }.joined(separator: ",")
    }

    private static func rangesText(_ ranges: [OpeningHours]) -> String {
        ranges.map(\.description).joined(separator: " ")
    }
}
