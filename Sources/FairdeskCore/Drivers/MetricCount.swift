/// One number on a driver's standing without the records behind it: what the kept counters hold
/// and what the tier rule needs.
public struct MetricCount: Sendable, Equatable, Codable {
    public var kind: MetricKind
    /// Records the number is worked out from.
    public var counted: Int
    /// Those among them that count against the driver.
    public var against: Int
    /// Records left out because they were excused.
    public var excused: Int

    /// A count from its parts.
    public init(kind: MetricKind, counted: Int = 0, against: Int = 0, excused: Int = 0) {
        self.kind = kind
        self.counted = counted
        self.against = against
        self.excused = excused
    }

    /// Both counts added up (same kind).
    public static func + (lhs: MetricCount, rhs: MetricCount) -> MetricCount {
        MetricCount(
            kind: lhs.kind, counted: lhs.counted + rhs.counted, against: lhs.against + rhs.against,
            excused: lhs.excused + rhs.excused)
    }

    /// The share of counted records that do not count against the driver; nil when nothing counted,
    /// because no rate is better than a made-up one.
    public var rate: Double? {
        counted == 0 ? nil : Double(counted - against) / Double(counted)
    }

    /// The number as the driver reads it: "on-time rate 96% (48 of 50)", "missed blocks 1 of 12",
    /// with "(3 excused)" when records were left out.
    public var summary: String {
        let excusedNote = excused == 0 ? "" : ", \(excused) excused"
        if kind == .missedBlocks {
            return "\(kind.title): \(against) of \(DriverText.count(counted, "block"))\(excusedNote)"
        }
        guard let rate else { return "\(kind.title): no records in the window\(excusedNote)" }
        return "\(kind.title): \(DriverText.percent(rate)) (\(counted - against) of \(counted)\(excusedNote))"
    }
}
