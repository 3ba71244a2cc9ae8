import Foundation

/// What a customer's message asks the bot for.
public enum BotIntent: String, Sendable, Codable, CaseIterable {
    /// Where an order is or what state it is in, answered from the order record.
    case orderStatus = "order_status"
    /// Whether and when the customer's refund was paid, answered from the order record.
    case refundStatus = "refund_status"
    /// When a delivery will come (day, time, slot), answered from the order record.
    case deliveryWindow = "delivery_window"
    /// A policy or how-to question, answered from a knowledge-base article.
    case knowledge
    /// Hello, thanks or goodbye and nothing else.
    case greeting
    /// Nothing the bot recognises.
    case unknown

    /// The words a lead reads in reports and summaries.
    public var label: String {
        switch self {
        case .orderStatus: "order status"
        case .refundStatus: "refund status"
        case .deliveryWindow: "delivery window"
        case .knowledge: "policy or how-to question"
        case .greeting: "greeting or thanks"
        case .unknown: "unknown"
        }
    }

    /// Whether the answer comes from an order record (so the bot needs an order number).
    public var needsOrderRecord: Bool {
        switch self {
        case .orderStatus, .refundStatus, .deliveryWindow: true
        case .knowledge, .greeting, .unknown: false
        }
    }
}
