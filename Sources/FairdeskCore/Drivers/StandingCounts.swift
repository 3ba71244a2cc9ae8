/// The five numbers of a standing, for one day or added up over many: what the kept counters of a
/// driver-day hold (see `StandingCounters`).
public struct StandingCounts: Sendable, Equatable, Codable {
    /// One count per metric, in the order the driver's page shows them.
    public var metrics: [MetricCount]

    /// Nothing counted yet.
    public init() {
        metrics = Self.order.map { MetricCount(kind: $0) }
    }

    /// The numbers of `metrics` (any order; missing ones count as empty).
    public init(_ metrics: [StandingMetric]) {
        self.init()
        for metric in metrics { self[metric.kind] = metric.count }
    }

    /// The metrics in the order the driver's page shows them, which `StandingRules` builds them in.
    public static let order: [MetricKind] = [.onTime, .completion, .missedBlocks, .scanCompliance, .customerFeedback]

    /// The count of one metric.
    public subscript(kind: MetricKind) -> MetricCount {
        get { metrics.first { $0.kind == kind } ?? MetricCount(kind: kind) }
        set {
            if let index = metrics.firstIndex(where: { $0.kind == kind }) {
                metrics[index] = newValue
            } else {
                metrics.append(newValue)
            }
        }
    }

    /// Whether nothing at all was counted or excused: such a day needs no row.
    public var isEmpty: Bool { metrics.allSatisfy { $0.counted == 0 && $0.excused == 0 } }

    /// Both added up, metric by metric.
    public static func + (lhs: StandingCounts, rhs: StandingCounts) -> StandingCounts {
        var sum = StandingCounts()
        for kind in order { sum[kind] = lhs[kind] + rhs[kind] }
        return sum
    }

    /// Adds `other` in.
    public static func += (lhs: inout StandingCounts, rhs: StandingCounts) { lhs = lhs + rhs }
}
