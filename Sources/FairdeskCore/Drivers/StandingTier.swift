/// Where a driver stands, best first.
public enum StandingTier: String, Sendable, Codable, CaseIterable, Comparable {
    case fantastic
    case great
    case fair
    case atRisk = "at_risk"

    /// The tier's name: "At risk".
    public var title: String {
        switch self {
        case .fantastic: "Fantastic"
        case .great: "Great"
        case .fair: "Fair"
        case .atRisk: "At risk"
        }
    }

    /// Better tiers sort first.
    public static func < (lhs: StandingTier, rhs: StandingTier) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
