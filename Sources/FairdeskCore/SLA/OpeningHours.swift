import Foundation

/// One stretch of a day when the team works, in local wall-clock minutes after midnight.
///
/// `start` is inclusive and `end` exclusive; `end` may be 1440 so a shift can run to midnight and join
/// the next day's 00:00 without a gap. Valid when `0 <= start < end <= 1440`.
public struct OpeningHours: Hashable, Codable, Sendable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    /// Hours from `start` to `end`, in minutes after local midnight.
    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// Open around the clock.
    public static let allDay = OpeningHours(start: 0, end: 1440)

    /// Minutes open, or 0 for a range that is not valid.
    public var minutes: Int { isValid ? end - start : 0 }

    /// Whether the range lies within one day and ends after it starts.
    public var isValid: Bool { 0 <= start && start < end && end <= 1440 }

    /// The range as "09:00-17:00", the form `BusinessCalendar.parseHours` reads.
    public var description: String { "\(OpeningHours.clockText(start))-\(OpeningHours.clockText(end))" }

    /// Minutes after midnight as "HH:MM"; 1440 is written "24:00".
    static func clockText(_ minutes: Int) -> String {
        "\(LocalDate.padded(minutes / 60, to: 2)):\(LocalDate.padded(minutes % 60, to: 2))"
    }
}
