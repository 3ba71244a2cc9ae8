import Foundation

/// When the bot must stop and pass the conversation to a person.
///
/// Every rule is checked on every customer message, and any one of them is enough: the customer asks
/// for a person; the topic is human-only; the customer is frustrated; they ask again what they asked
/// before; too many questions went unresolved; or the bot is not confident. The platform applies
/// these rules, not the bot's configuration, so no setting can remove the way out; settings only
/// move the thresholds.
public struct HandOverRules: Sendable {
    public let settings: BotSettings
    private let topics: [(topic: HumanOnlyTopic, patterns: [PhrasePattern])]

    public init(settings: BotSettings = BotSettings()) {
        self.settings = settings
        topics = settings.humanOnlyTopics.map { ($0, $0.phrases.map(PhrasePattern.init)) }
    }

    /// An earlier customer message as the rules compare against it.
    public struct Earlier: Sendable {
        public var turn: BotTurn
        public var reading: MessageReading
        public init(turn: BotTurn, reading: MessageReading) {
            self.turn = turn
            self.reading = reading
        }
    }

    /// Decides whether `message` goes to a person.
    ///
    /// - Parameters:
    ///   - message: the customer's new message.
    ///   - reading: what the classifier made of it.
    ///   - earlier: the customer's earlier messages in this conversation, oldest first, with what the bot
    ///     read in each (`turn.intent`, `turn.articleID`, `turn.resolved`).
    ///   - now: when the decision is made.
    /// - Returns: the hand-over with every reason that holds, or `nil` when the bot may answer.
    public func decide(
        message: MessageReading, reading: IntentClassifier.Result, earlier: [Earlier], at now: Date
    ) -> HandOverDecision? {
        var reasons: [HandOverDecision.Reason] = []
        var details: [String] = []
        var topic: String?

        if let found = humanOnlyTopic(in: message) {
            reasons.append(.humanOnlyTopic)
            topic = found.topic.label
            details.append(
                "The customer raised a topic only a person handles (\(found.topic.label): \"\(found.phrase)\").")
        } else if reading.intent == .knowledge, let article = reading.article, article.article.humanOnly,
            article.coverage >= 0.5
        {
            reasons.append(.humanOnlyTopic)
            topic = article.article.title
            details.append("The customer asked about \"\(article.article.title)\", which admins marked for a person.")
        }
        if let phrase = Self.personRequest(in: message) {
            reasons.append(.personRequested)
            details.append("The customer asked for a person (\"\(phrase)\").")
        }
        let frustration = frustrationScore(message: message, earlier: earlier)
        if frustration.score >= settings.frustrationThreshold {
            reasons.append(.frustration)
            let evidence = frustration.signals.map { "\($0.kind.rawValue): \"\($0.evidence)\"" }
            details.append("The customer showed frustration (\(evidence.joined(separator: ", "))).")
        }
        let courtesy = reading.intent == .greeting
        let open = unresolved(earlier)
        if !courtesy, let repeated = repeatedQuestion(message: message, reading: reading, earlier: open) {
            reasons.append(.repeatedQuestion)
            details.append(
                "The customer asked again what they asked before (\"\(repeated.earlier.turn.text)\", similarity "
                    + String(format: "%.2f", repeated.similarity) + ").")
        }
        let questions = open.filter { $0.turn.intent != .greeting }.count
        if !courtesy, questions >= settings.maximumUnresolvedTurns {
            reasons.append(.turnLimit)
            details.append("The customer sent question \(questions + 1) without any being resolved.")
        }
        if !courtesy, reading.intent == .unknown || reading.confidence < settings.minimumConfidence {
            reasons.append(.lowConfidence)
            details.append(
                "The bot was not confident (read as \(reading.intent.label), confidence "
                    + String(format: "%.2f", reading.confidence) + ").")
        }
        guard !reasons.isEmpty else { return nil }
        // The main reason's sentence first.
        let ordered = zip(reasons, details).sorted { $0.0 < $1.0 }.map(\.1)
        return HandOverDecision(
            reasons: reasons, detail: ordered.joined(separator: " "), topic: topic, at: now)
    }

    // MARK: - Human-only topics

    /// The first human-only topic the message raises, and the phrase that shows it.
    public func humanOnlyTopic(in message: MessageReading) -> (topic: HumanOnlyTopic, phrase: String)? {
        for (topic, patterns) in topics {
            if let pattern = message.firstMatch(patterns) { return (topic, pattern.description) }
        }
        return nil
    }

    // MARK: - Asking for a person

    /// The phrase with which the message asks for a person, if it does.
    public static func personRequest(in message: MessageReading) -> String? {
        if let pattern = message.firstMatch(personPhrases) { return pattern.description }
        // "agent", "Human please", "rep!!", "customer service please": nothing but a person and politeness.
        let words = message.words
        if !words.isEmpty, words.contains(where: { personWords.contains($0) }),
            words.allSatisfy({ personWords.contains($0) || politeWords.contains($0) })
        {
            return words.joined(separator: " ")
        }
        return nil
    }

    static let personObjects =
        "human|humans|person|agent|agents|rep|representative|someone|somebody|manager|supervisor|operator|staff"
        + "|colleague|advisor|adviser|employee|humain|humano|persona|personne|alguien|quelqu|conseiller|asesor"
        + "|mitarbeiter|mensch|menschen|berater|agente|jemand|jemandem|real"

    static let personPhrases: [PhrasePattern] = [
        "talk|speak|chat|connect|transfer|pass|get|give|want|need|reach|contact|hablar|parler|sprechen|reden * "
            + personObjects,
        "human|humans|humain|humano|mensch|menschen|representative|operator|supervisor|colleague|mitarbeiter",
        "conseiller|asesor|berater",
        "real|actual|live|proper * person|human|agent|someone|people|persona|personne",
        "someone|somebody real",
        "not|no|none|nothing * help|helpful|helping",
        "none|nothing * answer",
        "not * answer * question",
        "not what i ask|asked|want|meant|need",
        "not * understand|understanding",
        "bot|robot|chatbot|bots",
        "talk|speak|chat * machine|computer",
        "call|ring|phone * me",
        "callback|call back",
        "call you",
        "escalate|escalation|escalating",
        "make|file|raise|lodge * complaint",
        "put * through",
    ].map(PhrasePattern.init)

    static let personWords: Set<String> = [
        "agent", "agents", "human", "humans", "person", "representative", "rep", "operator", "someone", "somebody",
        "manager", "supervisor", "staff", "customer", "service", "support", "care", "humain", "humano", "persona",
        "personne", "mensch", "mitarbeiter", "agente", "conseiller", "asesor", "people", "live", "real", "actual",
    ]

    static let politeWords: Set<String> = [
        "please", "a", "an", "the", "now", "i", "want", "need", "to", "talk", "speak", "with", "me", "give", "get",
        "svp", "bitte", "por", "favor", "un", "une", "una", "ein", "einen", "s", "il", "vous", "plait", "hi",
        "hello", "hey", "just", "asap", "right", "away", "thanks", "thank", "you", "can", "could", "have", "may",
        "ok", "okay", "pls",
    ]

    // MARK: - Frustration

    /// The message's frustration signals, with half of the angriest earlier message's score added:
    /// anger that builds over a conversation counts even when each message is mild.
    public func frustrationScore(message: MessageReading, earlier: [Earlier]) -> (
        score: Double, signals: [FrustrationSignals.Signal]
    ) {
        let current = FrustrationSignals(message)
        let before = earlier.map { FrustrationSignals($0.reading).score }.max() ?? 0
        guard current.score > 0 else { return (0, []) }
        return (current.score + 0.5 * before, current.signals)
    }

    // MARK: - Repeats

    /// The customer's earlier messages since their last resolved question.
    func unresolved(_ earlier: [Earlier]) -> [Earlier] {
        var open: [Earlier] = []
        var answeredSomething = false
        for item in earlier {
            // "Thanks!" after an answer resolves the question; "Hello?" does not.
            let thanked = item.reading.words.contains { Self.satisfiedWords.contains($0) }
            if item.turn.resolved || (item.turn.intent == .greeting && thanked && answeredSomething) {
                open.removeAll()
                answeredSomething = false
                continue
            }
            if item.turn.intent != .greeting { answeredSomething = true }
            open.append(item)
        }
        return open
    }

    /// Words with which a customer says an answer did the job.
    static let satisfiedWords: Set<String> = BotMessages.thanksWords.union([
        "bye", "goodbye", "perfect", "great", "brilliant", "sorted", "excellent", "fantastic", "wonderful",
    ])

    /// The earlier message this one asks again, and how alike they are.
    public func repeatedQuestion(
        message: MessageReading, reading: IntentClassifier.Result, earlier: [Earlier]
    ) -> (earlier: Earlier, similarity: Double)? {
        var best: (earlier: Earlier, similarity: Double)?
        for item in earlier where item.turn.intent != .greeting {
            let similarity = self.similarity(message, reading, to: item)
            if similarity >= settings.repeatSimilarity, similarity > (best?.similarity ?? 0) {
                best = (item, similarity)
            }
        }
        return best
    }

    /// How alike a message is to an earlier one, 0…1: the overlap of their terms, raised when both
    /// ask for the same thing (same intent, same article or order) or the customer says "still" or
    /// "again", lowered when the message opens like a follow-up ("and", "what about").
    public func similarity(_ message: MessageReading, _ reading: IntentClassifier.Result, to earlier: Earlier) -> Double
    {
        let mine = Set(message.orderNumbers)
        let theirs = Set(earlier.turn.orderNumbers.isEmpty ? earlier.reading.orderNumbers : earlier.turn.orderNumbers)
        // A different order is a different question; an order number on its own answers the bot's question.
        if !mine.isEmpty, !theirs.isEmpty, mine.isDisjoint(with: theirs) { return 0 }
        let a = Self.comparisonTerms(message)
        let b = Self.comparisonTerms(earlier.reading)
        if !mine.isEmpty, theirs.isEmpty, a.count <= 1 { return 0 }
        let union = a.union(b)
        var similarity = union.isEmpty ? 0 : Double(a.intersection(b).count) / Double(union.count)
        if let intent = earlier.turn.intent, intent == reading.intent, intent != .unknown, intent != .greeting {
            if intent != .knowledge
                || (earlier.turn.articleID != nil && earlier.turn.articleID == reading.article?.article.id)
            {
                similarity += 0.25
            }
        }
        if message.firstMatch(Self.askingAgain) != nil { similarity += 0.2 }
        if message.firstMatch(Self.followingOn) != nil { similarity -= 0.3 }
        return min(1, max(0, similarity))
    }

    /// Content terms plus the question words that change what is asked ("where" versus "when").
    static func comparisonTerms(_ message: MessageReading) -> Set<String> {
        var terms = Set(message.contentTerms)
        for word in ["where", "when", "time"] where message.termSet.contains(word) { terms.insert(word) }
        return terms
    }

    static let askingAgain: [PhrasePattern] = [
        "still", "again", "already", "i ask|asked|said|told", "as i said", "once more", "though", "so where|when|what",
    ].map(PhrasePattern.init)

    static let followingOn: [PhrasePattern] = [
        "^ and|also|plus", "^ ok|okay|great|thanks * and", "what|how about", "another|other|different",
        "one more thing",
    ].map(PhrasePattern.init)
}
