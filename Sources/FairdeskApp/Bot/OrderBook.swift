import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// Fairdesk's copy of the order system's records, kept current through `PUT /api/v1/orders/{number}`.
/// The bot reads it to answer status, refund and delivery questions; agents see it on the customer.
enum OrderBook {
    /// An `orders` row; it is also what the API answers (``OrderDTO``).
    struct Row: Content {
        var number: String
        var customerId: UUID?
        var status: OrderRecord.Status
        var items: String
        var totalCents: Int64
        var currency: String
        var placedAt: Date
        var deliveryFrom: Date?
        var deliveryUntil: Date?
        var deliveredAt: Date?
        var carrier: String?
        var tracking: String?
        var refundStatus: OrderRecord.RefundStatus
        var refundCents: Int64?
        var refundUpdatedAt: Date?
        var updatedAt: Date

        var record: OrderRecord {
            OrderRecord(
                number: number, status: status, items: items, totalCents: totalCents, currency: currency,
                placedAt: placedAt, deliveryFrom: deliveryFrom, deliveryUntil: deliveryUntil, deliveredAt: deliveredAt,
                carrier: carrier, tracking: tracking, refundStatus: refundStatus, refundCents: refundCents,
                refundUpdatedAt: refundUpdatedAt)
        }
    }

    /// The order `number` if it is `customerID`'s: the bot never tells one customer about another's order.
    static func find(_ number: String, customerID: UUID, on db: any Database) async throws -> OrderRecord? {
        try await db.sql.raw(
            """
            SELECT * FROM orders WHERE number = \(bind: normalized(number)) AND customer_id = \(bind: customerID)
            """
        ).first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)?.record
    }

    /// The order `number`, whoever's it is (for staff).
    static func row(_ number: String, on db: any Database) async throws -> Row? {
        try await db.sql.raw("SELECT * FROM orders WHERE number = \(bind: normalized(number))")
            .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// A customer's orders, newest first.
    static func of(customer customerID: UUID, limit: Int = 50, on db: any Database) async throws -> [Row] {
        try await db.sql.raw(
            """
            SELECT * FROM orders WHERE customer_id = \(bind: customerID) ORDER BY placed_at DESC \
            LIMIT \(literal: limit)
            """
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// Creates or replaces the order `record.number`, for `customerID`.
    static func save(_ record: OrderRecord, customerID: UUID?, at now: Date, on db: any Database) async throws {
        let values: [(String, (any Encodable & Sendable)?)] = [
            ("customer_id", customerID), ("status", record.status.rawValue), ("items", record.items),
            ("total_cents", record.totalCents), ("currency", record.currency), ("placed_at", record.placedAt),
            ("delivery_from", record.deliveryFrom), ("delivery_until", record.deliveryUntil),
            ("delivered_at", record.deliveredAt), ("carrier", record.carrier), ("tracking", record.tracking),
            ("refund_status", record.refundStatus.rawValue), ("refund_cents", record.refundCents),
            ("refund_updated_at", record.refundUpdatedAt), ("updated_at", now),
        ]
        if try await row(record.number, on: db) != nil {
            var statement: SQLQueryString = "UPDATE orders SET "
            for (index, (column, value)) in values.enumerated() {
                if index > 0 { statement += ", " }
                statement += "\(ident: column) = "
                if let value { statement += "\(bind: value)" } else { statement += "NULL" }
            }
            statement += " WHERE number = \(bind: normalized(record.number))"
            try await db.sql.raw(statement).run()
        } else {
            try await db.insertRow(
                "orders", [("id", UUID()), ("number", normalized(record.number))] + values)
        }
    }

    /// Order numbers are kept and looked up in capitals, as the bot reads them: "fd-1234" is "FD-1234".
    static func normalized(_ number: String) -> String { number.trimmed.uppercased() }
}
