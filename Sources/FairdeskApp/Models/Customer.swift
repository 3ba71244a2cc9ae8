import FairdeskCore
import Fluent
import Foundation

/// A person who buys from the company. Many identities, one customer, one timeline.
final class Customer: Model, @unchecked Sendable {
    static let schema = "customers"

    @ID(key: .id) var id: UUID?
    @Field(key: "display_name") var displayName: String
    /// `displayName` lower-cased without accents, for search by the start of a name.
    @OptionalField(key: "name_key") var nameKey: String?
    @Field(key: "tier") var tier: String
    /// Set when this record was merged into another; the other one is the customer now.
    @OptionalField(key: "merged_into_id") var mergedIntoID: UUID?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @Children(for: \.$customer) var identities: [CustomerIdentity]

    init() {}

    /// The search key of a name: "Émile Zola" becomes "emile zola".
    static func nameKey(_ name: String) -> String {
        name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
            .trimmingCharacters(in: .whitespaces)
    }

    init(id: UUID? = nil, displayName: String, tier: String, createdAt: Date) {
        self.id = id
        self.displayName = displayName
        self.nameKey = Self.nameKey(displayName)
        self.tier = tier
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

/// One address of a customer: an email address, phone number, social handle or chat visitor id.
final class CustomerIdentity: Model, @unchecked Sendable {
    static let schema = "identities"

    @ID(key: .id) var id: UUID?
    @Parent(key: "customer_id") var customer: Customer
    @Field(key: "kind") var kind: IdentityKind
    @Field(key: "value") var value: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    /// The value as staff may see it. A chat visitor id works like a password for the visitor's
    /// conversation, so only its last characters are shown.
    var shownValue: String {
        kind == .chat ? "visitor …\(value.suffix(4))" : value
    }

    init(customerID: UUID, identity: Identity, createdAt: Date) {
        self.$customer.id = customerID
        self.kind = identity.kind
        self.value = identity.value
        self.createdAt = createdAt
    }
}
