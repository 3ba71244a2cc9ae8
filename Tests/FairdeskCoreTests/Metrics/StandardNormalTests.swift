import Foundation
import Testing

@testable import FairdeskCore

@Suite("Standard normal")
struct StandardNormalTests {
    // Expected values: scipy 1.x, `scipy.stats.norm.ppf(p)` and `norm.cdf(x)`, printed with repr().
    @Test(
        "the z behind a confidence level matches scipy to 1e-9 across both tails and the centre",
        arguments: [
            (0.975, 1.959963984540054), (0.999, 3.090232306167813), (0.5, 0.0), (0.01, -2.3263478740408408),
            (1e-10, -6.361340902404056), (0.9, 1.2815515655446004), (0.02425, -1.972961051311885),
            (0.97575, 1.972961051311885),
        ])
    func quantile(p: Double, expected: Double) {
        #expect(abs(StandardNormal.quantile(p) - expected) < 1e-9)
    }

    @Test("95% and 99.8% two-sided give 1.96 and 3.09 standard errors")
    func twoSided() {
        #expect(abs(StandardNormal.twoSidedCritical(confidence: 0.95) - 1.959963984540054) < 1e-9)
        #expect(abs(StandardNormal.twoSidedCritical(confidence: 0.998) - 3.090232306167813) < 1e-9)
    }

    @Test("cumulative probability matches scipy, deep in the lower tail too")
    func cdf() {
        #expect(abs(StandardNormal.cdf(-1) - 0.15865525393145707) < 1e-12)
        #expect(abs(StandardNormal.cdf(2.5) - 0.9937903346742238) < 1e-12)
        // Relative, because 1 - 0.5·erfc would have lost it entirely.
        #expect(abs(StandardNormal.cdf(-8) / 6.22096057427174e-16 - 1) < 1e-9)
    }

    @Test("probabilities of exactly 0, 1 or outside them give infinities or NaN, not a wrong number")
    func edges() {
        #expect(StandardNormal.quantile(0) == -.infinity)
        #expect(StandardNormal.quantile(1) == .infinity)
        #expect(StandardNormal.quantile(1.5).isNaN)
    }
}
