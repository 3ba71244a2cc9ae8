import Foundation

@testable import FairdeskCore

/// The instant a wall clock in `zone` shows `text` ("2026-03-27 16:00" or "2026-03-27 16:00:30"), worked out
/// by Foundation's own calendar so the tests do not check the calendar code against itself.
func wallClock(_ text: String, in zone: String) -> Date {
    let parts = text.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" }).map { Int($0)! }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: zone)!
    let components = DateComponents(
        year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4],
        second: parts.count > 5 ? parts[5] : 0)
    return calendar.date(from: components)!
}

/// A UTC instant from "2026-03-29T01:00:00Z".
func utc(_ text: String) -> Date {
    ISO8601DateFormatter().date(from: text)!
}

/// An office calendar parsed from admin text, failing the test loudly if the text does not parse.
func officeCalendar(
    _ hours: String = "mon-fri 09:00-17:00", zone: String = "Europe/Berlin", holidays: String = ""
) -> BusinessCalendar {
    BusinessCalendar(
        name: "Office", timeZoneID: zone, weekly: try! BusinessCalendar.parseHours(hours),
        holidays: try! BusinessCalendar.parseHolidays(holidays))
}

/// A small deterministic random source, so property checks fail the same way every run.
struct TestRandom {
    var state: UInt64

    mutating func next(below bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
}
