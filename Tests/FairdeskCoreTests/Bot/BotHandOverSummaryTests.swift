import Foundation
import Testing

@testable import FairdeskCore

@Suite("Hand-over summary")
struct BotHandOverSummaryTests {
    @Test("the summary says what was asked, what the bot answered with its citations, and why it handed over")
    func summary() throws {
        // setup
        let engine = BotEngine(articles: DemoKnowledgeBase.articles)
        let start = Date(timeIntervalSince1970: 1_767_225_600)
        var turns: [BotTurn] = []
        for (offset, text) in [
            "How do I return an item?", "Where is my order FD-482913?", "I asked where my order FD-482913 is",
        ].enumerated() {
            let step = engine.respond(to: text, history: turns, at: start.addingTimeInterval(Double(offset) * 120))
            turns.append(step.customerTurn)
            if let bot = step.botTurn { turns.append(bot) }
        }

        // MUT
        let summary = HandOverRules.handOverSummary(turns: turns)

        // validate
        #expect(summary.hasPrefix("Handed over: repeated question."))
        #expect(summary.contains("asked again what they asked before (\"Where is my order FD-482913?\""))
        #expect(summary.contains("Orders mentioned: FD-482913."))
        #expect(summary.contains("3 customer messages over 4 minutes"))
        #expect(summary.contains("1. Customer asked: \"How do I return an item?\" (read as policy or how-to question"))
        #expect(summary.contains("[cites article \"Returning an item\" (returns-policy)]"))
        #expect(summary.contains("[cites order FD-482913]"))
        #expect(summary.contains("Bot handed over and told the customer"))
    }

    @Test("without a hand-over the summary says a person took over")
    func noHandOver() {
        let turns = [BotTurn.customer("hello", at: Date(timeIntervalSince1970: 0))]
        #expect(HandOverRules.handOverSummary(turns: turns).hasPrefix("The bot did not hand over"))
    }
}
