import Fluent
import Foundation
import SQLKit

/// When customers wrote to us: the messages they sent, for the rules that ask whether a customer
/// came back (first-contact resolution, the bot's containment).
enum CustomerContacts {
    struct Contact: Decodable {
        var id: UUID
        var customerId: UUID
        var at: Date
    }

    /// The messages `customers` sent after `start` up to and including `end`, on any channel and case.
    static func inbound(of customers: [UUID], after start: Date, until end: Date, on db: any Database) async throws
        -> [Contact]
    {
        var found: [Contact] = []
        // In slices, to stay under the databases' limits on bound values.
        for first in stride(from: 0, to: customers.count, by: 500) {
            let slice = Array(customers[first..<min(first + 500, customers.count)])
            found += try await db.sql.raw(
                """
                SELECT id, customer_id, occurred_at AS at FROM timeline_entries \
                WHERE customer_id IN (\(binds: slice)) AND kind = 'message' AND direction = 'inbound' \
                AND occurred_at > \(bind: start) AND occurred_at <= \(bind: end)
                """
            ).all(decoding: Contact.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        return found
    }
}
