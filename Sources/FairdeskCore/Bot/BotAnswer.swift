import Foundation

/// What the bot answers, and what the answer rests on.
public struct BotAnswer: Sendable, Equatable {
    public var intent: BotIntent
    public var confidence: Double
    /// The orders to look up for an order-record answer.
    public var orderNumbers: [String]
    /// The article answered from, for a policy or how-to question.
    public var article: KnowledgeArticle?
    /// Whether the bot must first ask which order the customer means.
    public var needsOrderNumber: Bool
    /// The text the bot can send as it is, or `nil` for an order-record answer, which the caller writes
    /// from the record (the core holds no order data).
    public var text: String?

    /// The records and articles the answer cites.
    public var citations: [BotCitation] {
        if let article { return [.article(id: article.id, title: article.title)] }
        return orderNumbers.map { .order(number: $0) }
    }

    init(reading: IntentClassifier.Result, message: MessageReading) {
        intent = reading.intent
        confidence = reading.confidence
        orderNumbers = reading.intent.needsOrderRecord ? reading.orderNumbers : []
        article = reading.intent == .knowledge ? reading.article?.article : nil
        needsOrderNumber = reading.intent.needsOrderRecord && reading.orderNumbers.isEmpty
        switch reading.intent {
        case .knowledge:
            text = article.map(BotMessages.excerpt)
        case .greeting:
            text = BotMessages.courtesy(thanks: message.words.contains { BotMessages.thanksWords.contains($0) })
        case .orderStatus, .refundStatus, .deliveryWindow:
            text = needsOrderNumber ? BotMessages.askForOrderNumber(reading.intent) : nil
        case .unknown:
            text = nil
        }
    }
}
