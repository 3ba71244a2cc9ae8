/// Why an event lay outside the driver's control and is left out of their metrics.
public enum ExcuseCode: String, Sendable, Codable, CaseIterable {
    case weather
    case depotDelay = "depot_delay"
    case roadClosure = "road_closure"
    case appOutage = "app_outage"
    /// Only when the illness was reported before the block began; see `Excuse.validate`.
    case illnessReportedInAdvance = "illness_reported_in_advance"

    /// The code as the driver reads it next to the excused record: "depot delay".
    public var words: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}
