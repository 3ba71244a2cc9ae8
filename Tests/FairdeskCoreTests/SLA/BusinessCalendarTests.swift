import Foundation
import Testing

@testable import FairdeskCore

@Suite("Business calendar time")
struct BusinessCalendarTests {
    let berlin = officeCalendar()

    func berlinTime(_ text: String) -> Date { wallClock(text, in: "Europe/Berlin") }

    @Test("four hours asked late on Friday are due on Monday morning")
    func weekend() {
        // The clocks also spring forward that Sunday; office hours do not notice.
        let due = berlin.adding(businessSeconds: 4 * 3600, to: berlinTime("2026-03-27 16:00"))
        #expect(due == berlinTime("2026-03-30 12:00"))
        #expect(due == utc("2026-03-30T10:00:00Z"))
    }

    @Test("a holiday on Friday pushes a Thursday afternoon request to Monday")
    func holidayOnFriday() {
        let calendar = officeCalendar(holidays: "2026-12-25")
        let due = calendar.adding(businessSeconds: 2 * 3600, to: berlinTime("2026-12-24 16:00"))
        #expect(due == berlinTime("2026-12-28 10:00"))
        #expect(!calendar.isOpen(at: berlinTime("2026-12-25 11:00")))
        #expect(berlin.isOpen(at: berlinTime("2026-12-25 11:00")))
    }

    @Test("a request made outside hours starts counting at the next opening")
    func startOutsideHours() {
        #expect(
            berlin.adding(businessSeconds: 1800, to: berlinTime("2026-05-05 07:00")) == berlinTime("2026-05-05 09:30"))
        #expect(
            berlin.adding(businessSeconds: 3600, to: berlinTime("2026-05-05 18:00")) == berlinTime("2026-05-06 10:00"))
        #expect(
            berlin.adding(businessSeconds: 3600, to: berlinTime("2026-05-09 12:00")) == berlinTime("2026-05-11 10:00"))
        #expect(berlin.businessSeconds(from: berlinTime("2026-05-09 12:00"), to: berlinTime("2026-05-10 20:00")) == 0)
    }

    @Test("a full day's target ends at closing time, not at the next opening")
    func exactFit() {
        #expect(
            berlin.adding(businessSeconds: 8 * 3600, to: berlinTime("2026-05-04 09:00"))
                == berlinTime("2026-05-04 17:00"))
        #expect(
            berlin.adding(businessSeconds: 8 * 3600 + 1, to: berlinTime("2026-05-04 09:00"))
                == berlinTime("2026-05-05 09:00:01"))
        #expect(berlin.adding(businessSeconds: 0, to: berlinTime("2026-05-09 12:00")) == berlinTime("2026-05-09 12:00"))
        #expect(!berlin.isOpen(at: berlinTime("2026-05-04 17:00")))
        #expect(berlin.isOpen(at: berlinTime("2026-05-04 09:00")))
    }

    @Test("09:00-17:00 is eight hours on the days the clocks change")
    func dstDaysKeepOfficeHours() {
        let daily = officeCalendar("daily 09:00-17:00")
        for day in ["2026-03-29", "2026-10-25"] {
            let seconds = daily.businessSeconds(from: berlinTime("\(day) 00:00"), to: berlinTime("\(day) 23:59"))
            #expect(seconds == 8 * 3600)
            #expect(
                daily.adding(businessSeconds: 8 * 3600, to: berlinTime("\(day) 06:00")) == berlinTime("\(day) 17:00"))
        }
        // Summer time: 09:00 in Berlin is 07:00 UTC after the switch, 08:00 before it.
        #expect(daily.isOpen(at: utc("2026-03-29T07:30:00Z")))
        #expect(!daily.isOpen(at: utc("2026-03-28T07:30:00Z")))
    }

    @Test("hours that straddle a clock change count the real seconds that pass")
    func straddlingHours() {
        let night = officeCalendar("sun 01:00-04:00")
        func sunday(_ day: String) -> Int {
            night.businessSeconds(from: berlinTime("\(day) 00:00"), to: berlinTime("\(day) 12:00"))
        }
        #expect(sunday("2026-03-22") == 3 * 3600)
        #expect(sunday("2026-03-29") == 2 * 3600)  // 02:00 never happens
        #expect(sunday("2026-10-25") == 4 * 3600)  // 02:00-03:00 happens twice
        // Due times walk the real timeline: 2h30 from 01:00 on the short night ends at the next Sunday's 01:30.
        #expect(
            night.adding(businessSeconds: 9000, to: berlinTime("2026-03-29 01:00"))
                == berlinTime("2026-04-05 01:30"))
        // On the long night the shop is open through both 02:30s.
        #expect(night.isOpen(at: utc("2026-10-25T00:30:00Z")))
        #expect(night.isOpen(at: utc("2026-10-25T01:30:00Z")))
        #expect(!night.isOpen(at: utc("2026-10-25T03:00:00Z")))
    }

    @Test("an opening inside the skipped hour opens when the clocks jump")
    func openingInTheGap() {
        let late = officeCalendar("sun 02:30-05:00")
        #expect(!late.isOpen(at: utc("2026-03-29T00:59:59Z")))  // 01:59:59 CET
        #expect(late.isOpen(at: utc("2026-03-29T01:00:00Z")))  // 03:00 CEST
        #expect(late.businessSeconds(from: utc("2026-03-28T12:00:00Z"), to: utc("2026-03-29T12:00:00Z")) == 7200)
    }

    @Test("New York days are 11 and 13 hours long when its clocks change")
    func newYork() {
        let mornings = officeCalendar("daily 00:00-12:00", zone: "America/New_York")
        func newYork(_ text: String) -> Date { wallClock(text, in: "America/New_York") }
        #expect(
            mornings.businessSeconds(from: newYork("2026-03-08 00:00"), to: newYork("2026-03-08 23:00")) == 11 * 3600)
        #expect(
            mornings.businessSeconds(from: newYork("2026-11-01 00:00"), to: newYork("2026-11-01 23:00")) == 13 * 3600)
        #expect(
            mornings.adding(businessSeconds: 12 * 3600, to: newYork("2026-03-08 00:00")) == newYork("2026-03-09 01:00"))
        #expect(
            mornings.adding(businessSeconds: 12 * 3600, to: newYork("2026-11-01 00:00")) == newYork("2026-11-01 11:00"))
    }

    @Test("time zones east and west of UTC put the office day on the right UTC hours")
    func bothSidesOfUTC() {
        let auckland = officeCalendar(zone: "Pacific/Auckland")
        // Monday 10:00 in Auckland (UTC+13 in January) is still Sunday in UTC.
        #expect(auckland.isOpen(at: utc("2026-01-04T21:00:00Z")))
        #expect(!auckland.isOpen(at: utc("2026-01-05T05:00:00Z")))
        #expect(
            auckland.adding(businessSeconds: 3600, to: utc("2026-01-09T03:30:00Z"))
                == wallClock("2026-01-12 09:30", in: "Pacific/Auckland"))

        let losAngeles = officeCalendar(zone: "America/Los_Angeles")
        // Friday 16:30 in Los Angeles (UTC-8) is already Saturday in UTC.
        #expect(losAngeles.isOpen(at: utc("2026-01-10T00:30:00Z")))
        #expect(
            losAngeles.adding(businessSeconds: 3600, to: utc("2026-01-10T00:30:00Z")) == utc("2026-01-12T17:30:00Z"))

        let kolkata = officeCalendar(zone: "Asia/Kolkata")
        #expect(kolkata.isOpen(at: utc("2026-01-05T03:30:00Z")))  // 09:00 at UTC+5:30
        #expect(!kolkata.isOpen(at: utc("2026-01-05T03:29:59Z")))
    }

    @Test("a 24/7 calendar is plain time")
    func alwaysOpen() {
        let calendar = BusinessCalendar.alwaysOpen()
        #expect(calendar.isAlwaysOpen)
        var random = TestRandom(state: 7)
        for _ in 0..<200 {
            let start = Date(timeIntervalSince1970: 1_767_225_600 + Double(random.next(below: 40_000_000)))
            let seconds = random.next(below: 10_000_000)
            #expect(calendar.adding(businessSeconds: seconds, to: start) == start.addingTimeInterval(Double(seconds)))
            #expect(calendar.businessSeconds(from: start, to: start.addingTimeInterval(Double(seconds))) == seconds)
        }
        // The same hours in a zone with clock changes are still plain time.
        let berlin24 = officeCalendar("24/7")
        #expect(berlin24.isAlwaysOpen)
        #expect(berlin24.businessSeconds(from: utc("2026-03-28T00:00:00Z"), to: utc("2026-03-30T00:00:00Z")) == 172_800)
        // A holiday closes a day even on a 24/7 calendar.
        #expect(!officeCalendar("24/7", holidays: "2026-12-25").isAlwaysOpen)
    }

    @Test("adding and counting agree, across clock changes and holidays")
    func addingAndCountingAgree() {
        let calendars = [
            officeCalendar(holidays: "2026-04-03 2026-04-06 2026-12-25"),
            officeCalendar("mon,wed 08:00-12:00 13:00-17:00; sun 01:00-04:00", zone: "America/New_York"),
            officeCalendar("daily 22:00-24:00", zone: "Pacific/Auckland", holidays: "2026-04-05"),
        ]
        var random = TestRandom(state: 42)
        for calendar in calendars {
            for _ in 0..<60 {
                let start = utc("2026-01-01T00:00:00Z").addingTimeInterval(Double(random.next(below: 31_536_000)))
                let seconds = 1 + random.next(below: 400_000)
                let due = calendar.adding(businessSeconds: seconds, to: start)
                #expect(calendar.businessSeconds(from: start, to: due) == seconds)
                #expect(calendar.businessSeconds(from: start, to: due.addingTimeInterval(-1)) < seconds)
            }
        }
    }

    @Test("counting whole weeks at once gives the same answer as looking minute by minute")
    func weeksMatchMinutes() {
        let calendar = officeCalendar("mon-fri 09:00-12:30 13:15-17:00; sun 01:00-04:00", holidays: "2026-03-18")
        let start = utc("2026-03-07T10:00:00Z")
        // Every opening and closing falls on a quarter hour, so quarter-hour samples are exact.
        var quarters = 0
        for quarter in 0..<(4 * 7 * 96) where calendar.isOpen(at: start.addingTimeInterval(Double(quarter * 900))) {
            quarters += 1
        }
        #expect(quarters > 0)
        #expect(calendar.businessSeconds(from: start, to: start.addingTimeInterval(4 * 7 * 86400)) == quarters * 900)
    }

    @Test("a year-long target on office hours is answered quickly and exactly")
    func longSpan() {
        let calendar = officeCalendar(holidays: "2026-12-25, 2027-01-01, 2028-12-25")
        let start = berlinTime("2026-06-01 09:00")
        let clock = ContinuousClock()
        var due = start
        let elapsed = clock.measure {
            due = calendar.adding(businessSeconds: 525_600 * 60, to: start)
        }
        #expect(calendar.businessSeconds(from: start, to: due) == 525_600 * 60)
        #expect(due > berlinTime("2030-06-01 09:00"))
        #expect(elapsed < .milliseconds(200))
    }

    @Test("a calendar that never opens still gives an answer")
    func neverOpen() {
        let closed = BusinessCalendar(name: "Closed", timeZoneID: "Europe/Berlin", weekly: [:])
        let start = utc("2026-01-01T00:00:00Z")
        let due = closed.adding(businessSeconds: 60, to: start)
        #expect(due > start.addingTimeInterval(19 * 365 * 86400))
        #expect(closed.businessSeconds(from: start, to: due) == 0)
        #expect(!closed.isOpen(at: start))
    }
}
