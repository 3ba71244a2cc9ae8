/// Why an event lay outside the driver's control and is left out of their metrics.
public enum ExcuseCode: String, Sendable, Codable, CaseIterable {
    case weather
    case depotDelay = "depot_delay"
    case roadClosure = "road_closure"
    case appOutage = "app_outage"
    /// Only when the illness was reported before the block began; see `Excuse.validate`.
    case illnessReportedInAdvance = "illness_reported_in_advance"
    /// A record the decision relied on that the reviewer found in the driver's favour when the
    /// appeal ended reinstated; set only by that reinstatement, never applied by hand.
    case overturnedOnAppeal = "overturned_on_appeal"

    /// The codes a person or a depot feed may apply; `overturnedOnAppeal` comes only from an appeal.
    public static var applicable: [ExcuseCode] { allCases.filter { $0 != .overturnedOnAppeal } }

    /// The code as the driver reads it next to the excused record: "depot delay".
    public var words: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}
