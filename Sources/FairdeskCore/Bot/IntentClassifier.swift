import Foundation

/// Reads what a customer asks for, and how sure the bot can be.
///
/// Questions answered from an order record (order status, refund status, delivery window) are
/// recognised by weighted phrases; policy and how-to questions by ranking the knowledge base with
/// BM25; greetings by consisting of nothing else. The highest score wins, and the confidence (0…1)
/// grows with that score and with its lead over the best answer of another kind: a message that
/// could as well be a refund question as a policy question gets a low confidence, and a person.
public struct IntentClassifier: Sendable {
    /// What the classifier read.
    public struct Result: Sendable, Equatable {
        public var intent: BotIntent
        /// How sure the bot is, 0…1.
        public var confidence: Double
        /// The order numbers in the message (and, for a follow-up, in the message it follows).
        public var orderNumbers: [String]
        /// The best article for the question, whatever the intent; the answer for `.knowledge`.
        public var article: KnowledgeIndex.Match?
        /// Each intent's score before the confidence is worked out, for tests and evaluation reports.
        public var scores: [BotIntent: Double]
    }

    /// A phrase that points to an intent, with its weight.
    public struct Feature: Sendable {
        public var pattern: PhrasePattern
        public var weight: Double
        public init(_ pattern: String, _ weight: Double) {
            self.pattern = PhrasePattern(pattern)
            self.weight = weight
        }
    }

    public let index: KnowledgeIndex
    public let features: [BotIntent: [Feature]]

    public init(index: KnowledgeIndex, features: [BotIntent: [Feature]] = IntentClassifier.defaultFeatures) {
        self.index = index
        self.features = features
    }

    /// How fast the confidence rises with the score: a score of 1.2 gives about 0.63 before the margin.
    static let scoreScale = 1.2
    /// What a knowledge-base match can score at most (an article covering the whole question, far ahead).
    static let knowledgeScale = 4.0

    /// Classifies `message`; `previous` is the customer's message before it, if any, for follow-ups
    /// like "And Apple Pay?" that only make sense with it.
    public func classify(_ message: MessageReading, previous: MessageReading? = nil) -> Result {
        var scores: [BotIntent: Double] = [:]
        let content = message.contentTerms

        // Greeting: only greeting and courtesy words.
        let greetingWords = message.words.filter { IntentClassifier.greetingWords.contains($0) }
        let onlyCourtesy = message.words.allSatisfy { IntentClassifier.courtesyWords.contains($0) }
        if !greetingWords.isEmpty && onlyCourtesy {
            return Result(
                intent: .greeting, confidence: 0.95, orderNumbers: message.orderNumbers, article: nil,
                scores: [.greeting: 3])
        }

        // Phrases for the questions an order record answers.
        for intent in [BotIntent.orderStatus, .refundStatus, .deliveryWindow] {
            var score = 0.0
            for feature in features[intent] ?? [] where message.contains(feature.pattern) {
                score += feature.weight
            }
            scores[intent] = score
        }
        if !message.orderNumbers.isEmpty {
            // A message that is only an order number asks about that order.
            scores[.orderStatus, default: 0] += content.isEmpty ? 2.0 : 1.0
            scores[.refundStatus, default: 0] += 0.5
            scores[.deliveryWindow, default: 0] += 0.5
        }
        // Openings are read after any greeting: "Hi, how do I ..." opens with "how do I".
        let opening = Array(message.terms.drop { IntentClassifier.openingCourtesy.contains($0) })
        let openingSet = Set(opening)
        func opens(_ patterns: [PhrasePattern]) -> Bool {
            patterns.contains { $0.matches(opening, present: openingSet) }
        }
        let asksInGeneral = opens(IntentClassifier.generalQuestion)
        let aboutTheirOwn =
            !message.orderNumbers.isEmpty || message.firstMatch(IntentClassifier.ownQuestion) != nil
        let asksHowTo = opens(IntentClassifier.howTo)
        if asksHowTo || (asksInGeneral && !aboutTheirOwn) {
            // "How long do refunds take?" is a policy question even though it is about refunds.
            for intent in [BotIntent.orderStatus, .refundStatus, .deliveryWindow] {
                scores[intent, default: 0] *= 0.4
            }
        }

        // The knowledge base, with the previous message's terms at half weight for a short follow-up.
        var query = KnowledgeIndex.queryTerms(message.terms)
        if let previous, isFollowUp(message, contentCount: content.count) {
            let present = Set(query.map(\.term))
            query += KnowledgeIndex.queryTerms(previous.terms, weight: 0.5).filter { !present.contains($0.term) }
        }
        let ranked = index.search(query, limit: 2)
        let article = ranked.first
        if let best = ranked.first {
            let second = ranked.count > 1 ? ranked[1].score : 0
            let lead = best.score > 0 ? (best.score - second) / best.score : 0
            // Coverage counts more than linearly: an article that explains a third of the question is
            // no answer to it, however well it matches that third.
            let covered = pow(best.coverage, 1.5)
            var score =
                IntentClassifier.knowledgeScale * covered * (0.3 + 0.7 * best.specificity) * (0.65 + 0.35 * lead)
            if !best.topical { score *= 0.5 }
            if asksInGeneral { score += 0.5 }
            // "When will my parcel arrive" shares words with "My parcel arrived damaged", but it asks
            // about the customer's own parcel: the record answers it, not an article.
            let recordScore =
                [BotIntent.orderStatus, .refundStatus, .deliveryWindow].map { scores[$0] ?? 0 }.max() ?? 0
            if aboutTheirOwn && recordScore >= 1.5 { score *= 0.5 }
            scores[.knowledge] = score
        }

        // The winner, and its lead over the best answer of another kind.
        let ordered = scores.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue }
        guard let top = ordered.first, top.value > 0.3 else {
            return Result(
                intent: .unknown, confidence: 0, orderNumbers: message.orderNumbers, article: article, scores: scores)
        }
        let rival = ordered.dropFirst().first { !IntentClassifier.sameAnswer(top.key, $0.key) }?.value ?? 0
        // A rival half as strong costs little; a rival as strong halves the confidence.
        let closeness = rival / top.value
        let strength = 1 - exp(-top.value / IntentClassifier.scoreScale)
        let confidence = min(1, max(0, strength * (1 - 0.5 * closeness * closeness)))
        var orderNumbers = message.orderNumbers
        if orderNumbers.isEmpty, top.key.needsOrderRecord, let previous {
            orderNumbers = previous.orderNumbers
        }
        return Result(
            intent: top.key, confidence: confidence, orderNumbers: orderNumbers, article: article, scores: scores)
    }

    /// Whether two intents are answered the same way, so a close call between them is no doubt at all:
    /// the order record shows both where an order is and when it comes.
    static func sameAnswer(_ a: BotIntent, _ b: BotIntent) -> Bool {
        let orderRecord: Set<BotIntent> = [.orderStatus, .deliveryWindow]
        return a == b || (orderRecord.contains(a) && orderRecord.contains(b))
    }

    /// A short message that leans on the one before: "And Apple Pay?", "what about customs charges?".
    func isFollowUp(_ message: MessageReading, contentCount: Int) -> Bool {
        guard contentCount <= 3 else { return false }
        if let first = message.words.first,
            ["and", "also", "what", "how", "but", "ok", "okay", "great"].contains(first)
        {
            return true
        }
        return message.firstMatch(IntentClassifier.leansOnBefore) != nil
    }

    // MARK: - Vocabulary

    static let greetingWords: Set<String> = [
        "hi", "hii", "hello", "hey", "hiya", "morning", "afternoon", "evening", "thanks", "thank", "cheers", "ta",
        "bye", "goodbye", "ok", "okay", "great", "perfect", "brilliant", "awesome", "cool", "lovely", "nice",
        "hallo", "bonjour", "hola", "merci", "danke", "gracias", "salut", "ciao", "servus", "moin", "dank",
        "bonsoir", "buenos", "buenas", "grazie", "appreciated", "appreciate", "fab", "fantastic",
        "excellent", "sorted", "super", "wonderful", "amazing",
    ]

    /// Words that may stand around a greeting without making it a question.
    static let courtesyWords: Set<String> = greetingWords.union([
        "there", "good", "so", "much", "you", "very", "that", "is", "all", "i", "needed", "need", "for", "your",
        "help", "the", "a", "it", "was", "many", "again", "guys", "team", "beaucoup", "vielen", "muchas",
        "tag", "dias", "tardes", "noches", "have", "day", "see", "ya", "bye", "just", "wanted", "to", "say", "oh",
        "alright", "right", "fine", "got", "thats", "what", "this", "helpful", "helped", "everyone", "and", "yes",
        "yeah", "mille", "schon", "sehr", "everything", "lot", "now", "understood", "clear",
    ])

    /// Openings of a question about how things work in general.
    static let generalQuestion: [PhrasePattern] = [
        "^ how do|does|can|much|long|many|often", "^ can|could|may i|we", "^ do|does|will|would you", "^ do|does",
        "^ is|are there", "^ is it", "^ are you", "^ what is|are your|the", "^ which", "^ am i",
        "^ will i need|have", "policy", "if i", "is it possible", "what happen", "how do|does|can i|we|you",
    ].map(PhrasePattern.init)

    /// Words that may come before the question proper.
    static let openingCourtesy: Set<String> = Set(
        [
            "hi", "hello", "hey", "hiya", "good", "morning", "afternoon", "evening", "quick", "question", "just",
            "wondering", "so", "ok", "okay", "please", "sorry", "excuse", "me", "thanks", "thank", "you", "there",
            "yes", "no", "um", "hmm", "also", "and", "but",
        ].map(BotText.term))

    /// Openings that ask for instructions: "How do I track my order?" wants the how-to, not the record.
    static let howTo: [PhrasePattern] = ["^ how do|can|would|should i|we", "^ how to"].map(PhrasePattern.init)

    /// Words that make a question about the customer's own order, refund or delivery.
    static let ownQuestion: [PhrasePattern] = [
        "my order|parcel|refund|deliver|item|return|money", "did|has|have|was * my|it|order|parcel|refund",
        "is|are * order|parcel|refund|deliver|return|item",
        "where * my", "i order|return|sent|paid", "it * arrive|deliver|ship",
    ].map(PhrasePattern.init)

    /// Words that show a message continues the one before.
    static let leansOnBefore: [PhrasePattern] = [
        "what|how about", "and|also *", "it|them|that|this", "then", "too",
    ].map(PhrasePattern.init)

    /// The phrases for order status, refund status and delivery window, with weights. A phrase that
    /// matches adds its weight once; an order number in the message adds to all three.
    public static let defaultFeatures: [BotIntent: [Feature]] = [
        .orderStatus: [
            Feature("where * order|parcel|item", 2.0),
            Feature("where * my deliver", 2.0),
            Feature("where * it", 1.0),
            Feature("order|parcel|item|it * not|never|pas|nicht * arrive|receive|here|deliver|show", 1.8),
            Feature("not|never * turn up", 1.8),
            Feature("not|never|pas|nicht * receive|got * order|parcel|item", 1.8),
            Feature("ordernumber|order|parcel|item|it * ship|dispatch|sent|post", 1.5),
            Feature("ship|dispatch * yet", 1.0),
            Feature("order|parcel|item|it * go|went * out", 1.5),
            Feature("left * warehouse", 1.5),
            Feature("hand * driver", 1.5),
            Feature("order status", 1.5),
            Feature("status * order|parcel|deliver", 1.5),
            Feature("status", 1.0),
            Feature("update|news|progress * order|parcel|item|deliver", 1.5),
            Feature("order|parcel|tracking * not * update|move|change", 1.5),
            Feature("track * order|parcel", 1.2),
            Feature("track", 0.8),
            Feature("stuck", 1.2),
            Feature("order|parcel|item|it * lost", 1.2),
            Feature("process|pending", 1.2),
            Feature("was|were|been * ship|dispatch|sent|post", 1.0),
            Feature("depot", 0.8),
            Feature("out for deliver", 0.8),
            Feature("check * order|parcel|it", 1.2),
            Feature("still wait", 0.8),
            Feature("on it|the way", 1.5),
            Feature("due * ago", 1.2),
            Feature("supposed * here|arrive|deliver", 1.0),
            Feature("late|overdue|delay", 1.0),
        ],
        .refundStatus: [
            Feature("refund", 1.0),
            Feature("^ refund", 1.0),
            Feature("my refund", 1.0),
            Feature("where * refund|money", 2.0),
            Feature("refund ** where", 1.5),
            Feature("refund|money * not|never|yet|still", 1.5),
            Feature("not|no|never|pas|nicht * receive|got|seen|had * refund|money", 1.5),
            Feature("no refund", 1.5),
            Feature("refund * status|update|news|amount", 1.5),
            Feature("status|update|news|progress * refund", 1.5),
            Feature("when * get|receive|see * refund|money", 1.5),
            Feature("when * refund", 1.5),
            Feature("refund ** process|issue|go|went|through|done|approve|paid|sent|arrive|land|show", 1.2),
            Feature("receive|got|get * my|the return", 1.5),
            Feature("return * been|was * receive|arrive", 1.5),
            Feature("wait * refund|money", 1.5),
            Feature("have|has you * refund", 1.5),
            Feature("money * taken|charged|still|return", 1.2),
            Feature("cancel * money|charge|refund", 1.0),
        ],
        .deliveryWindow: [
            Feature("what|que|which time", 2.0),
            Feature("when will|would|is|does|do|can|should ** arrive|deliver|here|expect|due", 2.0),
            Feature("^ when ** arrive|deliver|here|expect|due", 2.0),
            Feature("when * order|parcel|it|deliver * will|be ** arrive|deliver", 2.0),
            Feature("day * until|till|before", 1.5),
            Feature("get * order|parcel|it * by|before|today|tomorrow", 1.0),
            Feature("eta", 2.0),
            Feature("slot", 1.5),
            Feature("window", 1.5),
            Feature("deliver time|date|day", 1.5),
            Feature("what day", 1.5),
            Feature("how long until|till|before", 1.5),
            Feature("get here", 1.0),
            Feature("will * arrive|get|deliver * by|before|on|until", 1.0),
            Feature("will * order|parcel|item|it * arrive|deliver", 1.5),
            Feature("estimated|expected * deliver|arrive|arrival", 1.0),
            Feature("arrive|deliver * today|tomorrow|tonight|morning|afternoon|evening|weekend", 1.0),
            Feature("today or tomorrow", 1.5),
            Feature("morning or afternoon|evening", 1.5),
            Feature("between what hour", 1.5),
            Feature("deliver * still on", 1.5),
            Feature("deliver * before|after|until|by", 1.0),
            Feature("deliver * today|tomorrow", 1.0),
        ],
    ]
}
