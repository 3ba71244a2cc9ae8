import Foundation

/// An order as the order system reports it: what the bot reads to answer status, refund and delivery
/// questions. Fairdesk holds a copy the order system keeps current through the API.
public struct OrderRecord: Sendable, Equatable, Codable {
    /// Where the order is on its way to the customer.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case placed, packed, shipped
        case outForDelivery = "out_for_delivery"
        case delivered, undeliverable, returned, cancelled

        /// How the bot says it: "out for delivery".
        public var label: String { rawValue.replacingOccurrences(of: "_", with: " ") }
    }

    /// Where the customer's refund on the order stands.
    public enum RefundStatus: String, Sendable, Codable, CaseIterable {
        case none, requested, approved, paid, refused
    }

    /// The number the customer knows: "FD-482913".
    public var number: String
    public var status: Status
    /// One line a person reads: "Blue kettle, 2 mugs".
    public var items: String
    public var totalCents: Int64
    /// ISO 4217 code: "EUR".
    public var currency: String
    public var placedAt: Date
    /// The delivery window promised to the customer.
    public var deliveryFrom: Date?
    public var deliveryUntil: Date?
    public var deliveredAt: Date?
    public var carrier: String?
    public var tracking: String?
    public var refundStatus: RefundStatus
    public var refundCents: Int64?
    /// When the refund last changed state (requested, approved, paid or refused).
    public var refundUpdatedAt: Date?

    public init(
        number: String, status: Status, items: String, totalCents: Int64, currency: String, placedAt: Date,
        deliveryFrom: Date? = nil, deliveryUntil: Date? = nil, deliveredAt: Date? = nil, carrier: String? = nil,
        tracking: String? = nil, refundStatus: RefundStatus = .none, refundCents: Int64? = nil,
        refundUpdatedAt: Date? = nil
    ) {
        self.number = number
        self.status = status
        self.items = items
        self.totalCents = totalCents
        self.currency = currency
        self.placedAt = placedAt
        self.deliveryFrom = deliveryFrom
        self.deliveryUntil = deliveryUntil
        self.deliveredAt = deliveredAt
        self.carrier = carrier
        self.tracking = tracking
        self.refundStatus = refundStatus
        self.refundCents = refundCents
        self.refundUpdatedAt = refundUpdatedAt
    }
}
