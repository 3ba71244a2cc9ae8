import Testing

@testable import FairdeskCore

@Suite("Intent classifier")
struct BotIntentClassifierTests {
    static let engine = BotEngine(articles: DemoKnowledgeBase.articles)

    func classify(_ text: String, after previous: String? = nil) -> IntentClassifier.Result {
        Self.engine.classifier.classify(Self.engine.read(text), previous: previous.map(Self.engine.read))
    }

    @Test("\"Where is my order 12345?\" is order status with the number extracted")
    func orderStatus() {
        let result = classify("Where is my order 12345?")
        #expect(result.intent == .orderStatus)
        #expect(result.orderNumbers == ["12345"])
        #expect(result.confidence >= 0.7)
    }

    @Test("refund status and delivery window are told from order status")
    func recordIntents() {
        #expect(classify("I sent back the blender last Monday, any update on the refund?").intent == .refundStatus)
        #expect(classify("What time will my parcel arrive today?").intent == .deliveryWindow)
        #expect(classify("When will my order FD-482913 be delivered?").intent == .deliveryWindow)
        #expect(classify("has my order shipped yet").intent == .orderStatus)
        #expect(classify("Wo ist meine Bestellung? Bestellnummer FD-552901").intent == .orderStatus)
    }

    @Test("a general question about a topic is a policy question, a question about one's own is a record question")
    func generalOrOwn() {
        let general = classify("How long do refunds usually take?")
        #expect(general.intent == .knowledge)
        #expect(general.article?.article.id == "refund-timing")
        #expect(classify("Where is my refund?").intent == .refundStatus)
        #expect(classify("How do I track my order?").intent == .knowledge)
    }

    @Test("policy and how-to questions are answered from the best article, despite typos")
    func knowledge() {
        for (question, article) in [
            ("I don't have a printer, how do I print the return label?", "return-label"),
            ("My kettle arrived broken, what do I do?", "damaged-item"),
            ("can i pay with paypall", "payment-methods"),
            ("what's the warrenty on the coffee grinder", "warranty"),
        ] {
            let result = classify(question)
            #expect(result.intent == .knowledge, "\(question)")
            #expect(result.article?.article.id == article, "\(question)")
            #expect(result.confidence >= 0.5, "\(question)")
        }
    }

    @Test("greetings and thanks on their own are courtesy; with a question they are not")
    func greetings() {
        #expect(classify("Thank you so much, that's all I needed").intent == .greeting)
        #expect(classify("hola").intent == .greeting)
        #expect(classify("hi, where is my parcel").intent == .orderStatus)
    }

    @Test("what the bot cannot answer gets a low confidence")
    func unknown() {
        #expect(classify("asdfghjkl").intent == .unknown)
        #expect(classify("Can you recommend a good laptop for video editing?").confidence < 0.5)
        #expect(classify("I have a question about something").confidence < 0.5)
    }

    @Test("a short follow-up is read with the message before it")
    func followUp() {
        let result = classify("And Apple Pay?", after: "Can I pay with Klarna?")
        #expect(result.intent == .knowledge)
        #expect(result.article?.article.id == "payment-methods")
        // The order number given earlier carries over to a record question.
        #expect(classify("and when will it arrive?", after: "where is FD-300300").orderNumbers == ["FD-300300"])
    }

    @Test("confidence stays within 0…1")
    func bounds() {
        for text in ["", "!!!", "FD-640017", "where where where where where is my order order order", "hi"] {
            let confidence = classify(text).confidence
            #expect((0...1).contains(confidence), "\(text)")
        }
    }
}
