import Foundation
import Testing

@testable import FairdeskCore

@Suite("Local dates")
struct LocalDateTests {
    @Test("only real dates in YYYY-MM-DD form are read")
    func parsing() {
        #expect(LocalDate("2026-12-25") == LocalDate(year: 2026, month: 12, day: 25))
        #expect(LocalDate("2024-02-29") != nil)
        for bad in [
            "2026-02-29", "2026-02-30", "2026-13-01", "2026-00-10", "2026-2-3", "26-12-25", "2026-12-25x", "",
            "２０２６-12-25",
        ] {
            #expect(LocalDate(bad) == nil, "\(bad)")
        }
    }

    @Test("dates print with leading zeros and sort by time")
    func printingAndOrder() {
        #expect(LocalDate(year: 2026, month: 3, day: 9).description == "2026-03-09")
        #expect(LocalDate(year: 2026, month: 3, day: 9) < LocalDate(year: 2026, month: 10, day: 1))
        #expect(LocalDate(year: 2025, month: 12, day: 31) < LocalDate(year: 2026, month: 1, day: 1))
    }

    @Test("weekdays and day numbers match the Gregorian calendar")
    func dayArithmetic() {
        #expect(LocalDate(year: 1970, month: 1, day: 1).dayNumber == 0)
        #expect(LocalDate(year: 2026, month: 12, day: 25).isoWeekday == 5)
        #expect(LocalDate(year: 2026, month: 3, day: 29).isoWeekday == 7)
        #expect(LocalDate(year: 1969, month: 12, day: 29).isoWeekday == 1)
        for dayNumber in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(LocalDate(dayNumber: dayNumber).dayNumber == dayNumber)
        }
    }
}
