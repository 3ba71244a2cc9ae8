import Fluent
import Foundation
import SQLKit

/// When customers wrote to us: the messages they sent, for the rules that ask whether a customer
/// came back (first-contact resolution, the bot's containment).
enum CustomerContacts {
    struct Contact {
        var id: UUID
        var customerId: UUID
        var at: Date
    }

    /// The messages `customers` sent after `start` up to and including `end`, on any channel and case.
    static func inbound(of customers: [UUID], after start: Date, until end: Date, on db: any Database) async throws
        -> [Contact]
    {
        var found: [Contact] = []
        // In slices, to stay under the databases' limits on bound values; packed, as a scorecard reads
        // a thousand of them.
        for first in stride(from: 0, to: customers.count, by: 500) {
            let slice = Array(customers[first..<min(first + 500, customers.count)])
            let rows = try await PackedRows(db: db).rows(
                [("id", .uuid), ("customer_id", .uuid), ("occurred_at", .date)],
                """
                FROM timeline_entries WHERE customer_id IN (\(binds: slice)) AND kind = 'message' \
                AND direction = 'inbound' AND occurred_at > \(bind: start) AND occurred_at <= \(bind: end)
                """)
            found += rows.compactMap { row in
                guard let id = row.uuid(0), let customer = row.uuid(1), let at = row.date(2) else { return nil }
                return Contact(id: id, customerId: customer, at: at)
            }
        }
        return found
    }
}
