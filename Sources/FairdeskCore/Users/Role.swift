/// What a person may do in Fairdesk. Every route names the roles it admits.
public enum Role: String, Sendable, Codable, CaseIterable {
    case customer
    case agent
    case lead
    case policyOwner = "policy_owner"
    case driver
    case reviewer
    case admin

    /// Staff who work cases.
    public static let caseWorkers: Set<Role> = [.agent, .lead, .admin]
    /// Everyone who works for or with the company: staff and drivers, everybody but customers.
    /// Policies bind them, and they read their notifications.
    public static let workforce: Set<Role> = Set(allCases).subtracting([.customer])
    /// Staff who see every case, whatever its queue.
    public static let supervisors: Set<Role> = [.lead, .admin]
}
