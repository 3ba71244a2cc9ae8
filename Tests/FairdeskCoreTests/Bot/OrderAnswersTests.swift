import Foundation
import Testing

@testable import FairdeskCore

@Suite("Order answers")
struct OrderAnswersTests {
    // Monday 23 November 2026, 10:00 UTC.
    let now = Date(timeIntervalSince1970: 1_795_428_000)
    let hour = 3_600.0

    func order(_ status: OrderRecord.Status) -> OrderRecord {
        OrderRecord(
            number: "FD-310245", status: status, items: "Blue kettle", totalCents: 4_599, currency: "GBP",
            placedAt: now - 30 * hour, deliveryFrom: now + 4 * hour, deliveryUntil: now + 6 * hour,
            carrier: "Fairdesk Drivers", tracking: "FDD-1")
    }

    @Test("status names the order, the carrier and tracking, and the window in the shop's time zone")
    func status() {
        let text = OrderAnswers.text(
            for: .orderStatus, number: "FD-310245", record: order(.outForDelivery), now: now,
            timeZone: TimeZone(identifier: "Europe/Paris")!)
        #expect(
            text
                == "Order FD-310245 (Blue kettle): it is out for delivery with Fairdesk Drivers (tracking FDD-1). "
                + "It is due today between 15:00 and 17:00. If that doesn't answer it, just ask for a person.")
    }

    @Test("a window that has passed without delivery is said to be late, with the way to a person")
    func late() {
        var record = order(.shipped)
        record.deliveryFrom = now - 30 * hour
        record.deliveryUntil = now - 26 * hour
        let text = OrderAnswers.text(for: .deliveryWindow, number: record.number, record: record, now: now)
        #expect(
            text.contains("Order FD-310245 (Blue kettle): it was due yesterday between 04:00 and 08:00 and is late"))
        #expect(text.contains("ask for one"))
    }

    @Test("refunds say the amount, the state and since when")
    func refund() {
        var record = order(.returned)
        record.refundStatus = .approved
        record.refundCents = 4_599
        record.refundUpdatedAt = now - 48 * hour
        let text = OrderAnswers.text(for: .refundStatus, number: record.number, record: record, now: now)
        #expect(text.contains("your refund of GBP 45.99 was approved on Sat 21 Nov"))
        #expect(OrderAnswers.money(5, "EUR") == "EUR 0.05")
    }

    @Test("an order not on the customer's account is not described at all")
    func unknown() {
        let text = OrderAnswers.text(for: .orderStatus, number: "FD-999999", record: nil, now: now)
        #expect(text.hasPrefix("I can't find order FD-999999 on your account."))
    }
}
