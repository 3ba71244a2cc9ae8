import Foundation
import Testing

@testable import FairdeskCore

@Suite("Drivers: standing kept as day counters")
struct StandingCountersTests {
    /// A driver's 40 days of work drawn from `seed`: blocks of every status, packages of every
    /// outcome with scans near and far, feedback arriving up to three days late, excuses on any
    /// kind of record, some records exactly on midnight, and another driver's records mixed in.
    static func records(seed: UInt64) -> DriverRecords {
        var random = SeededRandom(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        func minutes(_ range: Range<Int>) -> Double {
            Double(range.lowerBound + Int(random.next() % UInt64(range.count)))
        }
        var records = DriverRecords()
        for day in 0..<40 {
            for slot in 0..<Int(random.next() % 3) {
                let driver = random.next() % 10 == 0 ? "driver-2" : DriverFixture.driver
                let blockID = "b\(day)-\(slot)"
                // Some blocks start on midnight, so a record can sit exactly on a day's or the window's edge.
                let start = DriverFixture.at(
                    days: Double(day), hours: slot == 0 && day % 3 == 0 ? 0 : 6 + Double(slot) * 5)
                records.blocks.append(
                    DeliveryBlock(
                        id: blockID, driverID: driver, scheduledStart: start,
                        scheduledEnd: start.addingTimeInterval(4 * 3600),
                        status: pick(BlockStatus.allCases)))
                for index in 0..<Int(random.next() % 12) {
                    let id = "\(blockID)-p\(index)"
                    let windowStart = start.addingTimeInterval(minutes(0..<600) * 60)
                    let window = DateInterval(start: windowStart, end: windowStart.addingTimeInterval(7200))
                    let at = window.end.addingTimeInterval(minutes(-150..<60) * 60)
                    let outcome: DeliveryOutcome? = pick([
                        .delivered(at: at, photoID: nil), .delivered(at: at, photoID: "photo"),
                        .delivered(at: at, photoID: nil),
                        .undeliverable(at: at, reason: pick(UndeliverableReason.allCases)),
                        .returned(at: at), nil,
                    ])
                    let scans = (0..<Int(random.next() % 3)).map { scan in
                        ScanEvent(
                            id: "\(id)-s\(scan)", time: at.addingTimeInterval(minutes(-20..<20) * 60),
                            position: DriverFixture.offset(north: minutes(0..<200), east: minutes(0..<50)),
                            accuracyMetres: minutes(0..<60))
                    }
                    records.packages.append(
                        PackageDelivery(
                            id: id, driverID: driver, blockID: blockID, address: DriverFixture.door,
                            geofenceRadiusMetres: random.next() % 5 == 0 ? 150 : nil, window: window, scans: scans,
                            outcome: outcome))
                    if random.next() % 4 == 0 {
                        records.feedback.append(
                            CustomerFeedback(
                                id: "\(id)-f", driverID: driver, packageID: id,
                                receivedAt: window.end.addingTimeInterval(minutes(0..<4320) * 60),
                                sentiment: pick([.positive, .negative, .positive]), comment: nil))
                    }
                }
            }
        }
        let ids = records.blocks.map(\.id) + records.packages.map(\.id) + records.feedback.map(\.id)
        for id in ids where random.next() % 12 == 0 {
            records.excuses.append(
                Excuse(
                    recordID: id, code: pick([.weather, .depotDelay, .overturnedOnAppeal]),
                    source: .lead(DriverFixture.lead), reason: "checked", appliedAt: DriverFixture.at(days: 41)))
        }
        // Claims on delivered packages: a finding against the driver, one in their favour, or none yet.
        for package in records.packages where random.next() % 8 == 0 {
            guard case .delivered(let at, _) = package.outcome else { continue }
            let evidence = DisputeEvidence(
                deliveredAt: at, window: package.window, radiusMetres: 50, toleranceSeconds: 600, scan: nil,
                scanAtDoor: false, inWindow: true, photoID: nil)
            let finding = pick([DisputeFinding.againstDriver, .driverNotAtFault, nil])
            records.disputes.append(
                DeliveryDispute(
                    id: "\(package.id)-d", driverID: package.driverID, packageID: package.id, openedAt: at,
                    proposed: DisputeAssessment(finding: .againstDriver, reasons: ["no scan"], evidence: evidence),
                    decision: finding.map {
                        DisputeDecision(
                            finding: $0, reason: "checked", decidedBy: DriverFixture.lead,
                            decidedAt: DriverFixture.at(days: 41))
                    }))
        }
        return records
    }

    /// The standing from day counters, as the service reads it: the kept counts of the window's
    /// whole days added up, and the records of its part-days judged afresh.
    static func fromCounters(_ records: DriverRecords, policy: DriverPolicy, now: Date) -> StandingNumbers {
        let days = StandingCounters.days(of: DriverFixture.driver, records: records, scanRule: ScanRule(policy))
        var whole = StandingCounts()
        if let range = StandingCounters.split(StandingRules.window(policy: policy, now: now)).wholeDays {
            for (day, counts) in days where range.contains(day) { whole += counts }
        }
        return StandingCounters.standing(
            of: DriverFixture.driver, wholeDays: whole, partRecords: records, policy: policy, now: now)
    }

    @Test("day counters added over the window give exactly the rule's numbers and tier, for 40 random record sets")
    func countersEqualTheRule() {
        let policies = [
            DriverFixture.policy(),
            DriverFixture.policy(["metric_window_days": .number(7), "minimum_deliveries_for_tier": .number(5)]),
        ]
        var compared = 0
        for seed in 1...40 {
            // setup
            let records = Self.records(seed: UInt64(seed))
            var random = SeededRandom(seed: UInt64(seed) &* 31)
            // Any instant, midnight, and the instant that puts a block's start exactly on the window's start.
            var instants = (0..<4).map { _ in
                DriverFixture.at(days: 8 + Double(random.next() % 32), hours: Double(random.next() % 86_400) / 3600)
            }
            instants.append(DriverFixture.at(days: 30))
            for policy in policies {
                if let edge = records.blocks.first(where: {
                    $0.driverID == DriverFixture.driver && $0.scheduledStart > DriverFixture.at(days: 10)
                }) {
                    instants.append(edge.scheduledStart.addingTimeInterval(Double(policy.metricWindowDays) * 86_400))
                }
                for now in instants {
                    // MUT
                    let kept = Self.fromCounters(records, policy: policy, now: now)
                    // validate
                    let rule = StandingNumbers(
                        StandingRules.standing(of: DriverFixture.driver, records: records, policy: policy, now: now))
                    #expect(kept == rule, "seed \(seed), now \(now), window \(policy.metricWindowDays) days")
                    compared += 1
                }
            }
        }
        #expect(compared >= 400)
    }

    /// A block of an hour from `at`.
    static func block(_ id: String, _ at: Date, _ status: BlockStatus = .accepted) -> DeliveryBlock {
        DeliveryBlock(
            id: id, driverID: DriverFixture.driver, scheduledStart: at, scheduledEnd: at.addingTimeInterval(3600),
            status: status)
    }

    @Test("a record on the window's first instant counts; one a second earlier does not")
    func boundaryDay() {
        // setup: the window of 14 days at 15:30 starts at 15:30 on day 6, a part-day.
        let policy = DriverFixture.policy(["metric_window_days": .number(14)])
        let now = DriverFixture.at(days: 20, hours: 15.5)
        let start = StandingRules.window(policy: policy, now: now).start
        let records = DriverRecords(
            blocks: [
                Self.block("edge", start, .missed), Self.block("before", start.addingTimeInterval(-1), .missed),
                Self.block("today", DriverFixture.at(days: 20, hours: 15), .missed),
                Self.block("future", DriverFixture.at(days: 20, hours: 16), .missed),
            ])
        // MUT
        let kept = Self.fromCounters(records, policy: policy, now: now)
        // validate
        #expect(kept.counts[.missedBlocks] == MetricCount(kind: .missedBlocks, counted: 2, against: 2))
        #expect(StandingCounters.split(kept.window).parts.count == 2)
    }

    @Test("a day is the UTC day an instant falls in, midnight belonging to the day it starts")
    func days() {
        let midnight = DriverFixture.at(days: 3)
        let day = StandingCounters.day(of: midnight)
        #expect(StandingCounters.start(ofDay: day) == midnight)
        #expect(StandingCounters.day(of: midnight.addingTimeInterval(-0.000_001)) == day - 1)
        #expect(StandingCounters.day(of: midnight.addingTimeInterval(86_399.999)) == day)
    }
}
