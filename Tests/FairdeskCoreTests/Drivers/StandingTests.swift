import Foundation
import Testing

@testable import FairdeskCore

@Suite("Drivers: standing and tiers")
struct StandingTests {
    let now = DriverFixture.at(days: 20)

    func standing(_ records: DriverRecords, policy: DriverPolicy = DriverFixture.policy()) -> DriverStanding {
        StandingRules.standing(of: DriverFixture.driver, records: records, policy: policy, now: now)
    }

    /// `good` on-time deliveries and `late` late ones ("late1"…), all on day 1 in block "b".
    func records(good: Int, late: Int) -> DriverRecords {
        let lateOnes = (0..<late).map { DriverFixture.delivered("late\($0 + 1)", day: 1, lateMinutes: 45) }
        return DriverRecords(
            blocks: [DriverFixture.block("b", day: 1)],
            packages: DriverFixture.goodDeliveries(good, day: 1) + lateOnes)
    }

    @Test("49 of 50 on time is Fantastic; 48 of 50 is Great; 45 of 50 is Fair; 44 of 50 is At risk")
    func tiersByOnTime() {
        #expect(standing(records(good: 49, late: 1)).tier == .fantastic)
        #expect(standing(records(good: 48, late: 2)).tier == .great)
        #expect(standing(records(good: 45, late: 5)).tier == .fair)
        #expect(standing(records(good: 44, late: 6)).tier == .atRisk)
    }

    @Test("the on-time number lists the deliveries behind it, and the late ones separately")
    func evidenceBehindNumbers() {
        let result = standing(records(good: 3, late: 2))
        let onTime = result.metric(.onTime)
        #expect(onTime.counted == ["p1", "p2", "p3", "late1", "late2"].sorted())
        #expect(onTime.against == ["late1", "late2"])
        #expect(onTime.summary == "on-time rate: 60% (3 of 5)")
    }

    @Test("a delivery late because of a storm is left out of every metric, with the code and reason shown")
    func excusedDeliveries() {
        // setup
        var records = records(good: 44, late: 6)
        #expect(standing(records).tier == .atRisk)
        let storm = Excuse(
            recordID: "b", code: .weather, source: .depotData(feed: "weather service"),
            reason: "Storm warning; routes held at the depot until 13:00", appliedAt: DriverFixture.at(days: 2))
        records.blocks.append(DriverFixture.block("b2", day: 2))
        records.packages =
            DriverFixture.goodDeliveries(44, day: 2, block: "b2")
            + records.packages.filter { $0.id.hasPrefix("late") }
        records.excuses = [storm]
        // MUT
        let result = standing(records)
        // validate
        let onTime = result.metric(.onTime)
        #expect(onTime.against.isEmpty)
        #expect(onTime.excluded.map(\.recordID) == (1...6).map { "late\($0)" })
        #expect(onTime.excluded.first?.code == .weather)
        #expect(onTime.excluded.first?.reason == "Storm warning; routes held at the depot until 13:00")
        #expect(onTime.excluded.first?.appliedBy == "depot data: weather service")
        #expect(result.metric(.missedBlocks).excluded.map(\.recordID) == ["b"])
        #expect(result.tier == .fantastic)
        #expect(onTime.summary == "on-time rate: 100% (44 of 44, 6 excused)")
    }

    @Test("completion below its floor puts a driver At risk even when every delivery was on time")
    func completionFloor() {
        // 40 delivered, 2 returned: 95.2% < 97%.
        var records = records(good: 40, late: 0)
        records.packages += [
            DriverFixture.package("r1", day: 1, outcome: .returned(at: DriverFixture.at(days: 1, hours: 18))),
            DriverFixture.package("r2", day: 1, outcome: .returned(at: DriverFixture.at(days: 1, hours: 18))),
        ]
        let result = standing(records)
        #expect(result.tier == .atRisk)
        #expect(result.judgement.shortfalls.map(\.metric) == [.completion])
        #expect(result.metric(.completion).against == ["r1", "r2"])
        #expect(result.judgement.shortfalls.first?.wayBack == "a completion rate of at least 97% over the last 28 days")
    }

    @Test("nobody home does not count against completion; running out of time does")
    func undeliverableReasons() {
        var records = records(good: 20, late: 0)
        let attempt = DriverFixture.at(days: 1, hours: 11)
        records.packages += [
            DriverFixture.package("absent", day: 1, outcome: .undeliverable(at: attempt, reason: .recipientAbsent)),
            DriverFixture.package("nogo", day: 1, outcome: .undeliverable(at: attempt, reason: .outOfTime)),
        ]
        let completion = standing(records).metric(.completion)
        #expect(!completion.counted.contains("absent"))
        #expect(completion.against == ["nogo"])
        // Both were attempts, so both count for on-time.
        #expect(standing(records).metric(.onTime).counted.contains("absent"))
    }

    @Test("three missed or late-cancelled blocks is one too many; a block given back with notice is not counted")
    func missedBlocks() {
        var records = records(good: 30, late: 0)
        records.blocks += [
            DriverFixture.block("m1", day: 3, status: .missed),
            DriverFixture.block("m2", day: 4, status: .cancelledLate),
            DriverFixture.block("n1", day: 5, status: .cancelledWithNotice),
        ]
        #expect(standing(records).tier == .fantastic)
        records.blocks.append(DriverFixture.block("m3", day: 6, status: .missed))
        let result = standing(records)
        #expect(result.tier == .atRisk)
        #expect(result.metric(.missedBlocks).against == ["m1", "m2", "m3"])
        #expect(result.metric(.missedBlocks).summary == "missed blocks: 3 of 5 blocks")
    }

    @Test("scans away from the door lower scan compliance and can put a driver At risk")
    func scanCompliance() {
        var records = records(good: 18, late: 0)
        records.packages += [
            DriverFixture.delivered("far1", day: 1, scanAt: DriverFixture.offset(north: 300)),
            DriverFixture.delivered("far2", day: 1, scanAt: DriverFixture.offset(east: -300)),
        ]
        let result = standing(records)
        #expect(result.metric(.scanCompliance).against == ["far1", "far2"])
        #expect(result.tier == .atRisk)
        #expect(result.judgement.shortfalls.map(\.metric) == [.scanCompliance])
    }

    @Test("with fewer deliveries than the policy's minimum no tier is given, however late they were")
    func tooFewDeliveries() {
        let result = standing(records(good: 2, late: 3))
        #expect(result.tier == nil)
        #expect(result.judgement.explanation == "No tier yet: 5 of the 20 deliveries needed in the last 28 days")
    }

    @Test("records older than the policy's window, and other drivers' records, are not counted")
    func window() {
        var records = records(good: 30, late: 0)
        records.packages += (1...10).map { DriverFixture.delivered("old\($0)", day: -10, lateMinutes: 60) }
        var someoneElse = DriverFixture.delivered("other", day: 1, lateMinutes: 60)
        someoneElse.driverID = "driver-2"
        records.packages.append(someoneElse)
        #expect(standing(records).metric(.onTime).counted.count == 30)
        #expect(standing(records).tier == .fantastic)
        // A 40-day window reaches back to the old late ones.
        let wide = standing(records, policy: DriverFixture.policy(["metric_window_days": .number(40)]))
        #expect(wide.metric(.onTime).against.count == 10)
    }

    @Test("negative customer feedback is shown but does not change the tier")
    func feedbackShownNotCounted() {
        var records = records(good: 30, late: 0)
        records.feedback = (1...10).map {
            CustomerFeedback(
                id: "f\($0)", driverID: DriverFixture.driver, packageID: "p\($0)",
                receivedAt: DriverFixture.at(days: 2), sentiment: .negative, comment: "Left at the wrong door")
        }
        let result = standing(records)
        #expect(result.metric(.customerFeedback).rate == 0)
        #expect(result.metric(.customerFeedback).against.count == 10)
        #expect(result.tier == .fantastic)
    }

    @Test("the tier rule prints in words with the policy's numbers")
    func ruleInWords() {
        let rule = DriverFixture.policy().tierRule
        #expect(
            rule.lines[0]
                == "Fantastic: on-time ≥ 98% and completion ≥ 97% and scan compliance ≥ 95% and at most 2 missed blocks"
        )
        #expect(
            rule.lines[3]
                == "At risk: on-time below 90%, or completion below 97%, or scan compliance below 95%, or more than "
                + "2 missed blocks")
        #expect(rule.text.contains("Counted over the last 28 days"))
        let stricter = DriverFixture.policy(["fantastic_on_time_min": .number(0.995), "missed_blocks_max": .number(0)])
        #expect(stricter.tierRule.lines[0].hasPrefix("Fantastic: on-time ≥ 99.5% and"))
        #expect(stricter.tierRule.lines[0].hasSuffix("and no missed blocks"))
        #expect(standing(records(good: 49, late: 1), policy: stricter).tier == .great)
    }

    @Test("a standing explains its tier with the number that decided it")
    func explanation() {
        #expect(
            standing(records(good: 48, late: 2)).judgement.explanation == "Great: on-time 96% ≥ 95%, every floor met")
    }
}
