import Foundation

/// A driver's standing at one moment as numbers only: what the tier and warnings need, worked out
/// from the kept counters without reading every record (`StandingCounters.standing`).
public struct StandingNumbers: Sendable, Equatable {
    public var driverID: String
    /// The rolling window the numbers cover.
    public var window: DateInterval
    public var counts: StandingCounts
    public var judgement: TierJudgement
    /// The policy version the thresholds came from.
    public var policyVersion: Int?

    /// Numbers from their parts.
    public init(
        driverID: String, window: DateInterval, counts: StandingCounts, judgement: TierJudgement, policyVersion: Int?
    ) {
        self.driverID = driverID
        self.window = window
        self.counts = counts
        self.judgement = judgement
        self.policyVersion = policyVersion
    }

    /// The numbers of a standing worked out from every record.
    public init(_ standing: DriverStanding) {
        self.init(
            driverID: standing.driverID, window: standing.window, counts: StandingCounts(standing.metrics),
            judgement: standing.judgement, policyVersion: standing.policyVersion)
    }

    /// The tier, nil while there are too few deliveries to judge.
    public var tier: StandingTier? { judgement.tier }
}
