import Foundation

/// The sentences the bot writes itself. Every one of them tells the customer a person is one message away.
public enum BotMessages {
    /// What the customer reads when a person takes over: why, and how long the wait is expected to be.
    public static func connecting(_ decision: HandOverDecision, expectedWait: TimeInterval?) -> String {
        let opening: String
        switch decision.reason {
        case .personRequested: opening = "Of course. I'm connecting you with a person now."
        case .humanOnlyTopic: opening = "This needs one of our team, so I'm connecting you with a person now."
        case .frustration: opening = "I'm sorry this has been frustrating. I'm connecting you with a person now."
        case .repeatedQuestion:
            opening = "I don't seem to have answered your question, so I'm connecting you with a person now."
        case .turnLimit: opening = "Let me get a person to help with all of this. I'm connecting you now."
        case .lowConfidence: opening = "I'm not sure I understood, so I'm connecting you with a person now."
        }
        let summary = " They can see this conversation, so you won't need to repeat yourself."
        guard let expectedWait else { return opening + summary }
        let minutes = Int((expectedWait / 60).rounded(.up))
        let wait =
            minutes <= 1
            ? " The expected wait is under a minute."
            : " The expected wait is about \(minutes) minutes."
        return opening + summary + wait
    }

    /// An answer from an article: its title and its first two sentences, with the article named.
    public static func excerpt(_ article: KnowledgeArticle) -> String {
        var sentences: [String] = []
        var current = ""
        for character in article.body {
            current.append(character)
            if ".!?".contains(character) {
                sentences.append(current.trimmingCharacters(in: .whitespacesAndNewlines))
                current = ""
                if sentences.count == 2 { break }
            }
        }
        if sentences.isEmpty { sentences = [article.body.trimmingCharacters(in: .whitespacesAndNewlines)] }
        return sentences.joined(separator: " ") + " (From our article \"\(article.title)\".) "
            + "If that doesn't answer it, just ask for a person."
    }

    /// The answer to hello, thanks or goodbye.
    public static func courtesy(thanks: Bool) -> String {
        thanks
            ? "You're welcome. Is there anything else? You can ask for a person at any time."
            : "Hello! I can help with orders, refunds, deliveries and our policies, and a person is one message away."
    }

    /// The bot's question when it needs an order number to look something up.
    public static func askForOrderNumber(_ intent: BotIntent) -> String {
        "Which order is this about? Please send the order number (it looks like FD-123456); "
            + "I'll look up the \(intent.label) for you."
    }

    static let thanksWords: Set<String> = [
        "thanks", "thank", "cheers", "ta", "merci", "danke", "gracias", "grazie", "appreciated", "appreciate", "dank",
    ]
}
