import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Driver standing kept as day counters: every change counted in, equal to counting again")
struct StandingCounterTests {
    /// The driver's counter rows, by day.
    static func rows(_ fd: TestFairdesk) async throws -> [Int: StandingCounts] {
        var query: SQLQueryString = "SELECT day"
        for column in DriverStandingCounters.countColumns { query += ", \(ident: column)" }
        query += " FROM \(ident: DriverStandingCounters.table) WHERE driver_id = \(bind: fd.driver.id)"
        var result: [Int: StandingCounts] = [:]
        for row in try await fd.app.db.sql.raw(query).all() {
            result[try row.decode(column: "day", as: Int.self)] = try DriverStandingCounters.counts(row)
        }
        return result
    }

    /// Expects the kept counters to be what counting every record again gives, and the standing
    /// read from them to be the one worked out from every record; answers the kept rows.
    @discardableResult
    static func expectAgreement(_ fd: TestFairdesk, _ note: String) async throws -> [Int: StandingCounts] {
        let kept = try await rows(fd)
        let now = fd.clock.now
        let driver = try #require(try await User.find(fd.driver.id, on: fd.app.db))
        let (numbers, _) = try await DriverStandingCounters.numbers(of: driver, at: now, on: fd.app.db)
        let everyRecord = try await DriverStandings.compute(driver, at: now, on: fd.app.db).standing
        #expect(numbers == StandingNumbers(everyRecord), "\(note): standing from the counters")
        let everybody = try await DriverStandingCounters.numbers(of: [driver], at: now, on: fd.app.db)
        #expect(everybody[fd.driver.id] == StandingNumbers(everyRecord), "\(note): standing of every driver")
        _ = try await fd.app.write { db in try await DriverStandingCounters.rebuild(at: now, on: db) }
        #expect(try await rows(fd) == kept, "\(note): counters counted again")
        return kept
    }

    @Test(
        "records received, re-sent to another day, excused on a block and overturned on appeal keep the counters equal to a recount"
    )
    func keptAsRecordsChange() async throws {
        try await TestFairdesk.with { fd in
            // setup: two worked blocks on different days, feedback two days later about the first
            var first = fd.workedBlock("B1", daysAgo: 5, count: 12, late: [3, 7])
            first.feedback = [
                .init(
                    id: "F1", packageId: "B1-P3", receivedAt: fd.clock.now.addingTimeInterval(-3 * 86_400),
                    sentiment: "negative", comment: nil)
            ]
            // MUT + validate, step by step
            try await fd.postRecords(first)
            let afterFirst = try await Self.expectAgreement(fd, "first block")
            #expect(afterFirst.count == 2)  // the block's day and the feedback's
            try await fd.postRecords(fd.workedBlock("B2", daysAgo: 2, count: 8, late: [1]))
            try await fd.postRecords(fd.missedBlock("B3", daysAgo: 1))
            try await Self.expectAgreement(fd, "three blocks")

            // The missed block re-sent three days earlier, as worked: its old day must empty.
            let oldDay = StandingCounters.day(of: fd.clock.now.addingTimeInterval(-86_400))
            try await fd.postRecords(fd.missedBlock("B3", daysAgo: 4))
            let moved = try await Self.expectAgreement(fd, "block moved")
            #expect(moved[oldDay]?[.missedBlocks].counted ?? 0 == 0)

            // An excuse on block B1 covers its packages and the feedback two days later.
            let response = try await fd.send(
                .POST, "api/v1/drivers/\(fd.driver.id)/excuses", as: fd.lead,
                json: DriverExcuseRequest(recordId: "B1", code: "weather", reason: "Storm"))
            #expect(response.status == .created, "\(response.body.string)")
            let excused = try await Self.expectAgreement(fd, "block excused")
            let feedbackDay = StandingCounters.day(of: fd.clock.now.addingTimeInterval(-3 * 86_400))
            #expect(excused[feedbackDay]?[.customerFeedback] == MetricCount(kind: .customerFeedback, excused: 1))

            // A record overturned on appeal is left out the same way.
            let corrected = try await fd.app.write { db in
                try await DecisionCorrections.correct(
                    ["B2-P1"], driver: fd.driver.id, reviewer: StaffMember(id: "", name: "Rae", role: .reviewer),
                    reasons: "Clock ran fast", appealID: UUID(), policyVersion: "built-in default", by: .system,
                    at: fd.clock.now, on: db, app: fd.app)
            }
            #expect(corrected == ["B2-P1"])
            let overturned = try await Self.expectAgreement(fd, "overturned")
            let day = StandingCounters.day(of: fd.clock.now.addingTimeInterval(-2 * 86_400))
            #expect(overturned[day]?[.onTime] == MetricCount(kind: .onTime, counted: 7, against: 0, excused: 1))
        }
    }

    @Test("records age out of the window by the hour: the part-day at its start is judged afresh")
    func partDays() async throws {
        try await TestFairdesk.with { fd in
            // setup: a missed block 27 days and 23 hours ago, just inside the 28-day window
            try await fd.postRecords(fd.missedBlock("OLD", daysAgo: 27.96))
            try await fd.postRecords(fd.workedBlock("B1", daysAgo: 1, count: 20))
            let driver = try #require(try await User.find(fd.driver.id, on: fd.app.db))
            // MUT
            let inside = try await DriverStandingCounters.numbers(of: driver, at: fd.clock.now, on: fd.app.db).0
            fd.clock.advance(by: 2 * 3600)
            let outside = try await DriverStandingCounters.numbers(of: driver, at: fd.clock.now, on: fd.app.db).0
            // validate
            #expect(inside.counts[.missedBlocks].against == 1)
            #expect(outside.counts[.missedBlocks].against == 0)
            try await Self.expectAgreement(fd, "two hours on")
        }
    }
}
