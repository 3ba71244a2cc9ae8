import Foundation

/// How a report groups days into rows: by day, month, quarter or year.
public enum ReportUnit: String, Sendable, Codable, CaseIterable {
    case day, month, quarter, year

    /// The row a day belongs to: "2026-11-23", "2026-11", "2026-Q4", "2026".
    public func key(of day: LocalDate) -> String {
        switch self {
        case .day: day.description
        case .month: day.monthKey
        case .quarter: "\(day.year)-Q\((day.month - 1) / 3 + 1)"
        case .year: "\(day.year)"
        }
    }

    /// The first day of the row `day` belongs to.
    public func start(of day: LocalDate) -> LocalDate {
        switch self {
        case .day: day
        case .month: day.startOfMonth
        case .quarter: LocalDate(year: day.year, month: (day.month - 1) / 3 * 3 + 1, day: 1)
        case .year: LocalDate(year: day.year, month: 1, day: 1)
        }
    }

    /// The first day of the row after the one starting on `start`.
    public func next(after start: LocalDate) -> LocalDate {
        switch self {
        case .day: start.adding(days: 1)
        case .month: start.addingMonths(1)
        case .quarter: start.addingMonths(3)
        case .year: start.addingMonths(12)
        }
    }

    /// The default span of a report ending on `today`: 30 days, 12 months, 8 quarters or 5 years.
    public func defaultStart(endingOn today: LocalDate) -> LocalDate {
        let start = self.start(of: today)
        switch self {
        case .day: return today.adding(days: -29)
        case .month: return start.addingMonths(-11)
        case .quarter: return start.addingMonths(-21)
        case .year: return start.addingMonths(-48)
        }
    }

    /// The most rows one report may have; longer spans must be asked for in a coarser unit.
    public var maximumRows: Int {
        switch self {
        case .day: 92
        case .month: 120
        case .quarter: 80
        case .year: 50
        }
    }
}
