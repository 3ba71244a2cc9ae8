/// One condition of the tier rule a driver's numbers did not meet, for a warning to name.
public struct TierShortfall: Sendable, Equatable, Codable {
    public var metric: MetricKind
    /// What the numbers show: "on-time rate is 86% (43 of 50)".
    public var finding: String
    /// What would restore good standing: "on-time rate of at least 90% over the last 28 days".
    public var wayBack: String

    /// A shortfall in a metric, with the finding and the way back in words.
    public init(metric: MetricKind, finding: String, wayBack: String) {
        self.metric = metric
        self.finding = finding
        self.wayBack = wayBack
    }
}
