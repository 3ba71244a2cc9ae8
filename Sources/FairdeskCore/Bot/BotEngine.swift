import Foundation

/// The bot: reads a customer's message, applies the hand-over rules, and either answers or hands over.
///
/// It holds no conversation state; the caller passes the turns so far and stores the turns it gets
/// back. Answers from order records (status, refund, delivery window) come back as a plan with the
/// order number to look up; the caller writes the answer from the record and cites it.
public struct BotEngine: Sendable {
    public let index: KnowledgeIndex
    public let classifier: IntentClassifier
    public let rules: HandOverRules
    public let speller: Speller

    public init(articles: [KnowledgeArticle], settings: BotSettings = BotSettings()) {
        self.init(index: KnowledgeIndex(articles: articles), settings: settings)
    }

    public init(index: KnowledgeIndex, settings: BotSettings = BotSettings()) {
        self.index = index
        classifier = IntentClassifier(index: index)
        rules = HandOverRules(settings: settings)
        speller = Speller(vocabulary: index.vocabulary.union(Self.ruleVocabulary(classifier, settings)))
    }

    /// What the bot does with a message.
    public enum Reply: Sendable, Equatable {
        /// The bot answers.
        case answer(BotAnswer)
        /// A person takes over; the bot tells the customer they are being connected.
        case handOver(HandOverDecision)
        /// A person already owns the conversation: the bot says nothing.
        case silent
    }

    /// The outcome of one customer message.
    public struct Step: Sendable, Equatable {
        /// The customer's message with what the bot read in it, to store in the conversation.
        public var customerTurn: BotTurn
        public var reading: IntentClassifier.Result
        public var reply: Reply
        /// The bot's own turn to store (its answer or its hand-over), `nil` when it stays silent.
        public var botTurn: BotTurn?
    }

    /// Reads `text` the way the bot does, correcting misspelt words.
    public func read(_ text: String) -> MessageReading {
        MessageReading(text, speller: speller)
    }

    /// Responds to the customer's message `text`.
    ///
    /// - Parameters:
    ///   - history: the conversation so far, oldest first, as returned in earlier steps.
    ///   - humanOwns: whether a person owns the conversation; then, as after any hand-over, the bot is silent.
    ///   - now: the time of the message, from the caller's clock.
    public func respond(to text: String, history: [BotTurn], humanOwns: Bool = false, at now: Date) -> Step {
        let message = read(text)
        let earlierTurns = history.filter { $0.speaker == .customer }
        let earlier = earlierTurns.map { HandOverRules.Earlier(turn: $0, reading: read($0.text)) }
        let reading = classifier.classify(message, previous: earlier.last?.reading)
        let customerTurn = BotTurn(
            speaker: .customer, text: text, at: now, intent: reading.intent, confidence: reading.confidence,
            orderNumbers: reading.orderNumbers, articleID: reading.article?.article.id)
        if humanOwns || history.contains(where: { $0.handOver != nil }) {
            return Step(customerTurn: customerTurn, reading: reading, reply: .silent, botTurn: nil)
        }
        if let decision = rules.decide(message: message, reading: reading, earlier: earlier, at: now) {
            let botTurn = BotTurn(
                speaker: .bot, text: BotMessages.connecting(decision, expectedWait: nil), at: now,
                intent: reading.intent, orderNumbers: reading.orderNumbers, handOver: decision)
            return Step(customerTurn: customerTurn, reading: reading, reply: .handOver(decision), botTurn: botTurn)
        }
        let answer = BotAnswer(reading: reading, message: message)
        let botTurn = BotTurn(
            speaker: .bot, text: answer.text ?? "", at: now, intent: answer.intent, orderNumbers: answer.orderNumbers,
            articleID: answer.article?.id, citations: answer.citations)
        return Step(customerTurn: customerTurn, reading: reading, reply: .answer(answer), botTurn: botTurn)
    }

    /// The words the rules and features are written in, so the speller corrects towards them too.
    static func ruleVocabulary(_ classifier: IntentClassifier, _ settings: BotSettings) -> Set<String> {
        var phrases = classifier.features.values.flatMap { $0.map(\.pattern.description) }
        phrases += HandOverRules.personPhrases.map(\.description)
        phrases += settings.humanOnlyTopics.flatMap(\.phrases)
        phrases += FrustrationSignals.anger.map(\.0.description) + FrustrationSignals.threats.map(\.description)
        var words = Set<String>()
        for phrase in phrases {
            for word in phrase.split(whereSeparator: { $0 == " " || $0 == "|" }) where word.allSatisfy(\.isLetter) {
                words.insert(BotText.fold(String(word)))
            }
        }
        words.formUnion(IntentClassifier.courtesyWords)
        words.formUnion(HandOverRules.personWords)
        words.formUnion(FrustrationSignals.swearWords)
        words.formUnion(BotText.stopwords)
        words.formUnion(BotText.expansions.values.flatMap { $0 })
        words.formUnion(BotText.synonymGroups.keys)
        words.formUnion(BotText.synonymGroups.values.flatMap { $0 })
        return words
    }
}
