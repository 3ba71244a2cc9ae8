/// The grounds a decision on a driver may or may not cite, by code ("on_time_rate", "fraud").
///
/// The policy lists the grounds in its `reason_kinds` table, each urgent, ordinary or forbidden. The
/// grounds below are forbidden by law whatever a policy says (EU 2024/2831 and the Seattle and
/// Minnesota ordinances), so code refuses them even if a policy version forgot them.
public enum DecisionGrounds {
    /// Grounds no decision may ever cite: declining offers, hours worked, exercising rights
    /// (appealing, complaining, organising) and data collected while the driver was offline.
    public static let alwaysForbidden = [
        "declining_offers", "hours_worked", "using_appeal_process", "complaining", "organising", "offline_data",
    ]

    /// Grounds that justify an interim suspension when no policy says otherwise.
    public static let defaultUrgent = ["safety", "fraud", "licensing"]

    /// The `reason_kinds` table offered to a new driver policy.
    public static let suggestedKinds: [String: String] = {
        var kinds: [String: String] = [:]
        for ground in defaultUrgent { kinds[ground] = "urgent" }
        for ground in ["on_time_rate", "completion_rate", "missed_blocks", "scan_compliance", "misconduct"] {
            kinds[ground] = "ordinary"
        }
        for ground in alwaysForbidden { kinds[ground] = "forbidden" }
        return kinds
    }()

    /// A ground code in words: "declining_offers" -> "declining offers".
    public static func words(_ ground: String) -> String {
        ground.replacingOccurrences(of: "_", with: " ")
    }
}
