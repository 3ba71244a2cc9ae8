import Foundation
import Testing

@testable import FairdeskCore

@Suite("SLA clocks")
struct SLAClockTests {
    let office = officeCalendar()

    func berlinTime(_ text: String) -> Date { wallClock(text, in: "Europe/Berlin") }

    @Test("a clock started late on Friday falls due on Monday")
    func startCountsBusinessTime() {
        let clock = SLAClock.start(
            .firstResponse, targetMinutes: 240, at: berlinTime("2026-05-08 16:00"), calendar: office)
        #expect(clock.targetSeconds == 14_400)
        #expect(clock.dueAt == berlinTime("2026-05-11 12:00"))
        #expect(clock.runningSince == berlinTime("2026-05-08 16:00"))
        // Overnight and over the weekend nothing is used.
        #expect(clock.businessSecondsUsed(at: berlinTime("2026-05-10 20:00"), calendar: office) == 3600)
    }

    @Test("a paused clock keeps what it used and gets a new due time on resume")
    func pauseAndResume() {
        var clock = SLAClock.start(
            .resolution, targetMinutes: 480, at: berlinTime("2026-05-04 09:00"), calendar: office)
        clock.pause(at: berlinTime("2026-05-04 11:00"), calendar: office)
        #expect(clock.consumedSeconds == 7200)
        #expect(clock.dueAt == nil)
        let paused = clock.status(at: berlinTime("2026-05-05 15:00"), calendar: office, riskFraction: 0.25)
        #expect(paused == SLAStatus(state: .paused, dueAt: nil, businessSecondsLeft: 21_600, secondsUsed: 7200))

        clock.resume(at: berlinTime("2026-05-06 09:00"), calendar: office)
        #expect(clock.dueAt == berlinTime("2026-05-06 15:00"))
        #expect(clock.businessSecondsUsed(at: berlinTime("2026-05-06 10:00"), calendar: office) == 10_800)

        // Pausing twice or resuming a running clock changes nothing.
        let running = clock
        clock.resume(at: berlinTime("2026-05-06 12:00"), calendar: office)
        #expect(clock == running)
    }

    @Test("a clock paused near its due time shows paused, not at risk: no time is being used")
    func pausedNearTheEndIsNotAtRisk() {
        var clock = SLAClock.start(
            .resolution, targetMinutes: 480, at: berlinTime("2026-05-04 09:00"), calendar: office)
        clock.pause(at: berlinTime("2026-05-04 16:30"), calendar: office)
        let status = clock.status(at: berlinTime("2026-05-05 12:00"), calendar: office, riskFraction: 0.25)
        #expect(status.state == .paused)
        #expect(status.businessSecondsLeft == 1800)
        clock.resume(at: berlinTime("2026-05-05 12:00"), calendar: office)
        #expect(clock.status(at: berlinTime("2026-05-05 12:00"), calendar: office, riskFraction: 0.25).state == .atRisk)
    }

    @Test("a reply before or exactly at the due time meets the target")
    func stopMet() {
        for reply in ["2026-05-04 10:00", "2026-05-04 11:00"] {
            var clock = SLAClock.start(
                .firstResponse, targetMinutes: 120, at: berlinTime("2026-05-04 09:00"), calendar: office)
            clock.stop(at: berlinTime(reply), calendar: office)
            #expect(clock.isStopped)
            #expect(clock.breachedAt == nil)
            #expect(
                clock.status(at: berlinTime("2026-05-05 12:00"), calendar: office, riskFraction: 0.25).state == .met)
        }
    }

    @Test("a late reply breaches the target and records when it fell due")
    func stopBreached() {
        var clock = SLAClock.start(
            .firstResponse, targetMinutes: 120, at: berlinTime("2026-05-04 09:00"), calendar: office)
        clock.stop(at: berlinTime("2026-05-04 11:30"), calendar: office)
        #expect(clock.breachedAt == berlinTime("2026-05-04 11:00"))
        let status = clock.status(at: berlinTime("2026-05-06 12:00"), calendar: office, riskFraction: 0.25)
        #expect(status.state == .breached)
        #expect(status.businessSecondsLeft == -1800)
        // Stopping again does not move anything.
        let stopped = clock
        clock.stop(at: berlinTime("2026-05-05 10:00"), calendar: office)
        clock.resume(at: berlinTime("2026-05-05 10:00"), calendar: office)
        #expect(clock == stopped)
    }

    @Test("the last quarter of the target is at risk, and past due is breached")
    func statusStates() {
        let clock = SLAClock.start(
            .firstResponse, targetMinutes: 60, at: berlinTime("2026-05-04 09:00"), calendar: office)
        func state(_ time: String) -> SLAState {
            clock.status(at: berlinTime(time), calendar: office, riskFraction: 0.25).state
        }
        #expect(state("2026-05-04 09:44") == .running)
        #expect(state("2026-05-04 09:45") == .atRisk)
        #expect(state("2026-05-04 10:00") == .atRisk)
        #expect(state("2026-05-04 10:00:01") == .breached)
        let late = clock.status(at: berlinTime("2026-05-04 10:30"), calendar: office, riskFraction: 0.25)
        #expect(late.businessSecondsLeft == -1800)
        #expect(late.dueAt == berlinTime("2026-05-04 10:00"))
    }

    @Test("an answer over the weekend to a case due at Friday's closing time is late")
    func closingTimeDeadline() {
        var clock = SLAClock.start(
            .firstResponse, targetMinutes: 60, at: berlinTime("2026-05-08 16:00"), calendar: office)
        #expect(clock.dueAt == berlinTime("2026-05-08 17:00"))
        #expect(clock.status(at: berlinTime("2026-05-08 17:00"), calendar: office, riskFraction: 0.25).state == .atRisk)
        // No business time passes on Saturday, but the due time shown to everyone has.
        let saturday = clock.status(at: berlinTime("2026-05-09 11:00"), calendar: office, riskFraction: 0.25)
        #expect(saturday == SLAStatus(state: .breached, dueAt: clock.dueAt, businessSecondsLeft: 0, secondsUsed: 3600))
        clock.stop(at: berlinTime("2026-05-09 11:00"), calendar: office)
        #expect(clock.breachedAt == berlinTime("2026-05-08 17:00"))
        #expect(
            clock.status(at: berlinTime("2026-05-11 11:00"), calendar: office, riskFraction: 0.25).state == .breached)
    }

    @Test("a breach is recorded at the due time even when the worker comes late, and also on pause")
    func recordBreach() {
        var clock = SLAClock.start(
            .firstResponse, targetMinutes: 60, at: berlinTime("2026-05-04 09:00"), calendar: office)
        let early = clock.recordBreach(at: berlinTime("2026-05-04 09:59"), calendar: office)
        let late = clock.recordBreach(at: berlinTime("2026-05-04 16:00"), calendar: office)
        let again = clock.recordBreach(at: berlinTime("2026-05-04 16:30"), calendar: office)
        #expect([early, late, again] == [false, true, false])
        #expect(clock.breachedAt == berlinTime("2026-05-04 10:00"))

        var resolution = SLAClock.start(
            .resolution, targetMinutes: 60, at: berlinTime("2026-05-04 09:00"), calendar: office)
        resolution.pause(at: berlinTime("2026-05-04 12:00"), calendar: office)
        #expect(resolution.breachedAt == berlinTime("2026-05-04 10:00"))
    }

    @Test("the moment a share of the target is used is known while the clock runs")
    func instantWhenUsed() {
        var clock = SLAClock.start(
            .firstResponse, targetMinutes: 120, at: berlinTime("2026-05-08 16:00"), calendar: office)
        #expect(clock.instant(whenUsed: 0.75, calendar: office) == berlinTime("2026-05-11 09:30"))
        #expect(clock.instant(whenUsed: 1, calendar: office) == clock.dueAt)
        clock.pause(at: berlinTime("2026-05-08 16:30"), calendar: office)
        #expect(clock.instant(whenUsed: 0.75, calendar: office) == nil)
        clock.resume(at: berlinTime("2026-05-11 09:00"), calendar: office)
        // A quarter was used before the pause; that moment is in the past, so the resume time is given.
        #expect(clock.instant(whenUsed: 0.2, calendar: office) == berlinTime("2026-05-11 09:00"))
        #expect(clock.instant(whenUsed: 0.5, calendar: office) == berlinTime("2026-05-11 09:30"))
    }

    @Test("a 24/7 clock counts plain time")
    func alwaysOpenClock() {
        let calendar = BusinessCalendar.alwaysOpen()
        let start = utc("2026-05-09T22:00:00Z")
        let clock = SLAClock.start(.firstResponse, targetMinutes: 90, at: start, calendar: calendar)
        #expect(clock.dueAt == start.addingTimeInterval(5400))
    }

    @Test("clocks survive a trip through JSON")
    func codable() throws {
        var clock = SLAClock.start(
            .resolution, targetMinutes: 480, at: berlinTime("2026-05-04 09:00"), calendar: office)
        clock.pause(at: berlinTime("2026-05-04 11:00"), calendar: office)
        let data = try JSONEncoder().encode(clock)
        #expect(try JSONDecoder().decode(SLAClock.self, from: data) == clock)
    }

    @Test("targets are optional, one minute to a year, each named when wrong")
    func targets() throws {
        let targets = SLATargets(firstResponseMinutes: 60, resolutionMinutes: 2880)
        try targets.validate()
        #expect(targets.minutes(for: .firstResponse) == 60)
        #expect(targets.minutes(for: .nextResponse) == nil)
        #expect(targets.minutes(for: .resolution) == 2880)
        do {
            try SLATargets(firstResponseMinutes: 0, nextResponseMinutes: 525_601).validate()
            Issue.record("zero and over-a-year targets were accepted")
        } catch {
            #expect(
                error.problems == [
                    FieldProblem(field: "firstResponseMinutes", rule: "must be between 1 and 525600 (got 0)"),
                    FieldProblem(field: "nextResponseMinutes", rule: "must be between 1 and 525600 (got 525601)"),
                ])
        }
        #expect(SLAMetric.allCases.map(\.rawValue) == ["first_response", "next_response", "resolution"])
    }
}
