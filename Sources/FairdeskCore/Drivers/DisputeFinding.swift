/// What a "delivered but not received" claim comes to, judged on the delivery evidence.
public enum DisputeFinding: String, Sendable, Codable, CaseIterable {
    /// The evidence shows the package was delivered as recorded: nothing counts against the driver.
    case driverNotAtFault = "driver_not_at_fault"
    /// Nothing shows a delivery at the address. Counts against the driver only once a person
    /// records this finding.
    case againstDriver = "against_driver"
    /// The evidence is mixed, and a person has to weigh it. Never counts against the driver.
    case inconclusive

    /// The finding in words: "against the driver".
    public var words: String {
        switch self {
        case .driverNotAtFault: "driver not at fault"
        case .againstDriver: "against the driver"
        case .inconclusive: "inconclusive"
        }
    }
}
