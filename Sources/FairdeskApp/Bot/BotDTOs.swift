import FairdeskCore
import Foundation
import Vapor

/// What the bot said to a customer's message, returned to the chat widget or bridge that posted it.
struct BotReplyDTO: Content {
    var text: String
    /// What the bot read in the customer's message (`order_status`, `knowledge`, ...).
    var intent: String?
    var confidence: Double?
    /// The articles and orders the answer rests on.
    var citations: [BotCitationDTO]
    /// The bot passed the conversation to a person.
    var handedOver: Bool
    /// Why, main reason first: `person_requested`, `frustration`, ...
    var reasons: [String]
    /// The wait for a person the customer was told, in seconds.
    var expectedWaitSeconds: Int?
    /// The customer's thanks ended the conversation; the case is resolved.
    var resolved: Bool
}

/// An article or an order a bot answer cites.
struct BotCitationDTO: Content {
    /// `article` or `order`.
    var kind: String
    /// The article's slug, or the order number.
    var id: String
    var title: String?

    init(_ citation: BotCitation) {
        switch citation {
        case .article(let id, let title):
            kind = "article"
            self.id = id
            self.title = title
        case .order(let number):
            kind = "order"
            id = number
            title = nil
        }
    }
}

/// An order as the API shows it: the stored row, whose fields are already the API's (no Fluent model
/// stands between them).
typealias OrderDTO = OrderBook.Row

/// What the order system sends for one order: `PUT /api/v1/orders/{number}`.
struct OrderRequest: Content {
    /// The customer, by id, or by the email address the order was placed with.
    var customerId: UUID?
    var customerEmail: String?
    var customerName: String?
    var status: String?
    var items: String?
    var totalCents: Int64?
    var currency: String?
    var placedAt: Date?
    var deliveryFrom: Date?
    var deliveryUntil: Date?
    var deliveredAt: Date?
    var carrier: String?
    var tracking: String?
    var refundStatus: String?
    var refundCents: Int64?
    var refundUpdatedAt: Date?
}

/// Containment, escalation and time-to-human over a period: `GET /api/v1/reports/bot`.
struct BotReportDTO: Content {
    struct Reason: Content {
        var reason: String
        var label: String
        var count: Int
        var rate: Double
    }
    var from: Date
    var to: Date
    var conversations: Int
    var contained: Int
    var resolvedThenRepeated: Int
    var resolvedTooRecent: Int
    var open: Int
    var handedOver: Int
    var humanJoined: Int
    var containmentRate: Double?
    var escalationRate: Double?
    var byReason: [Reason]
    var answeredHandOvers: Int
    var waitingForHuman: Int
    var timeToHumanMedianSeconds: Double?
    var timeToHumanP90Seconds: Double?
    /// Customers whose tier skips the bot, who opened a case on a bot channel in the period.
    var bypassed: Int
    /// Customers' messages stored and still waiting for the bot's answer now, whatever the period.
    var awaitingAnswer = 0
    /// How long the oldest of them has waited, in seconds; nil when none waits.
    var oldestAwaitingSeconds: Double?

    init(_ report: BotReport, from: Date, to: Date, bypassed: Int) {
        self.from = from
        self.to = to
        conversations = report.conversations
        contained = report.contained
        resolvedThenRepeated = report.resolvedThenRepeated
        resolvedTooRecent = report.resolvedTooRecent
        open = report.open
        handedOver = report.handedOver
        humanJoined = report.humanJoined
        containmentRate = report.containmentRate
        escalationRate = report.escalationRate
        byReason = report.byReason.map {
            Reason(reason: $0.reason.rawValue, label: $0.reason.label, count: $0.count, rate: $0.rate)
        }
        answeredHandOvers = report.answeredHandOvers
        waitingForHuman = report.waitingForHuman
        timeToHumanMedianSeconds = report.timeToHumanMedian
        timeToHumanP90Seconds = report.timeToHumanP90
        self.bypassed = bypassed
    }
}
