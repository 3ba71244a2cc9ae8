/// One of the numbers a driver's standing is made of.
public enum MetricKind: String, Sendable, Codable, CaseIterable {
    case onTime = "on_time"
    case completion
    case missedBlocks = "missed_blocks"
    case scanCompliance = "scan_compliance"
    case customerFeedback = "customer_feedback"

    /// The metric's name on the driver's page: "on-time rate".
    public var title: String {
        switch self {
        case .onTime: "on-time rate"
        case .completion: "completion rate"
        case .missedBlocks: "missed blocks"
        case .scanCompliance: "scan compliance"
        case .customerFeedback: "positive customer feedback"
        }
    }

    /// The ground a decision cites when it rests on this metric (a key of `reason_kinds`).
    public var ground: String {
        switch self {
        case .onTime: "on_time_rate"
        case .completion: "completion_rate"
        case .missedBlocks: "missed_blocks"
        case .scanCompliance: "scan_compliance"
        case .customerFeedback: "customer_feedback"
        }
    }
}
