import Foundation

/// One message in a bot conversation, from the customer or from the bot, as the rules need to see it.
public struct BotTurn: Sendable, Equatable, Codable {
    public enum Speaker: String, Sendable, Codable {
        case customer, bot
    }

    public var speaker: Speaker
    public var text: String
    public var at: Date
    /// Customer turns: what the bot read in it. Bot turns: what it answered.
    public var intent: BotIntent?
    /// Customer turns: how sure the bot was of `intent`.
    public var confidence: Double?
    /// The order numbers the turn is about.
    public var orderNumbers: [String]
    /// Customer turns: the best knowledge-base article for it. Bot turns: the article answered from.
    public var articleID: String?
    /// Bot turns: the records and articles the answer rests on.
    public var citations: [BotCitation]
    /// Bot turns: set when this turn handed the conversation over.
    public var handOver: HandOverDecision?
    /// Customer turns: the customer confirmed their question was answered ("Did that help?" "Yes").
    public var resolved: Bool

    public init(
        speaker: Speaker, text: String, at: Date, intent: BotIntent? = nil, confidence: Double? = nil,
        orderNumbers: [String] = [], articleID: String? = nil, citations: [BotCitation] = [],
        handOver: HandOverDecision? = nil, resolved: Bool = false
    ) {
        self.speaker = speaker
        self.text = text
        self.at = at
        self.intent = intent
        self.confidence = confidence
        self.orderNumbers = orderNumbers
        self.articleID = articleID
        self.citations = citations
        self.handOver = handOver
        self.resolved = resolved
    }

    /// A customer's message, before the bot has read it.
    public static func customer(_ text: String, at: Date) -> BotTurn {
        BotTurn(speaker: .customer, text: text, at: at)
    }
}
