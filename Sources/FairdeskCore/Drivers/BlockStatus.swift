/// What became of a scheduled delivery block the driver had accepted.
public enum BlockStatus: String, Sendable, Codable, CaseIterable {
    /// Accepted and started on time.
    case accepted
    /// Started after its scheduled start.
    case startedLate = "started_late"
    /// Not turned up for: counts as a missed block.
    case missed
    /// Given back with the notice the policy asks for: never counts against the driver.
    case cancelledWithNotice = "cancelled_with_notice"
    /// Given back too late for the depot to replace the driver: counts as a missed block.
    case cancelledLate = "cancelled_late"

    /// Whether the block counts as missed in standing: missed, or cancelled too late.
    public var countsAsMissed: Bool { self == .missed || self == .cancelledLate }

    /// Whether the driver worked the block, on time or late.
    public var wasWorked: Bool { self == .accepted || self == .startedLate }

    /// The status in words: "cancelled late".
    public var words: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}
