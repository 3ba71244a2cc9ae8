import FairdeskCore
import Foundation
import Vapor

/// A customer as the API shows it.
struct CustomerDTO: Content {
    struct IdentityDTO: Content {
        var kind: String
        var value: String
    }

    var id: UUID
    var displayName: String
    var tier: String
    var mergedIntoId: UUID?
    var identities: [IdentityDTO]
    var createdAt: Date

    init(_ customer: Customer, identities: [CustomerIdentity]) throws {
        self.id = try customer.requireID()
        self.displayName = customer.displayName
        self.tier = customer.tier
        self.mergedIntoId = customer.mergedIntoID
        self.identities = identities.map { IdentityDTO(kind: $0.kind.rawValue, value: $0.shownValue) }
        self.createdAt = customer.createdAt
    }
}

/// An address as a client sends it; `kind` is checked against ``IdentityKind``.
struct IdentityInput: Content {
    var kind: String
    var value: String

    func parse(field: String, into checks: inout Checks) -> Identity? {
        guard let kind = checks.oneOf(kind, field: "\(field).kind", as: IdentityKind.self) else { return nil }
        if kind == .chat && field != "from" {
            // A chat visitor id is the visitor's key to their conversation; only the widget makes one.
            checks.add("\(field).kind", "chat identities come only from the chat widget")
            return nil
        }
        do {
            return try Identity(kind: kind, raw: value, field: "\(field).value")
        } catch {
            for problem in error.problems { checks.add(problem.field, problem.rule) }
            return nil
        }
    }
}

struct CreateCustomerRequest: Content {
    var displayName: String?
    var tier: String?
    var identities: [IdentityInput]
}

struct MergeCustomersRequest: Content {
    /// The duplicate record; it is folded into the customer in the URL.
    var sourceCustomerId: UUID
    var reason: String
}

struct MergeResultDTO: Content {
    var customer: CustomerDTO
    var movedIdentities: Int
    var movedCases: Int
}
