import Foundation
import Testing

@testable import FairdeskCore

@Suite("Wilson interval")
struct WilsonIntervalTests {
    // Expected values: statsmodels 0.15, `proportion_confint(k, n, alpha=1 - level, method="wilson")`.
    @Test(
        "the interval matches statsmodels for small, large, unanimous and zero counts",
        arguments: [
            (31, 40, 0.95, 0.6249690325768998, 0.8768390867645927),
            (0, 10, 0.95, 0.0, 0.2775327998628892),
            (10, 10, 0.95, 0.7224672001371107, 1.0),
            (1, 1, 0.95, 0.20654931437723745, 1.0),
            (312, 400, 0.95, 0.7368470079068086, 0.8178261072659854),
            (7, 25, 0.9, 0.15953836195207005, 0.44342918069059245),
            (3, 5, 0.998, 0.13208305938252507, 0.9366476561675177),
        ])
    func matchesStatsmodels(successes: Int, trials: Int, level: Double, lower: Double, upper: Double) throws {
        let interval = try #require(Proportion(successes: successes, trials: trials)?.wilsonInterval(confidence: level))
        #expect(abs(interval.lower - lower) < 1e-9)
        #expect(abs(interval.upper - upper) < 1e-9)
        #expect(interval.confidence == level)
    }

    @Test("0 of 10 is not shown as certainly 0%: the interval reaches up to 27.8%")
    func zeroIsNotCertain() throws {
        let interval = try #require(Proportion(successes: 0, trials: 10)?.wilsonInterval(confidence: 0.95))
        #expect(interval.lower == 0)
        #expect(interval.upper > 0.27)
    }

    @Test("no responses, impossible counts or a nonsense level give no interval")
    func refusals() {
        #expect(Proportion(successes: 0, trials: 0)?.wilsonInterval(confidence: 0.95) == nil)
        #expect(Proportion(successes: 5, trials: 10)?.wilsonInterval(confidence: 1) == nil)
        #expect(Proportion(successes: 11, trials: 10) == nil)
        #expect(Proportion(successes: -1, trials: 10) == nil)
    }
}
