import Foundation

/// The control limits of a funnel plot: how far from the team's pooled rate an agent with n
/// responses may land by chance alone.
///
/// A funnel plot is how a lead compares agents without ranking them: each agent is a dot at (number
/// of responses, rate), and the limits narrow as n grows. Limits use the normal approximation
/// p ± z·√(p(1−p)/n) around the pooled rate p, clamped to [0, 1]. At small n this is rough (the
/// exact binomial limits are asymmetric), which is one more reason below-minimum samples are never
/// judged.
public struct FunnelLimits: Sendable, Equatable {
    /// The usual inner limits: 95% two-sided, about 1.96 standard errors.
    public static let warningLevel = 0.95
    /// The usual outer limits: 99.8% two-sided, about 3.09 standard errors.
    public static let controlLevel = 0.998

    /// The team's pooled counts the funnel is centred on.
    public let team: Proportion

    /// The funnel around the pooled counts of the whole team; nil when the team has no trials.
    public init?(team: [Proportion]) {
        let pooled = Proportion.pooled(team)
        guard pooled.trials > 0 else { return nil }
        self.team = pooled
    }

    /// The team's pooled rate: the centre line.
    public var teamRate: Double { team.rate! }

    /// The band an agent with `trials` responses stays within by chance at `confidence` (two-sided);
    /// nil for no trials or a confidence outside (0, 1).
    public func band(trials: Int, confidence: Double) -> RateInterval? {
        guard trials > 0, confidence > 0, confidence < 1 else { return nil }
        return band(trials: trials, z: StandardNormal.twoSidedCritical(confidence: confidence), confidence: confidence)
    }

    /// Points of the 95% and 99.8% limit curves for n = 1 … `maximumTrials`, one per n, for drawing.
    /// Empty when `maximumTrials` is below 1.
    public func curve(upTo maximumTrials: Int) -> [FunnelPoint] {
        guard maximumTrials >= 1 else { return [] }
        // The two z values once, not once per point: a curve to 100,000 responses stays cheap.
        let warningZ = StandardNormal.twoSidedCritical(confidence: Self.warningLevel)
        let controlZ = StandardNormal.twoSidedCritical(confidence: Self.controlLevel)
        return (1...maximumTrials).map { n in
            FunnelPoint(
                trials: n, warning: band(trials: n, z: warningZ, confidence: Self.warningLevel),
                control: band(trials: n, z: controlZ, confidence: Self.controlLevel))
        }
    }

    private func band(trials: Int, z: Double, confidence: Double) -> RateInterval {
        let p = teamRate
        let halfWidth = z * (p * (1 - p) / Double(trials)).squareRoot()
        return RateInterval(lower: max(p - halfWidth, 0), upper: min(p + halfWidth, 1), confidence: confidence)
    }
}
