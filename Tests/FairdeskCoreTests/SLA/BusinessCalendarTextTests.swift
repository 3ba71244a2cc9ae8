import Foundation
import Testing

@testable import FairdeskCore

@Suite("Business calendar text and validation")
struct BusinessCalendarTextTests {
    func problems(hours text: String) -> [FieldProblem] {
        do {
            _ = try BusinessCalendar.parseHours(text)
            return []
        } catch {
            return error.problems
        }
    }

    @Test("office hours read the way an admin writes them")
    func parsesHours() throws {
        let hours = try BusinessCalendar.parseHours("mon-fri 09:00-17:00; sat 10:00-14:00")
        #expect(hours[1] == [OpeningHours(start: 540, end: 1020)])
        #expect(hours[5] == [OpeningHours(start: 540, end: 1020)])
        #expect(hours[6] == [OpeningHours(start: 600, end: 840)])
        #expect(hours[7] == nil)

        let split = try BusinessCalendar.parseHours("mon,wed 08:00-12:00 13:00-17:00")
        #expect(split.keys.sorted() == [1, 3])
        #expect(split[3] == [OpeningHours(start: 480, end: 720), OpeningHours(start: 780, end: 1020)])

        let always = try BusinessCalendar.parseHours("24/7")
        #expect(always == (try BusinessCalendar.parseHours("daily 00:00-24:00")))
        #expect(always.count == 7 && always.values.allSatisfy { $0 == [.allDay] })
    }

    @Test("looser spellings an admin might type are understood")
    func looseSpellings() throws {
        let expected = try BusinessCalendar.parseHours("mon-fri 09:00-17:00; sat 10:00-14:00")
        #expect(try BusinessCalendar.parseHours("Mon - Fri 9-17\nSaturday 10:00 - 14:00\nsun closed") == expected)
        #expect(try BusinessCalendar.parseHours("weekdays 9:00-17:00; sat 10-14") == expected)
        // Ranges of days may wrap past Sunday.
        #expect(try BusinessCalendar.parseHours("fri-mon 10:00-12:00").keys.sorted() == [1, 5, 6, 7])
    }

    @Test("the canonical text reads back to the same hours")
    func roundTrip() throws {
        let texts = [
            "mon-fri 09:00-17:00; sat 10:00-14:00",
            "mon,wed 08:00-12:00 13:00-17:00",
            "24/7",
            "daily 08:30-20:00",
            "mon-wed,fri 07:00-15:00; thu 10:00-24:00; sun 00:00-02:00",
            "tue 09:00-09:01; sat-sun 10:00-12:00",
        ]
        for text in texts {
            let hours = try BusinessCalendar.parseHours(text)
            let calendar = BusinessCalendar(name: "Office", timeZoneID: "UTC", weekly: hours)
            #expect(calendar.hoursText == text)
            #expect(try BusinessCalendar.parseHours(calendar.hoursText) == hours)
        }
        let messy = try BusinessCalendar.parseHours("sat 10-14; Monday-Friday 9-17; daily 20:00-21:00")
        let canonical = BusinessCalendar(name: "Office", timeZoneID: "UTC", weekly: messy).hoursText
        #expect(canonical == "mon-fri 09:00-17:00 20:00-21:00; sat 10:00-14:00 20:00-21:00; sun 20:00-21:00")
    }

    @Test("hours that do not read are refused, naming the field and the text")
    func hourErrors() {
        let cases: [(String, String)] = [
            ("", "must not be empty"),
            ("mno 09:00-17:00", "\"mno\" in \"mno 09:00-17:00\", which is not a day"),
            ("mon 25:00-26:00", "\"25:00-26:00\" in \"mon 25:00-26:00\", which is not a time range"),
            ("mon 17:00-09:00", "split hours past midnight over two days"),
            ("09:00-17:00", "must name the days before the times"),
            ("mon-fri", "has no times for \"mon-fri\""),
            ("mon 09:00-12:00 tue 13:00-17:00", "separate clauses with semicolons"),
            ("mon-fri 09:00-13:00; fri 12:00-17:00", "overlapping hours on Friday: 09:00-13:00 and 12:00-17:00"),
            ("sat-sun closed", "must open for at least one minute a week"),
        ]
        for (text, expected) in cases {
            let found = problems(hours: text)
            #expect(found.count == 1, "\(text)")
            #expect(found.first?.field == "hours")
            #expect(found.first?.rule.contains(expected) == true, "\(text): \(found.first?.rule ?? "accepted")")
        }
        // Every bad clause is reported at once.
        #expect(problems(hours: "mno 09:00-17:00; tue 18:00-08:00").count == 2)
    }

    @Test("holidays read from a list and write back sorted")
    func holidays() throws {
        let dates = try BusinessCalendar.parseHolidays("2026-12-26, 2026-12-25\n2027-01-01 2026-12-25")
        #expect(
            dates == [
                LocalDate(year: 2026, month: 12, day: 25), LocalDate(year: 2026, month: 12, day: 26),
                LocalDate(year: 2027, month: 1, day: 1),
            ])
        let calendar = BusinessCalendar(name: "Office", timeZoneID: "UTC", weekly: [1: [.allDay]], holidays: dates)
        #expect(calendar.holidaysText == "2026-12-25, 2026-12-26, 2027-01-01")
        #expect(try BusinessCalendar.parseHolidays(calendar.holidaysText) == dates)
        #expect(try BusinessCalendar.parseHolidays("  ").isEmpty)
    }

    @Test("a holiday that is not a date is refused, naming each one")
    func holidayErrors() {
        do {
            _ = try BusinessCalendar.parseHolidays("2026-12-25, 2026-02-30, christmas")
            Issue.record("bad holidays were accepted")
        } catch {
            #expect(error.problems.map(\.field) == ["holidays", "holidays"])
            #expect(error.problems[0].rule.hasPrefix("has \"2026-02-30\", which is not a date"))
            #expect(error.problems[1].rule.contains("like 2026-12-25"))
        }
    }

    @Test("validation names an unknown time zone, bad ranges and a week with no open minute")
    func validation() throws {
        try officeCalendar().validate()
        try BusinessCalendar.alwaysOpen().validate()
        try officeCalendar(zone: "Pacific/Auckland").validate()

        func fields(_ calendar: BusinessCalendar) -> [FieldProblem] {
            do {
                try calendar.validate()
                return []
            } catch {
                return error.problems
            }
        }
        let office = officeCalendar()
        var calendar = office
        calendar.timeZoneID = "Mars/Olympus_Mons"
        #expect(
            fields(calendar) == [
                FieldProblem(
                    field: "timeZone", rule: "must be a time zone name like Europe/Berlin (got \"Mars/Olympus_Mons\")")
            ])
        // Abbreviations never switch to summer time, which is almost never what an office means.
        calendar.timeZoneID = "EST"
        #expect(fields(calendar).map(\.field) == ["timeZone"])

        calendar = office
        calendar.weekly[2] = [OpeningHours(start: 540, end: 780), OpeningHours(start: 720, end: 1020)]
        #expect(
            fields(calendar) == [
                FieldProblem(field: "hours", rule: "has overlapping hours on Tuesday: 09:00-13:00 and 12:00-17:00")
            ])

        calendar = office
        calendar.weekly[3] = [OpeningHours(start: 1020, end: 540)]
        calendar.weekly[9] = [.allDay]
        #expect(fields(calendar).map(\.field) == ["hours", "hours"])

        calendar = office
        calendar.weekly = [1: [], 7: []]
        #expect(
            fields(calendar).map(\.rule) == ["must open for at least one minute a week, like \"mon-fri 09:00-17:00\""])
    }

    @Test("calendars survive a trip through JSON, holidays as plain dates")
    func codable() throws {
        let calendar = officeCalendar(holidays: "2026-12-25")
        let data = try JSONEncoder().encode(calendar)
        #expect(String(decoding: data, as: UTF8.self).contains("\"2026-12-25\""))
        #expect(try JSONDecoder().decode(BusinessCalendar.self, from: data) == calendar)
    }
}
