import FairdeskCore
import Foundation
import Vapor

struct UserDTO: Content {
    var id: UUID
    var email: String
    var name: String
    var role: String
    var customerId: UUID?
    var active: Bool
    var team: String
    var jurisdiction: String

    init(_ user: User) throws {
        self.id = try user.requireID()
        self.email = user.email
        self.name = user.name
        self.role = user.role.rawValue
        self.customerId = user.$customer.id
        self.active = user.active
        self.team = user.team
        self.jurisdiction = user.jurisdiction
    }
}

struct LoginRequest: Content {
    var email: String
    var password: String
    /// A label for the token, e.g. "phone system".
    var name: String?
}

struct TokenDTO: Content {
    /// Shown once; Fairdesk keeps only its hash.
    var token: String
    var expiresAt: Date?
    var user: UserDTO
}

struct SessionDTO: Content {
    var user: UserDTO
    /// Send this in the X-CSRF-Token header on every request that changes something.
    var csrfToken: String
}

struct CreateUserRequest: Content {
    var email: String
    var name: String
    var role: String
    var password: String
    var customerId: UUID?
}

struct RoleChangeRequest: Content {
    var role: String
    var reason: String
}

struct QueueDTO: Content {
    var id: UUID
    var name: String
    var description: String

    init(_ queue: Queue) throws {
        self.id = try queue.requireID()
        self.name = queue.name
        self.description = queue.description
    }
}

struct CreateQueueRequest: Content {
    var name: String
    var description: String?
}

struct QueueMemberRequest: Content {
    var userId: UUID
}

struct AuditEntryDTO: Content {
    var sequence: Int64
    var at: Date
    var actorId: UUID?
    var actorLabel: String
    var action: String
    var subjectType: String
    var subjectId: String
    var reason: String?
    var details: String
    var policyVersion: String?
    var hash: String

    init(_ entry: AuditEntry) {
        self.sequence = entry.sequence
        self.at = entry.at
        self.actorId = entry.actorID
        self.actorLabel = entry.actorLabel
        self.action = entry.action
        self.subjectType = entry.subjectType
        self.subjectId = entry.subjectID
        self.reason = entry.reason
        self.details = entry.details
        self.policyVersion = entry.policyVersion
        self.hash = entry.hash
    }
}
