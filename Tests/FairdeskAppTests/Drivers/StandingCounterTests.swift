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
    static func rows(_ fd: TestFairdesk, of driver: UUID? = nil) async throws -> [Int: StandingCounts] {
        var query: SQLQueryString = "SELECT day"
        for column in DriverStandingCounters.countColumns { query += ", \(ident: column)" }
        query += " FROM \(ident: DriverStandingCounters.table) WHERE driver_id = \(bind: driver ?? fd.driver.id)"
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
        // The database counts (`StandingCountSQL`); `StandingRules`, in Swift, is the rule.
        let all = try await DriverRecordStore.records(
            of: fd.driver.id, in: [DateInterval(start: .distantPast, end: .distantFuture)], on: fd.app.db)
        let used = try await DriverStandings.policy(for: driver, at: now, on: fd.app.db)
        let reference = StandingCounters.days(
            of: fd.driver.id.uuidString, records: all, scanRule: ScanRule(used.policy))
        #expect(kept == reference, "\(note): each day's counters as StandingRules counts that day")
        let (numbers, _) = try await DriverStandingCounters.numbers(of: driver, at: now, on: fd.app.db)
        let everyRecord = try await DriverStandings.compute(driver, at: now, on: fd.app.db).standing
        #expect(numbers == StandingNumbers(everyRecord), "\(note): standing from the counters")
        let everybody = try await DriverStandingCounters.numbers(of: [driver], at: now, on: fd.app.db)
        #expect(everybody[fd.driver.id] == StandingNumbers(everyRecord), "\(note): standing of every driver")
        _ = try await fd.app.write { db in try await DriverStandingCounters.rebuild(at: now, on: db) }
        #expect(try await rows(fd) == kept, "\(note): counters counted again")
        // As `fairdesk drivers recompute` counts: slices of the drivers on connections of their own.
        let sliced = try await RecountSlices.recount(app: fd.app, at: now, slices: 3)
        #expect(try await rows(fd) == kept, "\(note): counters counted again in three slices at once")
        #expect(sliced.rows == (try await fd.count(DriverStandingCounters.table)))
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

    @Test(
        "the database counts every kind of record as StandingRules does: own radius, mixed scans, every outcome, excuses reaching feedback"
    )
    func databaseCountsAsTheRuleDoes() async throws {
        try await TestFairdesk.with { fd in
            // setup: one block with a package of every kind (radius 50 m and 10 minutes by policy)
            typealias Records = DriverRecordsRequest
            let start = fd.clock.now.addingTimeInterval(-3 * 86_400)
            let door = Records.Position(latitude: 51.5, longitude: -0.12)
            func north(_ degrees: Double) -> Records.Position {
                Records.Position(latitude: 51.5 + degrees, longitude: -0.12)
            }
            func package(
                _ number: Int, radius: Double? = nil, scans: [(Double, Records.Position, Double)] = [],
                outcome: String? = "delivered", reason: String? = nil, lateBy: Double = -600
            ) -> Records.Package {
                let windowStart = start.addingTimeInterval(Double(number) * 600)
                let windowEnd = windowStart.addingTimeInterval(3600)
                let at = windowEnd.addingTimeInterval(lateBy)
                return Records.Package(
                    id: "MIX-P\(number)", blockId: "MIX", address: door, geofenceRadiusMetres: radius,
                    windowStart: windowStart, windowEnd: windowEnd,
                    scans: scans.enumerated().map { index, scan in
                        Records.Scan(
                            id: "S\(index)", time: at.addingTimeInterval(scan.0), position: scan.1,
                            accuracyMetres: scan.2)
                    },
                    outcome: outcome.map { Records.Outcome(kind: $0, at: at, photoId: nil, reason: reason) })
            }
            var records = Records(
                blocks: [
                    Records.Block(
                        id: "MIX", scheduledStart: start, scheduledEnd: start.addingTimeInterval(8 * 3600),
                        status: "accepted", startedAt: start)
                ],
                packages: [
                    package(1, radius: 200, scans: [(0, north(0.00135), 0)]),  // 150 m: inside its own 200 m
                    package(2, scans: [(0, north(0.0027), 5), (7200, door, 5)]),  // mixed, neither counts
                    package(3, scans: [(0, north(0.00027), 0), (60, door, 0)]),  // mixed, the first counts
                    package(4, outcome: "undeliverable", reason: "recipient_absent"),
                    package(5, outcome: "undeliverable", reason: "damaged"),
                    package(6, outcome: "returned"),
                    package(7, outcome: nil),
                    package(8, scans: [(0, door, 5)], lateBy: 3600),
                ],
                feedback: [
                    Records.Feedback(
                        id: "F1", packageId: "MIX-P1", receivedAt: start.addingTimeInterval(86_400),
                        sentiment: "negative", comment: nil),
                    Records.Feedback(
                        id: "F8", packageId: "MIX-P8", receivedAt: start.addingTimeInterval(86_400 + 60),
                        sentiment: "positive", comment: nil),
                ])
            struct Count: Decodable { var n: Int }
            func keptScans() async throws -> Int {
                try await fd.app.db.sql.raw("SELECT COUNT(*) AS n FROM driver_package_scans").first(
                    decoding: Count.self)?.n ?? -1
            }
            // MUT + validate
            try await fd.postRecords(records)
            // Summed over the days, whatever time of day the test clock starts at.
            let counted = try await Self.expectAgreement(fd, "every kind").values.reduce(StandingCounts(), +)
            #expect(counted[.scanCompliance] == MetricCount(kind: .scanCompliance, counted: 4, against: 1))
            #expect(counted[.completion] == MetricCount(kind: .completion, counted: 6, against: 2))
            #expect(counted[.onTime] == MetricCount(kind: .onTime, counted: 6, against: 1))
            #expect(try await keptScans() == 4)  // the two mixed packages' scans

            // An excuse on a package reaches the feedback about it, on another day.
            let response = try await fd.send(
                .POST, "api/v1/drivers/\(fd.driver.id)/excuses", as: fd.lead,
                json: DriverExcuseRequest(recordId: "MIX-P1", code: "road_closure", reason: "Bridge shut"))
            #expect(response.status == .created, "\(response.body.string)")
            let excused = try await Self.expectAgreement(fd, "package excused").values.reduce(StandingCounts(), +)
            #expect(
                excused[.customerFeedback] == MetricCount(kind: .customerFeedback, counted: 1, against: 0, excused: 1))
            #expect(excused[.scanCompliance] == MetricCount(kind: .scanCompliance, counted: 3, against: 1, excused: 1))

            // A new record on a day that has its row already: the row is counted again whole.
            records.packages = [package(9, scans: [(0, north(0.001), 5)])]  // 111 m: against
            records.blocks = nil
            records.feedback = nil
            try await fd.postRecords(records)
            let added = try await Self.expectAgreement(fd, "a new record on a counted day").values.reduce(
                StandingCounts(), +)
            #expect(added[.scanCompliance] == MetricCount(kind: .scanCompliance, counted: 4, against: 2, excused: 1))

            // A mixed package re-sent with one scan keeps none of its old ones.
            records.packages = [package(2, scans: [(0, door, 5)])]
            try await fd.postRecords(records)
            #expect(try await keptScans() == 2)
            try await Self.expectAgreement(fd, "mixed package re-sent")
        }
    }

    @Test("seed-drivers writes each record's facts as the domain works them out: the recount equals StandingRules")
    func seededFacts() async throws {
        try await TestFairdesk.with { fd in
            let console = TestConsole()
            var context = CommandContext(
                console: console,
                input: CommandInput(arguments: ["fairdesk", "--drivers", "4", "--events", "2000", "--days", "6"]))
            context.application = fd.app
            guard !fd.app.db.isPostgres else {
                // The seed writes with SQLite's own SQL and says so.
                await #expect(throws: SeedProblem.self) { try await DriverSeed().run(using: &context) }
                return
            }
            // MUT: seed, then count everything again in the database
            try await DriverSeed().run(using: &context)
            let now = fd.clock.now
            let rebuilt = try await fd.app.write { db in try await DriverStandingCounters.rebuild(at: now, on: db) }
            // validate: every seeded driver's days as StandingRules counts them
            #expect(rebuilt.drivers >= 4 && rebuilt.rows > 0)
            let drivers = try await User.query(on: fd.app.db).filter(\.$email ~~ "@drivers.fairdesk.example").all()
            #expect(drivers.count == 4)
            for driver in drivers {
                let id = try driver.requireID()
                let all = try await DriverRecordStore.records(
                    of: id, in: [DateInterval(start: .distantPast, end: .distantFuture)], on: fd.app.db)
                #expect(all.packages.count > 200)
                let used = try await DriverStandings.policy(for: driver, at: now, on: fd.app.db)
                let reference = StandingCounters.days(
                    of: id.uuidString, records: all, scanRule: ScanRule(used.policy))
                #expect(try await Self.rows(fd, of: id) == reference, "\(driver.email)")
            }
            // MUT: the same recount in slices, each driver's days counted on one of three connections
            let everyRow = try await Self.allRows(fd)
            let sliced = try await RecountSlices.recount(app: fd.app, at: now, slices: 3)
            // validate: the same rows for every driver, and the scratch files gone
            #expect(sliced.rows == rebuilt.rows && sliced.drivers == rebuilt.drivers)
            #expect(try await Self.allRows(fd) == everyRow)
            struct File: Decodable { var name: String, file: String }
            let main = try await fd.app.db.sql.raw("PRAGMA database_list").all(decoding: File.self)
            let path = try #require(main.first { $0.name == "main" }?.file)
            let folder = (path as NSString).deletingLastPathComponent
            let scratch = (path as NSString).lastPathComponent + ".recount-"
            let left = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(scratch) }
            #expect(left.isEmpty, "\(left)")
        }
    }

    /// Every row of the counters, as text, in driver and day order.
    static func allRows(_ fd: TestFairdesk) async throws -> [String] {
        var query: SQLQueryString = "SELECT driver_id, day"
        for column in DriverStandingCounters.countColumns + ["geofence_m", "tolerance_s"] {
            query += ", \(ident: column)"
        }
        query += " FROM \(ident: DriverStandingCounters.table) ORDER BY driver_id, day"
        return try await fd.app.db.sql.raw(query).all().map { row in
            var line =
                "\(try row.decode(column: "driver_id", as: UUID.self)) \(try row.decode(column: "day", as: Int.self))"
            for column in DriverStandingCounters.countColumns {
                line += " \(try row.decode(column: column, as: Int.self))"
            }
            for column in ["geofence_m", "tolerance_s"] {
                line += " \(try row.decode(column: column, as: Double.self))"
            }
            return line
        }
    }

    @Test("fairdesk drivers recompute counts again in slices, says what it did, and refuses a slice count out of range")
    func recomputeCommand() async throws {
        try await TestFairdesk.with { fd in
            // setup: a worked block and a missed one, counted as they came
            try await fd.postRecords(fd.workedBlock("B1", daysAgo: 3, count: 10, late: [2]))
            try await fd.postRecords(fd.missedBlock("B2", daysAgo: 1))
            let before = try await Self.allRows(fd)
            func run(_ arguments: [String]) async throws -> String {
                let console = TestConsole()
                var context = CommandContext(
                    console: console, input: CommandInput(arguments: ["fairdesk"] + arguments))
                context.application = fd.app
                try await DriverCommands.Recompute().run(using: &context)
                return console.output
            }
            // MUT: the counters emptied by hand, then the command
            try await fd.app.db.sql.raw("DELETE FROM \(ident: DriverStandingCounters.table)").run()
            let said = try await run(["--slices", "2"])
            // validate
            #expect(try await Self.allRows(fd) == before)
            #expect(said.contains("counted into \(before.count) driver-days"), "\(said)")
            for wrong in ["0", "17"] {
                await #expect(throws: DriverCommandProblem.self) { _ = try await run(["--slices", wrong]) }
            }
            #expect(try await Self.allRows(fd) == before)
        }
    }

    @Test("migration 023 works out the facts of records stored before it, mixed scans and excuses included")
    func migrationBackfillsFacts() async throws {
        try await TestFairdesk.with { fd in
            // setup: records stored, one package with mixed scans, an excused block
            var records = fd.workedBlock("B1", daysAgo: 3, count: 10, late: [2])
            let door = DriverRecordsRequest.Position(latitude: 51.5, longitude: -0.12)
            let far = DriverRecordsRequest.Position(latitude: 51.5027, longitude: -0.12)
            let at = try #require(records.packages?[0].outcome?.at)
            records.packages?[0].scans = [
                .init(id: "S1", time: at, position: far, accuracyMetres: 5),
                .init(id: "S2", time: at.addingTimeInterval(7200), position: door, accuracyMetres: 5),
            ]
            try await fd.postRecords(records)
            try await fd.postRecords(fd.missedBlock("B2", daysAgo: 1))
            let response = try await fd.send(
                .POST, "api/v1/drivers/\(fd.driver.id)/excuses", as: fd.lead,
                json: DriverExcuseRequest(recordId: "B2", code: "weather", reason: "Storm"))
            #expect(response.status == .created, "\(response.body.string)")
            let before = try await Self.rows(fd)
            // MUT: the facts and the counters gone, then the migration run as on an upgrade, in one
            // transaction on one connection: another connection of the pool, still reading from before
            // the columns were dropped, would see them there and refuse to add them again.
            let migration = StoreRecordFacts(clock: fd.clock)
            try await fd.app.write { db in
                try await migration.revert(on: db)
                try await db.sql.raw("DELETE FROM \(ident: DriverStandingCounters.table)").run()
                try await migration.prepare(on: db)
            }
            // validate: the same counters, equal to StandingRules, the mixed scans kept again
            #expect(try await Self.rows(fd) == before)
            try await Self.expectAgreement(fd, "after the migration")
            #expect(try await fd.count("driver_package_scans") == 2)
        }
    }

    @Test("the most records a request may carry, each on a day of its own, are counted in whole")
    func manyDays() async throws {
        try await TestFairdesk.with { fd in
            // setup: 2,000 blocks on 2,000 days (19 values a day overflowed one statement's binds)
            let blocks = (0..<DriverRecordStore.maximumPerRequest).map { index in
                let start = fd.clock.now.addingTimeInterval(-Double(index + 1) * 86_400)
                return DriverRecordsRequest.Block(
                    id: "B\(index)", scheduledStart: start, scheduledEnd: start.addingTimeInterval(3600),
                    status: index % 10 == 0 ? "missed" : "accepted", startedAt: start)
            }
            // MUT
            try await fd.postRecords(DriverRecordsRequest(blocks: blocks, packages: nil, feedback: nil))
            // validate
            let kept = try await Self.expectAgreement(fd, "2,000 days")
            #expect(kept.count == DriverRecordStore.maximumPerRequest)
            #expect(kept.values.reduce(StandingCounts(), +)[.missedBlocks].against == 200)
        }
    }
}
