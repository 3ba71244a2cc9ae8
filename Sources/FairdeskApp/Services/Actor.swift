import Foundation

/// Who did something, as the audit log and timeline record it.
struct Actor: Sendable {
    var id: UUID?
    var label: String

    /// Fairdesk itself, acting on a rule (for example reopening a case when the customer writes).
    static let system = Actor(id: nil, label: "Fairdesk (automatic)")

    init(id: UUID?, label: String) {
        self.id = id
        self.label = label
    }

    init(_ user: User) {
        self.id = user.id
        self.label = "\(user.name) (\(user.role.rawValue))"
    }
}
