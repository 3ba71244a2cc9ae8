import FairdeskCore
import Fluent
import Foundation

/// The demo's order records, so the bot has real answers to give on a fresh install: Casey (premium,
/// who goes straight to a person) and Robin (standard, who meets the bot first) have a few orders
/// each, in every state the bot talks about.
enum DemoOrders {
    /// The standard-tier demo customer who meets the bot.
    static let robinEmail = "robin@fairdesk.example"

    static func seed(casey: UUID, at now: Date, on db: any Database) async throws -> Int {
        let robin = try await CustomerDirectory(db: db, now: now).create(
            displayName: "Robin Reader", tier: "standard",
            identities: [try Identity(kind: .email, raw: robinEmail), try Identity(kind: .social, raw: "x:robinreads")])
        let day = 86_400.0
        let hour = 3_600.0
        let today = Calendar.utc.startOfDay(for: now)
        // Robin's kettle is due in the next few hours, whenever the demo starts.
        let soon = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / hour).rounded(.down) * hour) + 2 * hour
        let orders: [(UUID, OrderRecord)] = [
            (
                casey,
                OrderRecord(
                    number: "FD-204311", status: .shipped, items: "Espresso machine", totalCents: 24_900,
                    currency: "GBP", placedAt: now - 6 * day, deliveryFrom: today - day + 9 * hour,
                    deliveryUntil: today - day + 13 * hour, carrier: "Fairdesk Drivers", tracking: "FDD-88412")
            ),
            (
                casey,
                OrderRecord(
                    number: "FD-198877", status: .delivered, items: "Linen bedding set", totalCents: 8_950,
                    currency: "GBP", placedAt: now - 20 * day, deliveredAt: now - 16 * day + 3 * hour)
            ),
            (
                try robin.requireID(),
                OrderRecord(
                    number: "FD-310245", status: .outForDelivery, items: "Blue kettle, 2 mugs", totalCents: 4_599,
                    currency: "GBP", placedAt: now - 2 * day, deliveryFrom: soon,
                    deliveryUntil: soon + 2 * hour, carrier: "Fairdesk Drivers", tracking: "FDD-90217")
            ),
            (
                try robin.requireID(),
                OrderRecord(
                    number: "FD-305518", status: .returned, items: "Running shoes (size 42)", totalCents: 7_500,
                    currency: "GBP", placedAt: now - 15 * day, deliveredAt: now - 12 * day, refundStatus: .approved,
                    refundCents: 7_500, refundUpdatedAt: now - 2 * day)
            ),
            (
                try robin.requireID(),
                OrderRecord(
                    number: "FD-312900", status: .packed, items: "Desk lamp", totalCents: 3_200, currency: "GBP",
                    placedAt: now - 3 * hour, deliveryFrom: today + 2 * day + 8 * hour,
                    deliveryUntil: today + 2 * day + 12 * hour)
            ),
        ]
        for (customer, order) in orders {
            try await OrderBook.save(order, customerID: customer, at: now, on: db)
        }
        return orders.count
    }
}
