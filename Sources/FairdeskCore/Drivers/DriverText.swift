import Foundation

/// How driver-facing numbers and times are written, the same on every page and in every statement.
enum DriverText {
    /// A share as a percentage with at most one decimal: 0.98 -> "98%", 0.955 -> "95.5%".
    static func percent(_ share: Double) -> String {
        let value = (share * 1000).rounded() / 10
        return value.rounded() == value ? "\(Int(value))%" : "\(value)%"
    }

    /// An instant in UTC to the minute: "2026-05-04 14:03 UTC".
    static func instant(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ number: Int?) -> String { number.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute)) UTC"
    }

    /// A distance as a person says it: "38 m", "1.2 km".
    static func distance(_ metres: Double) -> String {
        if metres < 1000 { return "\(Int(metres.rounded())) m" }
        let kilometres = (metres / 100).rounded() / 10
        return kilometres.rounded() == kilometres ? "\(Int(kilometres)) km" : "\(kilometres) km"
    }

    /// A length of time as a person says it, to the minute: "0 min", "45 min", "1 h 5 min", "3 days 2 h".
    static func duration(_ seconds: TimeInterval) -> String {
        let minutes = Int((abs(seconds) / 60).rounded())
        if minutes < 60 { return "\(minutes) min" }
        let hours = minutes / 60
        if hours < 48 { return minutes % 60 == 0 ? "\(hours) h" : "\(hours) h \(minutes % 60) min" }
        let days = count(hours / 24, "day")
        return hours % 24 == 0 ? days : "\(days) \(hours % 24) h"
    }

    /// `text` as a sentence: with a full stop, unless it already ends with one (or with "?", "!"),
    /// as a lead's own words often do.
    static func sentence(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let last = trimmed.last, !".?!".contains(last) else { return trimmed }
        return trimmed + "."
    }

    /// "1 block", "3 blocks".
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
