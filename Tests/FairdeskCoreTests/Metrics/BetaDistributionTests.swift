import Foundation
import Testing

@testable import FairdeskCore

@Suite("Beta distribution")
struct BetaDistributionTests {
    // Expected values: scipy `beta.cdf(x, a, b)` and `beta.ppf(0.1, a, b)`, printed with repr().
    @Test(
        "cumulative probability and quantile match scipy, from U-shaped to team-sized shapes",
        arguments: [
            (2.0, 5.0, 0.3, 0.5798250000000003, 0.09259525891312873),
            (0.5, 0.5, 0.1, 0.20483276469913345, 0.024471741852423214),
            (300.5, 60.5, 0.8, 0.054458388816363563, 0.8068655745178273),
            (40_000.5, 9_000.5, 0.815, 0.22491416501707295, 0.8140755472097517),
        ])
    func matchesScipy(alpha: Double, beta: Double, x: Double, cdf: Double, tenthPercentile: Double) throws {
        let distribution = try #require(BetaDistribution(alpha: alpha, beta: beta))
        #expect(abs(distribution.cdf(x) - cdf) < 1e-8)
        #expect(abs(try #require(distribution.quantile(0.1)) - tenthPercentile) < 1e-8)
    }

    @Test("shapes that are not positive are refused")
    func refusals() {
        #expect(BetaDistribution(alpha: 0, beta: 1) == nil)
        #expect(BetaDistribution(alpha: 1, beta: .infinity) == nil)
    }
}
