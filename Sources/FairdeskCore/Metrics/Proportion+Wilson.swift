import Foundation

extension Proportion {
    /// The Wilson score interval at `confidence` (0.95 for 95%), or nil with no trials or a level
    /// outside (0, 1).
    ///
    /// Wilson rather than the textbook p ± z·√(p(1-p)/n) because that one collapses to a single point
    /// at 0 of n or n of n and spills below 0 or above 1 for small n — exactly the agents with few
    /// responses a scorecard must not misjudge.
    public func wilsonInterval(confidence: Double) -> RateInterval? {
        guard trials > 0, let rate, confidence > 0, confidence < 1 else { return nil }
        let n = Double(trials)
        let z = StandardNormal.twoSidedCritical(confidence: confidence)
        let z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (rate + z2 / (2 * n)) / denominator
        let halfWidth = z / denominator * (rate * (1 - rate) / n + z2 / (4 * n * n)).squareRoot()
        // At 0 of n the lower end is exactly 0 and at n of n the upper end exactly 1; the subtraction
        // would leave rounding dust like 3e-17 that reads as "not quite zero".
        return RateInterval(
            lower: successes == 0 ? 0 : max(centre - halfWidth, 0),
            upper: successes == trials ? 1 : min(centre + halfWidth, 1), confidence: confidence)
    }
}
