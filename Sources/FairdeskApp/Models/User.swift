import FairdeskCore
import Fluent
import Foundation
import Vapor

/// A person who logs in: staff, customer or driver.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Field(key: "role") var role: Role
    @Field(key: "password_hash") var passwordHash: String
    /// For customers: the customer record whose cases they see.
    @OptionalParent(key: "customer_id") var customer: Customer?
    @Field(key: "active") var active: Bool
    /// The team the person works in ("" for none); policies can bind by team.
    @Field(key: "team") var team: String
    /// Where the person works, as a code like "FR" or "US-WA" ("" for unknown); notice periods,
    /// policies and deadlines can differ by jurisdiction.
    @Field(key: "jurisdiction") var jurisdiction: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(
        id: UUID? = nil, email: String, name: String, role: Role, passwordHash: String, customerID: UUID? = nil,
        createdAt: Date
    ) {
        self.id = id
        self.email = email
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
        self.$customer.id = customerID
        self.active = true
        self.team = ""
        self.jurisdiction = ""
        self.createdAt = createdAt
    }
}

extension User: Authenticatable {}

extension User: ModelSessionAuthenticatable {}
