import Foundation
import Testing

@testable import FairdeskCore

@Suite("Report rollups")
struct ReportRollupTests {
    let utc = TimeZone(identifier: "UTC")!

    @Test("durations fall in buckets a quarter wide, and percentiles read back within a bucket")
    func buckets() {
        #expect(DurationBuckets.bucket(seconds: 0) == 0)
        #expect(DurationBuckets.bucket(seconds: 59) == 0)
        #expect(DurationBuckets.bucket(seconds: 60) == 1)
        #expect(DurationBuckets.bucket(seconds: 74.9) == 1)
        #expect(DurationBuckets.bucket(seconds: 75) == 2)
        #expect(DurationBuckets.bucket(seconds: 1e12) == DurationBuckets.last)
        // 1..1000 minutes, one each: the true median is 500.5 min, the 90th percentile 900.5 min.
        var counts: [Int: Int] = [:]
        for minute in 1...1000 { counts[DurationBuckets.bucket(seconds: Double(minute) * 60), default: 0] += 1 }
        let median = DurationBuckets.quantile(0.5, of: counts)! / 60
        let p90 = DurationBuckets.quantile(0.9, of: counts)! / 60
        #expect(abs(median - 500.5) / 500.5 < 0.1, "median \(median)")
        #expect(abs(p90 - 900.5) / 900.5 < 0.1, "p90 \(p90)")
        #expect(DurationBuckets.quantile(0.5, of: [:]) == nil)
    }

    @Test("an event counts on its day in the company's time zone, for its tier and channel")
    func eventDays() {
        // 23:30 UTC on 30 November is already 1 December in Paris.
        let late = Date(timeIntervalSince1970: 1_796_081_400)
        #expect(LocalDate(late, in: utc).description == "2026-11-30")
        let paris = TimeZone(identifier: "Europe/Paris")!
        let increments = RollupEvent.surveyAnswered(at: late, solved: false, reason: "took_too_long")
            .increments(tier: "premium", channel: "chat", in: paris)
        #expect(increments.map(\.day.description) == ["2026-12-01", "2026-12-01"])
        #expect(increments.map(\.measure) == [.surveyAnswers, .complaint])
        #expect(increments.last?.bucket == "took_too_long")
        #expect(increments.allSatisfy { $0.tier == "premium" && $0.channel == "chat" })
        let kept = RollupEvent.promiseKept(dueAt: late).increments(tier: "standard", channel: "email", in: utc)
        #expect(kept.map(\.measure) == [.promisesKept])
    }

    @Test("increments with the same key add up into one row")
    func merging() {
        let day = LocalDate(year: 2026, month: 11, day: 2)
        let merged = RollupIncrement.merged([
            RollupIncrement(day: day, tier: "standard", channel: "email", measure: .casesOpened),
            RollupIncrement(day: day, tier: "standard", channel: "chat", measure: .casesOpened),
            RollupIncrement(day: day, tier: "standard", channel: "email", measure: .casesOpened, value: 2),
            RollupIncrement(day: day, tier: "standard", channel: "email", measure: .resolvedBounces, value: 0),
        ])
        #expect(merged.map(\.value) == [3, 1])
        #expect(merged.map(\.channel) == ["email", "chat"])
    }

    @Test("units group days into months, quarters and years, and a report adds up its rows by period and split")
    func report() {
        let day = LocalDate(year: 2026, month: 8, day: 17)
        #expect(ReportUnit.quarter.key(of: day) == "2026-Q3")
        #expect(ReportUnit.quarter.start(of: day).description == "2026-07-01")
        #expect(ReportUnit.year.next(after: ReportUnit.year.start(of: day)).description == "2027-01-01")
        #expect(ReportUnit.month.defaultStart(endingOn: day).description == "2025-09-01")
        #expect(LocalDate(year: 2026, month: 12, day: 1).addingMonths(1).description == "2027-01-01")
        func row(_ month: Int, _ tier: String, _ channel: String, _ measure: ReportMeasure, _ value: Int)
            -> ServiceReport.Row
        {
            ServiceReport.Row(
                day: LocalDate(year: 2026, month: month, day: 1), tier: tier, channel: channel, measure: measure,
                bucket: measure == .complaint ? "not_solved" : "", value: value)
        }
        let report = ServiceReport(
            unit: .quarter, from: LocalDate(year: 2026, month: 1, day: 5), to: LocalDate(year: 2026, month: 10, day: 1),
            rows: [
                row(1, "standard", "email", .surveyAnswers, 10), row(2, "premium", "chat", .surveyAnswers, 10),
                row(2, "standard", "email", .surveySolved, 6), row(3, "premium", "chat", .surveySolved, 9),
                row(3, "premium", "chat", .complaint, 1), row(4, "standard", "email", .casesOpened, 4),
                row(12, "standard", "email", .casesOpened, 99),
            ])
        #expect(report.periods.map(\.key) == ["2026-Q1", "2026-Q2", "2026-Q3"])
        #expect(report.from.description == "2026-01-01")
        let first = report.periods[0]
        #expect(first.all.satisfaction == Proportion(successes: 15, trials: 20))
        #expect(first.byTier["premium"]?.satisfaction == Proportion(successes: 9, trials: 10))
        #expect(first.byChannel["email"]?.satisfaction == Proportion(successes: 6, trials: 10))
        #expect(first.all.topComplaints.map(\.reason) == ["not_solved"])
        #expect(report.periods[1].all.count(.casesOpened) == 4)
        // December is outside the report.
        #expect(report.total.count(.casesOpened) == 4)
        #expect(report.tiers == ["premium", "standard"])
    }
}
