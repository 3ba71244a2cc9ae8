import Foundation
import Testing

@testable import FairdeskCore

@Suite("Bot engine")
struct BotEngineTests {
    let engine = BotEngine(articles: DemoKnowledgeBase.articles)
    let now = Date(timeIntervalSince1970: 1_767_225_600)

    @Test("an answer from an article cites it and quotes it")
    func articleAnswer() throws {
        let step = engine.respond(to: "How do I return an item?", history: [], at: now)
        guard case .answer(let answer) = step.reply else {
            Issue.record("expected an answer, got \(step.reply)")
            return
        }
        #expect(answer.citations == [.article(id: "returns-policy", title: "Returning an item")])
        #expect(answer.text?.contains("within 30 days") == true)
        #expect(step.botTurn?.citations == answer.citations)
        #expect(step.customerTurn.intent == .knowledge)
    }

    @Test("an order-record answer names the order to look up, or asks for it")
    func recordAnswer() throws {
        let step = engine.respond(to: "Where is my order FD-482913?", history: [], at: now)
        guard case .answer(let answer) = step.reply else {
            Issue.record("expected an answer")
            return
        }
        #expect(answer.citations == [.order(number: "FD-482913")])
        #expect(answer.needsOrderNumber == false)
        #expect(answer.text == nil)

        let ask = engine.respond(to: "where's my parcel", history: [], at: now)
        guard case .answer(let question) = ask.reply else {
            Issue.record("expected an answer")
            return
        }
        #expect(question.needsOrderNumber)
        #expect(question.text?.contains("order number") == true)
    }

    @Test("once handed over, or once a person owns the conversation, the bot says nothing")
    func silence() {
        let first = engine.respond(to: "agent please", history: [], at: now)
        guard case .handOver = first.reply, let botTurn = first.botTurn else {
            Issue.record("expected a hand-over")
            return
        }
        #expect(botTurn.text.contains("connecting you with a person"))
        let history = [first.customerTurn, botTurn]
        let next = engine.respond(to: "How do I return an item?", history: history, at: now)
        #expect(next.reply == .silent)
        #expect(next.botTurn == nil)
        #expect(engine.respond(to: "hi", history: [], humanOwns: true, at: now).reply == .silent)
    }

    @Test("the customer is told they are being connected and the expected wait")
    func connectingMessage() {
        let decision = HandOverDecision(reasons: [.frustration], detail: "", at: now)
        let text = BotMessages.connecting(decision, expectedWait: 7 * 60)
        #expect(text.contains("connecting you with a person"))
        #expect(text.contains("about 7 minutes"))
        #expect(BotMessages.connecting(decision, expectedWait: 20).contains("under a minute"))
    }

    @Test("the decision carries the time from the caller's clock")
    func clock() {
        let clock = ManualClock(now)
        clock.advance(by: 90)
        let step = engine.respond(to: "human", history: [], at: clock.now)
        guard case .handOver(let decision) = step.reply else {
            Issue.record("expected a hand-over")
            return
        }
        #expect(decision.at == now.addingTimeInterval(90))
        #expect(step.customerTurn.at == decision.at)
    }
}
