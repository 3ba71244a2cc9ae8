import Foundation
import Testing

@testable import FairdeskCore

@Suite("Hand-over rules")
struct BotHandOverRulesTests {
    static let engine = BotEngine(articles: DemoKnowledgeBase.articles)
    static let start = Date(timeIntervalSince1970: 1_767_225_600)

    /// Plays `earlier` as a conversation the bot answered, then returns what it does with `message`.
    func decide(
        _ message: String, after earlier: [String] = [], engine: BotEngine = BotHandOverRulesTests.engine
    ) -> HandOverDecision? {
        var history: [BotTurn] = []
        var now = Self.start
        for text in earlier {
            let step = engine.respond(to: text, history: history, at: now)
            history.append(step.customerTurn)
            if case .answer = step.reply, let bot = step.botTurn { history.append(bot) }
            now.addTimeInterval(30)
        }
        if case .handOver(let decision) = engine.respond(to: message, history: history, at: now).reply {
            return decision
        }
        return nil
    }

    // MARK: asking for a person

    @Test("\"I want a HUMAN!!!\" hands over because the customer asked for a person, and notes the frustration")
    func shoutedRequest() throws {
        let decision = try #require(decide("I want a HUMAN!!!"))
        #expect(decision.reason == .personRequested)
        #expect(decision.reasons.contains(.frustration))
        #expect(decision.detail.contains("asked for a person"))
    }

    @Test("every common way of asking for a person hands over, in English, German, French and Spanish")
    func phrasings() {
        for text in [
            "agent", "human", "representative", "talk to someone", "real person", "this isn't helping",
            "speak to a manager", "Can I talk to an operator?", "let me chat with a live agent please",
            "you're not understanding me", "Are you a bot?", "Can someone call me back?", "escalate this",
            "Ich möchte mit einem Mitarbeiter sprechen", "echter Mensch bitte", "Je veux parler à quelqu'un",
            "un conseiller svp", "Quiero hablar con una persona", "¿Puedo hablar con un agente?",
        ] {
            #expect(decide(text)?.reasons.contains(.personRequested) == true, "\(text)")
        }
    }

    @Test("a person mentioned in passing is not a request for one")
    func notRequests() {
        for text in [
            "The delivery agent left it with my neighbour", "Someone stole my parcel from the porch",
            "what's your phone number", "Can you take away my old washing machine?", "How much is premium?",
        ] {
            #expect(HandOverRules.personRequest(in: Self.engine.read(text)) == nil, "\(text)")
        }
    }

    // MARK: human-only topics

    @Test("a human-only topic hands over even when the bot is sure what else is asked")
    func humanOnlyBeatsConfidence() throws {
        let text = "Where is my order FD-482913? Also the driver threatened me last time."
        let reading = Self.engine.classifier.classify(Self.engine.read(text))
        #expect(reading.intent == .orderStatus)
        #expect(reading.confidence >= 0.7)
        let decision = try #require(decide(text))
        #expect(decision.reason == .humanOnlyTopic)
        #expect(decision.topic == "harassment or threats")
    }

    @Test("each default human-only topic is recognised")
    func defaultTopics() {
        for (text, key) in [
            ("Someone used my card to buy things on your site", "fraud"),
            ("The air fryer started smoking", "safety"),
            ("Please delete my account", "account_closure"),
            ("My driver account was deactivated", "deactivation"),
            ("I will sue you", "legal"),
            ("I cut my hand on the broken glass", "injury"),
            ("The courier keeps texting me", "harassment"),
        ] {
            #expect(Self.engine.rules.humanOnlyTopic(in: Self.engine.read(text))?.topic.key == key, "\(text)")
            #expect(decide(text)?.reason == .humanOnlyTopic, "\(text)")
        }
    }

    @Test("admins set the human-only topics, and an article they mark human-only hands over")
    func configuredTopics() throws {
        let recall = HumanOnlyTopic(key: "recall", label: "product recall", phrases: ["recall|recalled"])
        var settings = BotSettings()
        settings.humanOnlyTopics.append(recall)
        let articles =
            DemoKnowledgeBase.articles + [
                KnowledgeArticle(
                    id: "chargebacks", title: "Bank disputes", body: "For agents only.",
                    tags: ["bank dispute", "disputed payment"], humanOnly: true)
            ]
        let engine = BotEngine(articles: articles, settings: settings)
        #expect(decide("is my heater part of the recall", engine: engine)?.topic == "product recall")
        #expect(decide("is my heater part of the recall")?.reason != .humanOnlyTopic)
        let dispute = try #require(decide("how do bank disputes work", engine: engine))
        #expect(dispute.reason == .humanOnlyTopic)
        #expect(dispute.topic == "Bank disputes")
    }

    // MARK: confidence

    @Test("below the confidence threshold the bot hands over, and the threshold is a setting")
    func lowConfidence() throws {
        #expect(try #require(decide("asdfghjkl")).reason == .lowConfidence)
        #expect(decide("How do I return an item?") == nil)
        let strict = BotEngine(articles: DemoKnowledgeBase.articles, settings: BotSettings(minimumConfidence: 0.99))
        #expect(decide("How do I return an item?", engine: strict)?.reason == .lowConfidence)
    }

    // MARK: repeats

    @Test("a rephrased repeat hands over")
    func rephrasedRepeat() throws {
        let decision = try #require(
            decide("I asked where my order FD-482913 is", after: ["Where is my order FD-482913?"]))
        #expect(decision.reason == .repeatedQuestion)
        #expect(decision.detail.contains("Where is my order FD-482913?"))
        #expect(
            decide("the promo code doesn't work", after: ["my discount code isn't working"])?.reason
                == .repeatedQuestion)
        #expect(decide("when do I get my refund", after: ["when will my refund arrive"])?.reason == .repeatedQuestion)
    }

    @Test("a follow-up, another order or the order number the bot asked for is not a repeat")
    func notRepeats() {
        #expect(decide("Where is my order FD-600222?", after: ["Where is my order FD-600111?"]) == nil)
        #expect(decide("FD-204511", after: ["where's my order"]) == nil)
        #expect(decide("And Apple Pay?", after: ["Can I pay with Klarna?"]) == nil)
        #expect(decide("Do refunds go back to the original card?", after: ["How do I return an item?"]) == nil)
    }

    @Test("asking again after saying thanks starts afresh")
    func thanksResolves() {
        #expect(decide("Where is my order FD-482913?", after: ["Where is my order FD-482913?", "thanks!"]) == nil)
        #expect(
            decide("Where is my order FD-482913?", after: ["Where is my order FD-482913?", "hello?"])?.reason
                == .repeatedQuestion)
    }

    // MARK: frustration

    @Test("anger, swearing, capitals, !!! and threats to leave each hand over")
    func frustration() {
        for text in [
            "WHERE IS MY ORDER", "fix this NOW", "This is ridiculous", "wtf where is my stuff",
            "f***ing hell, still not here", "seriously??? still no refund???", "I'm doing a chargeback",
            "I will never order from you again", "I'm cancelling my premium membership", "I am so fed up",
        ] {
            #expect(decide(text)?.reasons.contains(.frustration) == true, "\(text)")
        }
    }

    @Test("a question mark too many, an acronym or a polite question is not frustration")
    func notFrustration() {
        for text in [
            "Where is my stuff?? order FD-601122", "I need a VAT invoice for my order", "Can I pay with PayPal?",
            "what's the ETA for my delivery", "how do I cancel my premium subscription?",
        ] {
            #expect(FrustrationSignals(Self.engine.read(text)).score < 1, "\(text)")
            #expect(decide(text)?.reasons.contains(.frustration) != true, "\(text)")
        }
    }

    @Test("frustration that builds over a conversation counts")
    func buildUp() {
        let mild = "I'm getting frustrated, where is my order FD-300100??"
        #expect(decide(mild) == nil)
        #expect(decide(mild, after: ["This is really annoying, my order FD-300100 is late"])?.reason == .frustration)
    }

    @Test("the frustration threshold is a setting")
    func frustrationThreshold() {
        let lenient = BotEngine(articles: DemoKnowledgeBase.articles, settings: BotSettings(frustrationThreshold: 3))
        #expect(decide("This is ridiculous, how do I return an item?", engine: lenient) == nil)
    }

    // MARK: turn limit

    @Test("after the configured number of unresolved questions the next goes to a person")
    func turnLimit() throws {
        let questions = [
            "hi", "where is my order FD-100001", "how much is express delivery", "do you ship to ireland",
            "can i pay with paypal",
        ]
        let decision = try #require(decide("do you do gift wrapping", after: questions))
        #expect(decision.reasons.contains(.turnLimit))
        // The greeting did not count: three questions leave room for a fourth.
        #expect(decide("can i pay with paypal", after: Array(questions.prefix(4))) == nil)
        let strict = BotEngine(articles: DemoKnowledgeBase.articles, settings: BotSettings(maximumUnresolvedTurns: 1))
        #expect(
            decide("how much is express delivery", after: ["where is my order FD-100001"], engine: strict)?.reason
                == .turnLimit)
    }

    @Test("thanks and goodbye never hand over for confidence or turns")
    func courtesy() {
        let questions = ["where is FD-1000011", "what time", "how much is delivery", "do you ship to ireland"]
        #expect(decide("thanks, bye!", after: questions) == nil)
    }
}
