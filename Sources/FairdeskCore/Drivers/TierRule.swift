/// The rule that turns a driver's numbers into a tier, with thresholds from the policy in force.
///
/// The tier is the best one whose on-time threshold the driver meets, provided every floor holds
/// (completion, scan compliance, missed blocks); missing any floor is At risk whatever the on-time
/// rate, because each floor is a separate clause a driver can be warned about. Customer feedback is
/// shown but never changes the tier: ratings carry customers' biases the driver cannot answer for.
/// A metric with nothing counted (no deliveries yet) cannot miss its floor.
public struct TierRule: Sendable, Equatable {
    public var fantasticOnTime: Double
    public var greatOnTime: Double
    public var fairOnTime: Double
    public var completionMin: Double
    public var scanComplianceMin: Double
    public var missedBlocksMax: Int
    public var minimumDeliveries: Int
    public var windowDays: Int

    /// The rule the policy sets.
    public init(_ policy: DriverPolicy) {
        fantasticOnTime = policy.fantasticOnTimeMin
        greatOnTime = policy.greatOnTimeMin
        fairOnTime = policy.fairOnTimeMin
        completionMin = policy.completionRateMin
        scanComplianceMin = policy.scanComplianceMin
        missedBlocksMax = policy.missedBlocksMax
        minimumDeliveries = policy.minimumDeliveriesForTier
        windowDays = policy.metricWindowDays
    }

    /// The rule in words, one line per tier and then how it is counted, as the driver's page prints it.
    public var lines: [String] {
        let floors =
            "completion ≥ \(DriverText.percent(completionMin)) and scan compliance ≥ "
            + "\(DriverText.percent(scanComplianceMin)) and \(missedLimit)"
        return [
            "Fantastic: on-time ≥ \(DriverText.percent(fantasticOnTime)) and \(floors)",
            "Great: on-time ≥ \(DriverText.percent(greatOnTime)) and \(floors)",
            "Fair: on-time ≥ \(DriverText.percent(fairOnTime)) and \(floors)",
            "At risk: on-time below \(DriverText.percent(fairOnTime)), or completion below "
                + "\(DriverText.percent(completionMin)), or scan compliance below "
                + "\(DriverText.percent(scanComplianceMin)), or more than "
                + DriverText.count(missedBlocksMax, "missed block"),
            "Counted over the last \(windowDays) days; excused records are left out; with fewer than "
                + (minimumDeliveries == 1 ? "1 delivery" : "\(minimumDeliveries) deliveries") + " no tier is given.",
            "Customer feedback is shown but does not change the tier.",
        ]
    }

    /// The rule as one block of text.
    public var text: String { lines.joined(separator: "\n") }

    private var missedLimit: String {
        missedBlocksMax == 0 ? "no missed blocks" : "at most \(DriverText.count(missedBlocksMax, "missed block"))"
    }

    /// Judges the metrics of one standing (any order; missing metrics count as empty).
    public func judge(_ metrics: [StandingMetric]) -> TierJudgement {
        judge(StandingCounts(metrics))
    }

    /// Judges the numbers of one standing: only the counts matter, never which records they are.
    public func judge(_ counts: StandingCounts) -> TierJudgement {
        func metric(_ kind: MetricKind) -> MetricCount { counts[kind] }
        let onTime = metric(.onTime)
        guard onTime.counted >= minimumDeliveries, let onTimeRate = onTime.rate else {
            return TierJudgement(
                tier: nil, shortfalls: [],
                explanation: "No tier yet: \(onTime.counted) of the \(minimumDeliveries) deliveries needed "
                    + "in the last \(windowDays) days")
        }
        var shortfalls: [TierShortfall] = []
        let period = "over the last \(windowDays) days"
        if onTimeRate < fairOnTime {
            shortfalls.append(
                TierShortfall(
                    metric: .onTime, finding: onTime.summary,
                    wayBack: "an on-time rate of at least \(DriverText.percent(fairOnTime)) \(period)"))
        }
        let completion = metric(.completion)
        if let rate = completion.rate, rate < completionMin {
            shortfalls.append(
                TierShortfall(
                    metric: .completion, finding: completion.summary,
                    wayBack: "a completion rate of at least \(DriverText.percent(completionMin)) \(period)"))
        }
        let scans = metric(.scanCompliance)
        if let rate = scans.rate, rate < scanComplianceMin {
            shortfalls.append(
                TierShortfall(
                    metric: .scanCompliance, finding: scans.summary,
                    wayBack: "scan compliance of at least \(DriverText.percent(scanComplianceMin)) \(period)"))
        }
        let missed = metric(.missedBlocks)
        if missed.against > missedBlocksMax {
            shortfalls.append(
                TierShortfall(
                    metric: .missedBlocks, finding: missed.summary, wayBack: "\(missedLimit) \(period)"))
        }
        if !shortfalls.isEmpty {
            return TierJudgement(
                tier: .atRisk, shortfalls: shortfalls,
                explanation: "At risk: " + shortfalls.map(\.finding).joined(separator: "; "))
        }
        let onTimeText = DriverText.percent(onTimeRate)
        let (tier, threshold): (StandingTier, Double) =
            onTimeRate >= fantasticOnTime
            ? (.fantastic, fantasticOnTime) : onTimeRate >= greatOnTime ? (.great, greatOnTime) : (.fair, fairOnTime)
        return TierJudgement(
            tier: tier, shortfalls: [],
            explanation: "\(tier.title): on-time \(onTimeText) ≥ \(DriverText.percent(threshold)), every floor met")
    }
}
