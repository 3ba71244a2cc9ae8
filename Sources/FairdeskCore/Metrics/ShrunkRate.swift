import Foundation

/// One agent's rate after empirical-Bayes shrinkage towards the team, next to the raw counts it came from.
public struct ShrunkRate: Sendable, Equatable {
    /// The agent's own counts.
    public var observed: Proportion
    /// The posterior mean (k + α) / (n + α + β).
    public var estimate: Double
    /// The equal-tailed credible interval of the posterior; nil only for a confidence outside (0, 1).
    public var interval: RateInterval?

    public init(observed: Proportion, estimate: Double, interval: RateInterval?) {
        self.observed = observed
        self.estimate = estimate
        self.interval = interval
    }
}
