/// Who may read and work a case. Pure: the caller supplies the facts.
public struct CaseAccess: Sendable {
    /// The person asking.
    public struct Viewer: Sendable {
        public var role: Role
        public var userKey: String
        /// For customers: the customer record they are.
        public var customerKey: String?
        /// For agents: the queues they belong to.
        public var queueKeys: Set<String>

        public init(role: Role, userKey: String, customerKey: String?, queueKeys: Set<String>) {
            self.role = role
            self.userKey = userKey
            self.customerKey = customerKey
            self.queueKeys = queueKeys
        }
    }

    /// The facts about a case that decide access.
    public struct Facts: Sendable {
        public var customerKey: String
        public var queueKey: String?
        public var ownerKey: String?

        public init(customerKey: String, queueKey: String?, ownerKey: String?) {
            self.customerKey = customerKey
            self.queueKey = queueKey
            self.ownerKey = ownerKey
        }
    }

    /// Leads and admins see every case; an agent sees cases in their queues and cases they own;
    /// a customer sees their own cases; nobody else sees any.
    public static func canRead(_ facts: Facts, by viewer: Viewer) -> Bool {
        switch viewer.role {
        case .lead, .admin:
            return true
        case .agent:
            if facts.ownerKey == viewer.userKey { return true }
            if let queue = facts.queueKey { return viewer.queueKeys.contains(queue) }
            return false
        case .customer:
            return facts.customerKey == viewer.customerKey
        case .policyOwner, .driver, .reviewer:
            return false
        }
    }

    /// Only staff who can read a case may change it; customers may only write to their own.
    public static func canWorkOn(_ facts: Facts, by viewer: Viewer) -> Bool {
        Role.caseWorkers.contains(viewer.role) && canRead(facts, by: viewer)
    }
}
