import Foundation

extension LocalDate {
    /// The day `instant` falls on in `zone`: the day reports count an event on.
    public init(_ instant: Date, in zone: TimeZone) {
        let local = instant.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: instant))
        self.init(dayNumber: Int((local / 86_400).rounded(.down)))
    }

    /// "2026-11": the month the day is in.
    public var monthKey: String { "\(LocalDate.padded(year, to: 4))-\(LocalDate.padded(month, to: 2))" }

    /// The first day of the month the day is in.
    public var startOfMonth: LocalDate { LocalDate(year: year, month: month, day: 1) }

    /// The day `days` later (earlier when negative).
    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    /// The first day of the month `months` later (earlier when negative).
    public func addingMonths(_ months: Int) -> LocalDate {
        let index = year * 12 + (month - 1) + months
        return LocalDate(year: index / 12, month: index % 12 + 1, day: 1)
    }
}
