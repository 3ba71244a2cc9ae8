import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@testable import FairdeskApp

/// The bot in real conversations: it answers from articles and order records, hands over to a person
/// with a summary, goes silent once a person has the conversation, and its figures reach the leads.
@Suite("Bot in conversations")
struct BotConversationTests {
    static var botOn: Setting { .set(\.bot.enabled, true) }

    /// The demo knowledge base, so the bot has articles to answer from.
    func seedArticles(_ t: TestFairdesk) async throws {
        _ = try await KnowledgeBase.seedDemo(on: t.app.db, at: t.clock.now, by: .system)
    }

    /// A customer's message and what the bot made of it, once the bot's desk has answered.
    @dynamicMemberLookup
    struct Said {
        var result: InboundResultDTO
        var bot: BotReplyDTO?
        subscript<T>(dynamicMember path: KeyPath<InboundResultDTO, T>) -> T { result[keyPath: path] }
    }

    /// Sends a message as the customer, then lets the bot answer what waits for it.
    func write(
        _ t: TestFairdesk, channel: String = "email", kind: String = "email", from: String, _ text: String
    ) async throws -> Said {
        let result = try await t.inbound(channel: channel, kind: kind, from: from, body: text)
        let answered = try await BotDesk.drain(app: t.app)
        return Said(result: result, bot: answered.first { $0.entryID == result.entryId }?.reply)
    }

    func chat(_ t: TestFairdesk, _ visitor: String, _ text: String) async throws -> Said {
        try await write(t, channel: "chat", kind: "chat", from: visitor, text)
    }

    func sql(_ t: TestFairdesk) -> any SQLDatabase { t.app.db as! any SQLDatabase }

    func count(_ t: TestFairdesk, _ query: SQLQueryString) async throws -> Int {
        struct Row: Decodable { var n: Int }
        return try await sql(t).raw(query).first(decoding: Row.self)?.n ?? -1
    }

    @Test(
        "a new chat customer meets the bot: it answers a policy question from an article and cites it, and no agent or SLA clock waits meanwhile"
    )
    func answersFromArticle() async throws {
        try await TestFairdesk.with(Self.botOn) { t in
            // setup
            try await seedArticles(t)
            // MUT
            let result = try await chat(
                t, "visitor-1", "How do I return something I bought? What's the returns policy?")
            // validate
            let bot = try #require(result.bot)
            #expect(!bot.handedOver)
            #expect(bot.intent == "knowledge")
            #expect(bot.citations.map(\.kind) == ["article"])
            #expect(bot.citations.first?.id == "returns-policy")
            #expect(bot.text.contains("If that doesn't answer it, just ask for a person."))
            #expect(try await count(t, "SELECT COUNT(*) AS n FROM routing_waits") == 0)
            #expect(
                try await count(t, "SELECT COUNT(*) AS n FROM sla_clocks WHERE case_id = \(bind: result.caseId)") == 0)
            // The bot's answer is on the case's timeline, as the bot, on the bot channel.
            let entries = try await TimelineEntry.query(on: t.app.db).filter(\.$supportCase.$id == result.caseId)
                .sort(\.$occurredAt).sort(\.$id).all()
            #expect(entries.map(\.channel) == [.chat, .bot])
            #expect(entries.last?.authorLabel == "Fairdesk bot")
            #expect(entries.last?.direction == .outbound)
        }
    }

    @Test(
        "asking for a person hands over at once: the customer hears the wait, the case waits with its clocks and a summary, and the bot says nothing more"
    )
    func handOverOnRequest() async throws {
        try await TestFairdesk.with(Self.botOn) { t in
            // setup
            try await seedArticles(t)
            _ = try await chat(t, "visitor-2", "What is your returns policy?")
            // MUT
            let result = try await chat(t, "visitor-2", "this isn't helping, let me talk to someone")
            // validate
            let bot = try #require(result.bot)
            #expect(bot.handedOver)
            #expect(bot.reasons.first == "person_requested")
            #expect(bot.text.contains("connecting you with a person"))
            // No agent is available in this test, so the wait told is the first-response target's.
            let wait = try #require(bot.expectedWaitSeconds)
            #expect(wait > 60)
            #expect(bot.text.contains("The expected wait is about"))
            #expect(
                try await count(t, "SELECT COUNT(*) AS n FROM routing_waits WHERE case_id = \(bind: result.caseId)")
                    == 1)
            #expect(
                try await count(
                    t,
                    "SELECT COUNT(*) AS n FROM sla_clocks WHERE case_id = \(bind: result.caseId) AND metric = 'first_response'"
                ) == 1)
            let note = try #require(
                try await TimelineEntry.query(on: t.app.db).filter(\.$supportCase.$id == result.caseId)
                    .filter(\.$kind == .note).first())
            #expect(note.body.contains("Handed over: asked for a person."))
            #expect(note.body.contains("Customer asked: \"What is your returns policy?\""))
            #expect(note.body.contains("[cites article"))
            let audit = try await AuditEntry.query(on: t.app.db).filter(\.$action == "bot.handed_over").all()
            #expect(audit.count == 1)
            // The bot stays silent from here on.
            let after = try await chat(t, "visitor-2", "hello? what's the returns policy?")
            #expect(after.bot == nil)
        }
    }

    @Test(
        "the wait told at a hand-over counts the cases ahead in the queue, never the customer's own: nobody ahead and an agent with room is about a minute"
    )
    func waitCountsOthersOnly() async throws {
        try await TestFairdesk.with(Self.botOn) { t in
            // setup: one available agent with room for one chat
            let profile = try await t.send(
                .PUT, "api/v1/agents/\(t.agent.id)/profile", as: t.lead,
                json: AgentProfileRequest(skills: "", capacity: "chat=1"))
            #expect(profile.status == .ok)
            try await t.setAvailable(t.agent)
            // MUT
            let first = try await chat(t, "visitor-w1", "I want to talk to a person")
            let second = try await chat(t, "visitor-w2", "I want to talk to a person")
            // validate
            #expect(try #require(first.bot).handedOver)
            #expect(try #require(first.bot).expectedWaitSeconds == 60)
            // The first customer is ahead of the second, and the one agent has room for one chat.
            let handle = t.app.fairdesk.config.bot.handleMinutes * 60
            #expect(try #require(second.bot).expectedWaitSeconds == handle)
        }
    }

    @Test(
        "while customers' messages are being stored, an email answer waits for them, up to its limit; a chat or social answer never waits"
    )
    func givesWayToStoring() async {
        let clock = ContinuousClock()
        func waited(_ channel: ContactChannel, busy: () -> Bool, longest: Duration) async -> Duration {
            let start = clock.now
            await BotDesk.giveWay(for: channel, busy: busy, longest: longest)
            return clock.now - start
        }
        #expect(await waited(.chat, busy: { true }, longest: .seconds(5)) < .seconds(1))
        #expect(await waited(.social, busy: { true }, longest: .seconds(5)) < .seconds(1))
        #expect(await waited(.email, busy: { false }, longest: .seconds(5)) < .seconds(1))
        // Storing goes on for ever: the answer waits its limit, then takes its turn.
        #expect(await waited(.email, busy: { true }, longest: .milliseconds(300)) >= .milliseconds(300))
        // Storing ends after 200 ms: the answer goes then, not at its limit.
        let ends = clock.now + .milliseconds(200)
        let untilEnd = await waited(.webForm, busy: { clock.now < ends }, longest: .seconds(5))
        #expect(untilEnd >= .milliseconds(190) && untilEnd < .seconds(4))
    }

    @Test("the bot answers order questions from the customer's own order record, and tells nobody else about it")
    func ordersFromRecords() async throws {
        try await TestFairdesk.with(Self.botOn) { t in
            // setup
            let now = t.clock.now
            let put = try await t.send(
                .PUT, "api/v1/orders/fd-310245", as: t.admin,
                json: OrderRequest(
                    customerEmail: "robin@example.com", customerName: "Robin Reader", status: "out_for_delivery",
                    items: "Blue kettle", totalCents: 4599, currency: "GBP", placedAt: now - 86_400,
                    deliveryFrom: now + 3_600, deliveryUntil: now + 7_200, carrier: "Fairdesk Drivers"))
            #expect(put.status == .created)
            // MUT
            let robin = try await write(t, from: "robin@example.com", "Where is my order FD-310245?")
            let stranger = try await write(t, from: "sam@example.com", "Where is my order FD-310245?")
            // validate
            let answer = try #require(robin.bot)
            #expect(answer.intent == "order_status")
            #expect(
                answer.text.contains("Order FD-310245 (Blue kettle): it is out for delivery with Fairdesk Drivers."))
            #expect(answer.citations.map(\.id) == ["FD-310245"])
            // The order came with Robin's address, so his message found the customer the order made.
            #expect(!robin.customerCreated)
            let refused = try #require(stranger.bot)
            #expect(refused.text.contains("I can't find order FD-310245 on your account"))
            #expect(!refused.text.contains("kettle"))
            // The bot's answer on an email case goes out by email, marked as an automatic reply.
            #expect(
                try await count(
                    t,
                    "SELECT COUNT(*) AS n FROM outbound_emails WHERE kind = 'bot.reply' AND automatic = \(bind: true)")
                    == 2)
        }
    }

    @Test(
        "the customer's message is stored and acknowledged before the bot answers; the answer follows by itself moments later"
    )
    func answersAfterStoring() async throws {
        try await TestFairdesk.with(Self.botOn, .set(\.bot.answersInBackground, true)) { t in
            // setup
            try await seedArticles(t)
            // MUT
            let result = try await t.inbound(
                channel: "chat", kind: "chat", from: "visitor-9", body: "What is your returns policy?")
            // validate: acknowledged with the bot still to answer, then the answer arrives unasked
            #expect(result.botAnswers)
            var channels: [ContactChannel] = []
            for _ in 0..<100 {
                channels = try await TimelineEntry.query(on: t.app.db).filter(\.$supportCase.$id == result.caseId)
                    .sort(\.$occurredAt).sort(\.$id).all().map(\.channel)
                if channels.count == 2 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(channels == [.chat, .bot])
            #expect(try await t.count("bot_pending") == 0)
        }
    }

    @Test("once the application shuts down the bot starts no more work; a message it did not reach stays waiting")
    func closedDeskLeavesMessagesWaiting() async throws {
        try await TestFairdesk.with(Self.botOn, .set(\.bot.answersInBackground, true)) { t in
            // setup: a message the desk is answering in the background
            try await seedArticles(t)
            _ = try await t.inbound(channel: "chat", kind: "chat", from: "visitor-s1", body: "Returns policy?")
            let botSaid: SQLQueryString = "SELECT COUNT(*) AS n FROM timeline_entries WHERE channel = 'bot'"
            // MUT: shutting down waits for what the desk is doing, then a new message arrives
            await t.app.fairdesk.botDesk.close()
            let waitingAtClose = try await t.count("bot_pending")
            let answeredAtClose = try await count(t, botSaid)
            let late = try await t.inbound(
                channel: "chat", kind: "chat", from: "visitor-s2", body: "Refund times?")
            try await Task.sleep(for: .milliseconds(300))
            // validate: the first message was answered or is still waiting, never half; nothing
            // happened after the close, and the late message is kept for the next start
            #expect(waitingAtClose + answeredAtClose == 1)
            #expect(late.botAnswers)
            #expect(try await t.count("bot_pending") == waitingAtClose + 1)
            #expect(try await count(t, botSaid) == answeredAtClose)
        }
    }

    @Test("/metrics shows how many stored messages still wait for the bot's answer")
    func backlogOnMetrics() async throws {
        try await TestFairdesk.with(Self.botOn) { t in
            // setup: two messages stored, the bot not yet at work
            try await seedArticles(t)
            _ = try await t.inbound(channel: "chat", kind: "chat", from: "visitor-m1", body: "Returns policy?")
            _ = try await t.inbound(channel: "chat", kind: "chat", from: "visitor-m2", body: "Refund times?")
            // MUT
            let before = try await t.send(.GET, "metrics").body.string
            try await BotDesk.drain(app: t.app)
            let after = try await t.send(.GET, "metrics").body.string
            // validate
            #expect(before.contains("# TYPE fairdesk_bot_pending gauge\nfairdesk_bot_pending 2\n"))
            #expect(after.contains("fairdesk_bot_pending 0\n"))
        }
    }

    @Test("the leads' bot report shows the messages waiting for the bot's answer and how long the oldest has waited")
    func backlogOnReport() async throws {
        try await TestFairdesk.with(Self.botOn) { t in
            // setup: two messages stored a minute and a half apart, the bot not yet at work
            try await seedArticles(t)
            _ = try await t.inbound(channel: "chat", kind: "chat", from: "visitor-r1", body: "Returns policy?")
            t.clock.advance(by: 90)
            _ = try await t.inbound(channel: "chat", kind: "chat", from: "visitor-r2", body: "Refund times?")
            t.clock.advance(by: 30)
            var lead = WebSession(t)
            _ = try await lead.logIn("lead@example.com")
            // MUT
            let waiting = try t.decode(BotReportDTO.self, try await t.send(.GET, "api/v1/reports/bot", as: t.lead))
            let page = try await lead.get("reports/bot").body.string
            try await BotDesk.drain(app: t.app)
            let answered = try t.decode(BotReportDTO.self, try await t.send(.GET, "api/v1/reports/bot", as: t.lead))
            // validate
            #expect(waiting.awaitingAnswer == 2)
            #expect(abs((waiting.oldestAwaitingSeconds ?? 0) - 120) < 0.01)
            #expect(page.contains(#"<dd id="bot-backlog">2 (the oldest for 2 min 0 s)</dd>"#))
            #expect(answered.awaitingAnswer == 0)
            #expect(answered.oldestAwaitingSeconds == nil)
        }
    }

    @Test("when the bot fails on a message, the message is kept and a person takes the case, with a note saying why")
    func failureGoesToPerson() async throws {
        try await TestFairdesk.with(Self.botOn) { t in
            // setup: a conversation the bot can no longer read
            try await seedArticles(t)
            let first = try await chat(t, "visitor-8", "What is your returns policy?")
            try await sql(t).raw("UPDATE bot_conversations SET turns = 'not a conversation'").run()
            // MUT
            let second = try await chat(t, "visitor-8", "And for sale items?")
            // validate
            #expect(second.result.entryId != first.result.entryId)
            #expect(second.bot == nil)
            let supportCase = try #require(try await SupportCase.find(first.caseId, on: t.app.db))
            #expect(!supportCase.withBot)
            #expect(
                try await count(t, "SELECT COUNT(*) AS n FROM routing_waits WHERE case_id = \(bind: first.caseId)") == 1
            )
            let entries = try await TimelineEntry.query(on: t.app.db).filter(\.$supportCase.$id == first.caseId)
                .sort(\.$occurredAt).sort(\.$id).all()
            #expect(entries.map(\.body).contains("And for sale items?"))
            #expect(entries.last?.kind == .note)
            #expect(entries.last?.body.contains("The bot could not answer") == true)
            #expect(try await t.clocks(first.caseId)["first_response"]?.state == "running")
            #expect(try await t.count("bot_pending") == 0)
        }
    }

    @Test("a conversation the bot held when it was switched off goes to people, with its response targets running")
    func switchedOff() async throws {
        try await TestFairdesk.with(Self.botOn) { t in
            // setup: the bot answers a first message, then an admin switches it off
            try await seedArticles(t)
            let first = try await chat(t, "visitor-7", "What is your returns policy?")
            #expect(first.bot != nil)
            t.app.fairdesk.config.bot.enabled = false
            // MUT
            let second = try await chat(t, "visitor-7", "And for sale items?")
            // validate: not left waiting for a bot that will not answer
            #expect(!second.botAnswers)
            #expect(try await SupportCase.find(first.caseId, on: t.app.db)?.withBot == false)
            #expect(
                try await count(t, "SELECT COUNT(*) AS n FROM routing_waits WHERE case_id = \(bind: first.caseId)") == 1
            )
            #expect(try await t.clocks(first.caseId)["first_response"]?.state == "running")
            let last = try await TimelineEntry.query(on: t.app.db).filter(\.$supportCase.$id == first.caseId)
                .sort(\.$occurredAt, .descending).sort(\.$id, .descending).first()
            #expect(last?.body.contains("The bot is switched off") == true)
        }
    }

    @Test(
        "the wait the bot tells counts the queue's available agents and those with room on the customer's channel, up to each one's capacity"
    )
    func roomForTheWait() async throws {
        try await TestFairdesk.with { t in
            // setup: the agent takes two chats at once and is available; two chats reach them
            let profile = try await t.send(
                .PUT, "api/v1/agents/\(t.agent.id)/profile", as: t.lead,
                json: AgentProfileRequest(skills: "", capacity: "chat=2, email=5"))
            #expect(profile.status == .ok)
            try await t.setAvailable(t.agent)
            let first = try await t.inbound(channel: "chat", kind: "chat", from: "visitor-r1", body: "Hello")
            let queue = try #require(try await SupportCase.find(first.caseId, on: t.app.db)?.$queue.id)
            let service = RoutingService(
                db: t.app.db, now: t.clock.now, catalog: try await t.app.serviceCatalog(on: t.app.db),
                config: t.app.fairdesk.config)
            _ = try await RoutingService.assignAndRecord(app: t.app)
            let withOne = try await service.room(in: queue, on: .chat)
            _ = try await t.inbound(channel: "chat", kind: "chat", from: "visitor-r2", body: "Hello again")
            _ = try await RoutingService.assignAndRecord(app: t.app)
            // MUT
            let chat = try await service.room(in: queue, on: .chat)
            let email = try await service.room(in: queue, on: .email)
            let phone = try await service.room(in: queue, on: .phone)
            // validate
            #expect(try await t.owner(of: first.caseId) == t.agent.id)
            #expect(withOne.available == 1 && withOne.withRoom == 1)
            #expect(chat.available == 1 && chat.withRoom == 0)
            #expect(email.available == 1 && email.withRoom == 1)
            // no capacity on a channel is never room there
            #expect(phone.withRoom == 0)
        }
    }

    @Test("a message from a social network meets the bot too, and the bridge gets the answer to post back")
    func social() async throws {
        try await TestFairdesk.with(Self.botOn) { t in
            // setup
            try await seedArticles(t)
            // MUT
            let response = try await t.send(
                .POST, "api/v1/inbound/social", as: t.agent,
                json: SocialMessageRequest(
                    network: "instagram", handle: "@robin", name: "Robin", text: "do you deliver to pickup points?",
                    externalId: "ig-1"))
            // validate
            #expect(response.status == .created)
            let result = try t.decode(InboundResultDTO.self, response)
            let bot = try #require(result.bot)
            #expect(!bot.handedOver)
            #expect(bot.citations.first?.kind == "article")
            #expect(try await t.count("bot_conversations") == 1)
        }
    }

    @Test("an order with broken fields is refused naming each field, and nothing is written")
    func orderValidation() async throws {
        try await TestFairdesk.with { t in
            // MUT
            let response = try await t.send(
                .PUT, "api/v1/orders/FD-1", as: t.admin,
                raw:
                    #"{"status": "lost", "items": "", "totalCents": -5, "currency": "pounds", "deliveryFrom": "2026-11-23T10:00:00Z"}"#
            )
            let agent = try await t.send(
                .PUT, "api/v1/orders/FD-123456", as: t.agent,
                json: OrderRequest(
                    customerEmail: "a@example.com", status: "placed", items: "Lamp", totalCents: 1, currency: "GBP",
                    placedAt: t.clock.now))
            // validate
            #expect(response.status == .unprocessableEntity)
            let fields = Set(try t.problems(response).map { String($0.prefix(while: { $0 != ":" })) })
            #expect(
                fields.isSuperset(of: [
                    "number", "status", "items", "totalCents", "currency", "placedAt", "deliveryFrom", "customerId",
                ]))
            #expect(agent.status == .forbidden)
            #expect(try await t.count("orders") == 0)
        }
    }

    @Test("a premium customer's tier goes straight to a person: no bot, the case waits for an agent")
    func tierBypass() async throws {
        try await TestFairdesk.with(Self.botOn) { t in
            // MUT: Casey is premium, and premium bypasses the bot from the first install.
            let result = try await write(t, from: "casey@example.com", "Where is my order FD-204311?")
            // validate
            #expect(result.bot == nil)
            #expect(
                try await count(t, "SELECT COUNT(*) AS n FROM routing_waits WHERE case_id = \(bind: result.caseId)")
                    == 1)
            #expect(try await t.count("bot_conversations") == 0)
        }
    }

    @Test("a person who writes while the bot holds the conversation takes it: the bot falls silent")
    func personTakesOver() async throws {
        try await TestFairdesk.with(Self.botOn) { t in
            // setup
            try await seedArticles(t)
            let first = try await chat(t, "visitor-3", "How long does a refund take?")
            #expect(first.bot?.handedOver == false)
            // MUT
            let reply = try await t.send(
                .POST, "api/v1/cases/\(first.caseId)/messages", as: t.agent,
                json: MessageRequest(body: "Hi, Alex here. I can see your refund; it was paid yesterday."))
            #expect(reply.status == .created)
            let after = try await chat(t, "visitor-3", "thanks, and how do I return an item?")
            // validate
            #expect(after.bot == nil)
            t.clock.advance(by: 1)
            let report = try t.decode(
                BotReportDTO.self, try await t.send(.GET, "api/v1/reports/bot", as: t.lead))
            #expect(report.humanJoined == 1)
            #expect(report.handedOver == 0)
        }
    }

    @Test("leads see containment over 7 days, escalations by reason and time-to-human; agents may not")
    func report() async throws {
        try await TestFairdesk.with(Self.botOn) { t in
            // setup
            try await seedArticles(t)
            // Settled by thanks, and never back: contained.
            _ = try await chat(t, "visitor-a", "What is your returns policy?")
            let thanked = try await chat(t, "visitor-a", "great, thank you!")
            #expect(thanked.bot?.resolved == true)
            let settled = try await SupportCase.find(thanked.caseId, on: t.app.db)
            #expect(settled?.status == .resolved)
            // Settled by going quiet, then back two days later: not contained, and now with a person.
            let quiet = try await chat(t, "visitor-b", "How do I reset my password?")
            t.clock.advance(by: 61 * 60)
            #expect(try await BotSweep.run(app: t.app) == 1)
            #expect(try await SupportCase.find(quiet.caseId, on: t.app.db)?.status == .resolved)
            t.clock.advance(by: 2 * 86_400)
            let back = try await chat(t, "visitor-b", "The reset link still doesn't arrive")
            #expect(back.bot?.handedOver == true)
            #expect(back.bot?.reasons.first == "repeated_question")
            // Asked for a person; a person answered 3 minutes later.
            let asked = try await chat(t, "visitor-c", "I want to speak to an agent")
            #expect(asked.bot?.handedOver == true)
            t.clock.advance(by: 180)
            _ = try await t.send(
                .POST, "api/v1/cases/\(asked.caseId)/messages", as: t.agent,
                json: MessageRequest(body: "Hello, this is Alex. How can I help?"))
            t.clock.advance(by: 8 * 86_400)
            // MUT
            let response = try await t.send(.GET, "api/v1/reports/bot", as: t.lead)
            let forbidden = try await t.send(.GET, "api/v1/reports/bot", as: t.agent)
            // validate
            #expect(forbidden.status == .forbidden)
            let report = try t.decode(BotReportDTO.self, response)
            #expect(report.conversations == 3)
            #expect(report.contained == 1)
            #expect(report.handedOver == 2)
            #expect(report.containmentRate == 1.0 / 3.0)
            #expect(report.escalationRate == 2.0 / 3.0)
            #expect(report.byReason.first(where: { $0.reason == "person_requested" })?.count == 1)
            #expect(report.byReason.first(where: { $0.reason == "repeated_question" })?.count == 1)
            #expect(report.answeredHandOvers == 1)
            #expect(report.timeToHumanMedianSeconds == 180)
            #expect(report.waitingForHuman == 1)
        }
    }

    @Test("the leads' bot page shows the figures and draws them, and agents cannot open it")
    func reportPage() async throws {
        try await TestFairdesk.with(Self.botOn) { t in
            // setup
            try await seedArticles(t)
            _ = try await chat(t, "visitor-d", "I want to speak to a human")
            _ = try await chat(t, "visitor-e", "What is your returns policy?")
            t.clock.advance(by: 60)
            var lead = WebSession(t)
            _ = try await lead.logIn("lead@example.com")
            var agent = WebSession(t)
            _ = try await agent.logIn("agent@example.com")
            // MUT
            let page = try await lead.get("reports/bot")
            // validate
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains(#"<dd id="conversations">2</dd>"#))
            #expect(html.contains(#"<dd id="escalation">50.0%</dd>"#))
            #expect(html.contains("aria-label=\"Hand-overs by reason\""))
            #expect(html.contains("asked for a person"))
            #expect(try await agent.get("reports/bot").status == .forbidden)
        }
    }

    @Test("a newly published article reaches the bot without any customer waiting for the rebuild")
    func articleChange() async throws {
        try await TestFairdesk.with(Self.botOn) { t in
            // setup
            try await seedArticles(t)
            let brain = t.app.fairdesk.bot
            let before = try await brain.engine(app: t.app)
            _ = try await t.app.knowledgeBase.create(
                KnowledgeBase.Input(
                    title: "Assembling a bicycle", body: "Fit the pedals by turning the left one anticlockwise.",
                    tags: ["bicycle", "pedals"], humanOnly: false, published: true),
                by: .system)
            // MUT
            let meanwhile = try await brain.engine(app: t.app)
            var after = meanwhile
            for _ in 0..<100 where after.index.articles.count == before.index.articles.count {
                try await Task.sleep(for: .milliseconds(50))
                after = try await brain.engine(app: t.app)
            }
            // validate: the old engine answered at once, and the new one took over once built.
            #expect(meanwhile.index.articles.count == before.index.articles.count)
            #expect(after.index.articles.count == before.index.articles.count + 1)
            #expect(after.index.articles.contains { $0.title == "Assembling a bicycle" })
        }
    }
}
