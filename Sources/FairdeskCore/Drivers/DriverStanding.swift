import Foundation

/// A driver's standing at one moment: the numbers, the records behind them, the tier and the rule.
public struct DriverStanding: Sendable, Equatable {
    public var driverID: String
    /// The rolling window the numbers cover: `metric_window_days` up to the moment of computing.
    public var window: DateInterval
    /// The metrics in the order the driver's page shows them.
    public var metrics: [StandingMetric]
    public var judgement: TierJudgement
    /// The rule that made the judgement, printable in words.
    public var rule: TierRule
    /// The policy version the thresholds came from.
    public var policyVersion: Int?

    /// A standing from its parts; `StandingRules.standing` builds one from records.
    public init(
        driverID: String, window: DateInterval, metrics: [StandingMetric], judgement: TierJudgement, rule: TierRule,
        policyVersion: Int?
    ) {
        self.driverID = driverID
        self.window = window
        self.metrics = metrics
        self.judgement = judgement
        self.rule = rule
        self.policyVersion = policyVersion
    }

    /// The tier, nil while there are too few deliveries to judge.
    public var tier: StandingTier? { judgement.tier }

    /// The metric of one kind.
    public func metric(_ kind: MetricKind) -> StandingMetric {
        metrics.first { $0.kind == kind } ?? StandingMetric(kind: kind, counted: [], against: [], excluded: [])
    }
}
