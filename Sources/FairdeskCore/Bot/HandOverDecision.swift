import Foundation

/// The bot's decision to pass a conversation to a person, with the reason the agent and the reports see.
public struct HandOverDecision: Sendable, Equatable, Codable {
    /// Why the bot handed over. When several hold, the first in this order is the main one.
    public enum Reason: String, Sendable, Codable, CaseIterable, Comparable {
        /// The topic is one admins reserve for people: fraud, safety, injury, harassment, legal
        /// action, account closure, a driver's deactivation.
        case humanOnlyTopic = "human_only_topic"
        /// The customer asked for a person, or said the bot is not helping.
        case personRequested = "person_requested"
        /// The customer is angry: angry words, swearing, capitals, "!!!", threats to leave.
        case frustration
        /// The customer asked again what they had asked before, in the same or other words.
        case repeatedQuestion = "repeated_question"
        /// Too many messages without the customer's question being resolved.
        case turnLimit = "turn_limit"
        /// The bot is not sure enough what the customer wants.
        case lowConfidence = "low_confidence"

        /// The words a lead reads in reports.
        public var label: String {
            switch self {
            case .humanOnlyTopic: "topic for a person"
            case .personRequested: "asked for a person"
            case .frustration: "frustration"
            case .repeatedQuestion: "repeated question"
            case .turnLimit: "too many turns without resolution"
            case .lowConfidence: "bot not confident"
            }
        }

        public static func < (a: Reason, b: Reason) -> Bool {
            let order = Reason.allCases
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }
    }

    /// The main reason.
    public var reason: Reason
    /// Every reason that held, main reason first.
    public var reasons: [Reason]
    /// A sentence per reason for the agent, saying what triggered the hand-over in plain words.
    public var detail: String
    /// For a human-only topic: which one ("fraud", "account closure", or the article's title).
    public var topic: String?
    /// When the bot decided.
    public var at: Date

    public init(reasons: [Reason], detail: String, topic: String? = nil, at: Date) {
        let sorted = Array(Set(reasons)).sorted()
        self.reason = sorted.first ?? .lowConfidence
        self.reasons = sorted.isEmpty ? [.lowConfidence] : sorted
        self.detail = detail
        self.topic = topic
        self.at = at
    }
}
