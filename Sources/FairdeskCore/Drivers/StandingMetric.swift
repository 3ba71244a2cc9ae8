/// One number on a driver's standing, with every record behind it.
///
/// `counted` are the records the number is worked out from; `against` are those among them that
/// count against the driver (late, not delivered, scanned away from the door, missed, negative);
/// `excluded` were left out because they were excused. The driver can open each list.
public struct StandingMetric: Sendable, Equatable, Codable {
    public var kind: MetricKind
    public var counted: [String]
    public var against: [String]
    public var excluded: [ExcludedRecord]

    /// A metric from its record lists.
    public init(kind: MetricKind, counted: [String], against: [String], excluded: [ExcludedRecord]) {
        self.kind = kind
        self.counted = counted
        self.against = against
        self.excluded = excluded
    }

    /// The numbers alone: how many counted, against and excused.
    public var count: MetricCount {
        MetricCount(kind: kind, counted: counted.count, against: against.count, excused: excluded.count)
    }

    /// The share of counted records that do not count against the driver; nil when nothing counted,
    /// because no rate is better than a made-up one.
    public var rate: Double? { count.rate }

    /// The metric as the driver reads it: "on-time rate 96% (48 of 50)", "missed blocks 1 of 12",
    /// with "(3 excused)" when records were left out.
    public var summary: String { count.summary }
}
