import Foundation
import Testing

@testable import FairdeskCore

@Suite("Escalation ladders")
struct EscalationTests {
    let office = officeCalendar()

    func berlinTime(_ text: String) -> Date { wallClock(text, in: "Europe/Berlin") }

    /// A 100-minute first-response clock started Monday 09:00, so minutes used are percents used.
    var clock: SLAClock {
        SLAClock.start(.firstResponse, targetMinutes: 100, at: berlinTime("2026-05-04 09:00"), calendar: office)
    }

    @Test("the standard ladder notifies the owner, then the lead, then reassigns")
    func standard() throws {
        #expect(EscalationLadder.standard.text == "notify_owner@75, notify_lead@90, reassign@95")
        #expect(try EscalationLadder.parse(EscalationLadder.standard.text) == .standard)
        #expect(
            try EscalationLadder.parse(" Notify-Owner @ 50%;\nreassign@100 ").text == "notify_owner@50, reassign@100")
        #expect(try EscalationLadder.parse("").steps.isEmpty)
    }

    @Test("ladders that do not read are refused, naming the field")
    func parseErrors() {
        let cases: [(String, String)] = [
            ("page_ceo@80", "unknown action \"page_ceo\"; use one of: notify_owner, notify_lead, reassign"),
            ("notify_owner@0", "from 1 to 100"),
            ("notify_owner@101", "from 1 to 100"),
            ("notify_owner@soon", "from 1 to 100"),
            ("notify_owner 75", "write each step as action@percent"),
            ("notify_lead@90, notify_owner@75", "increasing percent (notify_owner@75 comes after notify_lead@90)"),
            ("notify_owner@75, notify_lead@75", "increasing percent"),
        ]
        for (text, expected) in cases {
            do {
                _ = try EscalationLadder.parse(text)
                Issue.record("\(text) was accepted")
            } catch {
                #expect(error.problems.count == 1)
                #expect(error.problems.first?.field == "escalation")
                #expect(error.problems.first?.rule.contains(expected) == true, "\(error.summary)")
            }
        }
    }

    @Test("steps built or stored out of order are kept sorted")
    func sorted() throws {
        var ladder = EscalationLadder(steps: [
            EscalationStep(action: .reassign, percentUsed: 95), EscalationStep(action: .notifyOwner, percentUsed: 75),
        ])
        #expect(ladder.text == "notify_owner@75, reassign@95")
        ladder.steps.append(EscalationStep(action: .notifyLead, percentUsed: 90))
        #expect(ladder.text == "notify_owner@75, notify_lead@90, reassign@95")
        let json = #"{"steps":[{"action":"reassign","percentUsed":95},{"action":"notify_owner","percentUsed":75}]}"#
        #expect(
            try JSONDecoder().decode(EscalationLadder.self, from: Data(json.utf8)).text
                == "notify_owner@75, reassign@95")
    }

    @Test("steps fire once their share is used, and only those not taken yet")
    func dueSteps() {
        let ladder = EscalationLadder.standard
        func due(_ time: String, taken: Int) -> [EscalationAction] {
            ladder.dueSteps(clock: clock, taken: taken, now: berlinTime(time), calendar: office).map(\.action)
        }
        #expect(due("2026-05-04 10:14", taken: 0) == [])
        #expect(due("2026-05-04 10:15", taken: 0) == [.notifyOwner])
        #expect(due("2026-05-04 10:36", taken: 1) == [.notifyLead, .reassign])
        #expect(due("2026-05-04 10:36", taken: 3) == [])
        // A worker that was down catches up with everything at once.
        #expect(due("2026-05-05 12:00", taken: 0) == [.notifyOwner, .notifyLead, .reassign])
    }

    @Test("a paused or stopped clock does not escalate")
    func pausedOrStopped() {
        var paused = clock
        paused.pause(at: berlinTime("2026-05-04 10:20"), calendar: office)
        let ladder = EscalationLadder.standard
        #expect(ladder.dueSteps(clock: paused, taken: 0, now: berlinTime("2026-05-04 12:00"), calendar: office) == [])
        #expect(ladder.nextCheck(clock: paused, taken: 0, calendar: office) == nil)
        var stopped = clock
        stopped.stop(at: berlinTime("2026-05-04 10:20"), calendar: office)
        #expect(ladder.dueSteps(clock: stopped, taken: 0, now: berlinTime("2026-05-04 12:00"), calendar: office) == [])
        #expect(ladder.nextCheck(clock: stopped, taken: 0, calendar: office) == nil)
        // On resume the step whose moment passed during the pause is due at once.
        paused.resume(at: berlinTime("2026-05-05 09:00"), calendar: office)
        #expect(ladder.nextCheck(clock: paused, taken: 0, calendar: office) == berlinTime("2026-05-05 09:00"))
        #expect(
            ladder.dueSteps(clock: paused, taken: 0, now: berlinTime("2026-05-05 09:00"), calendar: office).count == 1)
    }

    @Test("the next check is the next step, then the due time, then nothing once the breach is recorded")
    func nextCheck() {
        let ladder = EscalationLadder.standard
        #expect(ladder.nextCheck(clock: clock, taken: 0, calendar: office) == berlinTime("2026-05-04 10:15"))
        #expect(ladder.nextCheck(clock: clock, taken: 2, calendar: office) == berlinTime("2026-05-04 10:35"))
        #expect(ladder.nextCheck(clock: clock, taken: 3, calendar: office) == berlinTime("2026-05-04 10:40"))
        var breached = clock
        breached.recordBreach(at: berlinTime("2026-05-04 10:40"), calendar: office)
        #expect(breached.breachedAt == berlinTime("2026-05-04 10:40"))
        #expect(ladder.nextCheck(clock: breached, taken: 3, calendar: office) == nil)
    }

    @Test("at every wake-up time the worker finds something to do, so it never spins")
    func wakeUpsAreProductive() {
        let ladder = try! EscalationLadder.parse("notify_owner@29, notify_lead@67, reassign@99")
        var random = TestRandom(state: 3)
        for _ in 0..<50 {
            let start = berlinTime("2026-03-20 08:00").addingTimeInterval(Double(random.next(below: 2_000_000)) + 0.37)
            var clock = SLAClock.start(
                .resolution, targetMinutes: 1 + random.next(below: 3000), at: start, calendar: office)
            var taken = 0
            while let wake = ladder.nextCheck(clock: clock, taken: taken, calendar: office) {
                let due = ladder.dueSteps(clock: clock, taken: taken, now: wake, calendar: office)
                if taken < ladder.steps.count {
                    #expect(!due.isEmpty)
                    taken += max(due.count, 1)
                } else {
                    let recorded = clock.recordBreach(at: wake, calendar: office)
                    #expect(recorded)
                }
            }
            #expect(taken == ladder.steps.count && clock.breachedAt == clock.dueAt)
        }
    }
}
