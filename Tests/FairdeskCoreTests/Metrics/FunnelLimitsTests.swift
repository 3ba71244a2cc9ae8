import Foundation
import Testing

@testable import FairdeskCore

@Suite("Funnel plot")
struct FunnelLimitsTests {
    static let team = [(160, 200), (55, 100), (45, 50), (18, 30), (8, 12), (300, 360)]
    let funnel = FunnelLimits(team: Self.team.map { Proportion(successes: $0.0, trials: $0.1)! })!

    // Expected values: Python, p = 586/752, z = scipy `norm.ppf(1 − (1 − level)/2)`,
    // p ± z·sqrt(p(1 − p)/n) clamped to [0, 1].
    @Test(
        "95% and 99.8% limits around the pooled rate match the normal approximation, clamped to 0–1",
        arguments: [
            (5, 0.41571875333659025, 1.0, 0.2060751745095719, 1.0),
            (30, 0.6308421376349423, 0.92766850066293, 0.545255504972086, 1.0),
            (100, 0.697966071802613, 0.8605445664952593, 0.6510883424722582, 0.9074222958256142),
            (1000, 0.7535494020594182, 0.8049612362384542, 0.7387253624373381, 0.8197852758605343),
        ])
    func limits(trials: Int, lower95: Double, upper95: Double, lower998: Double, upper998: Double) throws {
        #expect(abs(funnel.teamRate - 0.7792553191489362) < 1e-15)
        let warning = try #require(funnel.band(trials: trials, confidence: 0.95))
        let control = try #require(funnel.band(trials: trials, confidence: 0.998))
        #expect(abs(warning.lower - lower95) < 1e-9)
        #expect(abs(warning.upper - upper95) < 1e-9)
        #expect(abs(control.lower - lower998) < 1e-9)
        #expect(abs(control.upper - upper998) < 1e-9)
    }

    @Test("the curves for drawing have one point per n from 1 to N, narrowing as n grows")
    func curve() {
        let points = funnel.curve(upTo: 1000)
        #expect(points.map(\.trials) == Array(1...1000))
        #expect(points[0].warning.lower == 0 && points[0].control.upper == 1)
        #expect(abs(points[99].warning.lower - 0.697966071802613) < 1e-9)
        #expect(abs(points[99].control.upper - 0.9074222958256142) < 1e-9)
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.control.lower <= $1.control.lower })
        #expect(points.allSatisfy { $0.control.lower <= $0.warning.lower && $0.warning.upper <= $0.control.upper })
        #expect(funnel.curve(upTo: 0).isEmpty)
    }

    @Test("a team with no responses has no funnel")
    func empty() {
        #expect(FunnelLimits(team: [Proportion(successes: 0, trials: 0)!]) == nil)
    }
}
