import Testing

@testable import FairdeskCore

@Suite("Knowledge-base ranking")
struct BotKnowledgeIndexTests {
    static let index = KnowledgeIndex(articles: DemoKnowledgeBase.articles)

    func best(_ question: String) -> KnowledgeIndex.Match? {
        Self.index.search(KnowledgeIndex.queryTerms(BotText.terms(question))).first
    }

    @Test("questions find the article that answers them")
    func ranks() {
        #expect(best("How do I return an item?")?.article.id == "returns-policy")
        #expect(best("my discount code isn't working")?.article.id == "discount-codes")
        #expect(best("can you take away my old washing machine")?.article.id == "large-items")
        #expect(best("do gift cards expire")?.article.id == "gift-cards")
    }

    @Test("a title word counts more than the same word in another article's body")
    func titleWeight() {
        let articles = [
            KnowledgeArticle(id: "body", title: "Opening hours", body: "We also answer questions about invoices."),
            KnowledgeArticle(id: "title", title: "Invoices", body: "Download them from your account."),
        ]
        let index = KnowledgeIndex(articles: articles)
        #expect(index.search([.init("invoic")]).first?.article.id == "title")
    }

    @Test("drafts are not searched, and a human-only article is found by its title and tags only")
    func draftsAndHumanOnly() {
        let articles = [
            KnowledgeArticle(id: "draft", title: "Returns", body: "Draft text.", published: false),
            KnowledgeArticle(
                id: "closure", title: "Closing an account", body: "For agents: lock the account first.",
                tags: ["delete account"], humanOnly: true),
        ]
        let index = KnowledgeIndex(articles: articles)
        #expect(index.search([.init(BotText.term("returns"))]).isEmpty)
        #expect(index.search([.init(BotText.term("lock"))]).isEmpty)
        #expect(index.search([.init(BotText.term("delete"))]).first?.article.id == "closure")
    }

    @Test("coverage is the share of the question an article explains; specificity how rare the shared words are")
    func coverageAndSpecificity() throws {
        let specific = try #require(best("can you take away my old washing machine"))
        let generic = try #require(best("where is my parcel"))
        #expect(specific.specificity > generic.specificity)
        let offTopic = try #require(best("recommend a laptop for video editing and a parcel"))
        #expect(offTopic.coverage < 0.5)
    }
}
