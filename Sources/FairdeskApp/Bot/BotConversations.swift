import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// The bot in a customer's conversation: its answer to each message, written by ``BotDesk`` once the
/// message is stored.
///
/// The platform, not the bot, guarantees the way to a person: a case the bot holds waits for no agent
/// only until the bot hands it over, and from the moment a person owns the case or writes in it, the
/// bot says nothing more there. Each step is stored on `bot_conversations` (the turns, the reasons of
/// a hand-over, when a person came) for the agent's summary and the leads' reports.
struct BotConversations {
    let work: CaseWork
    let engine: BotEngine
    let options: BotOptions

    /// The bot's name on the timeline and the audit log.
    static let actor = Actor(id: nil, label: "Fairdesk bot")
    /// The note on a conversation the bot held when it was switched off (``CaseWork/botCannotAnswer(_:why:)``).
    static let switchedOffNote = "The bot is switched off, so a person answers this conversation from here."

    /// What the bot did with one customer message.
    struct Outcome: Sendable {
        var reply: BotReplyDTO
        /// The bot's message and, after a hand-over, the summary note for agents.
        var entries: [TimelineEntry]
    }

    /// A conversation as stored.
    struct Row: Decodable {
        var id: UUID
        var state: BotReport.State
        var turns: String
        var customerTurns: Int
        var resolvedAt: Date?

        enum CodingKeys: String, CodingKey {
            case id, state, turns
            case customerTurns = "customer_turns"
            case resolvedAt = "resolved_at"
        }
    }

    private var db: any Database { work.db }
    private var now: Date { work.now }

    /// Starts the bot's conversation on a case just opened `withBot`.
    static func start(_ supportCase: SupportCase, work: CaseWork) async throws {
        let now = work.now
        try await work.db.insertRow(
            "bot_conversations",
            [
                ("id", TimeOrderedID.next(at: now)), ("case_id", try supportCase.requireID()),
                ("customer_id", supportCase.$customer.id),
                ("channel", supportCase.channel.rawValue), ("tier", supportCase.tier),
                ("state", BotReport.State.withBot.rawValue), ("started_at", now), ("last_turn_at", now),
                ("customer_turns", 0), ("turns", "[]"),
            ], deferrable: true)
        try await work.rollups.record(.botStarted(at: now), for: supportCase)
    }

    /// The bot's answer to the customer's message `text` on `supportCase`, or nil when the case is not the
    /// bot's to answer (it never met the bot, or a person has it).
    func respond(to text: String, on supportCase: SupportCase) async throws -> Outcome? {
        let caseID = try supportCase.requireID()
        guard
            let row = try await db.sql.raw(
                """
                SELECT id, state, turns, customer_turns, resolved_at FROM bot_conversations \
                WHERE case_id = \(bind: caseID)
                """
            ).first(decoding: Row.self)
        else { return nil }
        var turns = try Self.decode(row.turns)
        switch row.state {
        case .handedOver, .humanJoined:
            return nil
        case .resolved:
            // The customer came back after the bot's answer settled it: that answer did not hold,
            // so a person takes it from here, with the whole conversation in front of them.
            let decision = HandOverDecision(
                reasons: [.repeatedQuestion],
                detail: "The customer wrote again after the bot's answer had ended the conversation.", at: now)
            turns.append(BotTurn.customer(text, at: now))
            return try await handOver(supportCase, row: row, turns: turns, decision: decision)
        case .withBot:
            if supportCase.$owner.id != nil {
                // A person took the case while the bot was still talking: the bot stops here.
                try await work.takeFromBot(supportCase)
                return nil
            }
        }
        let step = engine.respond(to: text, history: turns, at: now)
        turns.append(step.customerTurn)
        switch step.reply {
        case .silent:
            return nil
        case .handOver(let decision):
            return try await handOver(supportCase, row: row, turns: turns, decision: decision)
        case .answer(let answer):
            let reply = try await answerText(answer, customerID: supportCase.$customer.id)
            guard let reply else {
                // Nothing the bot can say with confidence: a person answers instead.
                let decision = HandOverDecision(
                    reasons: [.lowConfidence], detail: "The bot had no answer for this message.", at: now)
                return try await handOver(supportCase, row: row, turns: turns, decision: decision)
            }
            let botTurn = BotTurn(
                speaker: .bot, text: reply, at: now, intent: answer.intent, orderNumbers: answer.orderNumbers,
                articleID: answer.article?.id, citations: answer.citations)
            turns.append(botTurn)
            // Thanks after an answer ends the conversation: the bot's answer settled it.
            let settled = answer.intent == .greeting && turns.contains { $0.speaker == .bot && !$0.citations.isEmpty }
            let entry = try await say(reply, on: supportCase, citations: answer.citations, intent: answer.intent)
            try await save(row, turns: turns, state: settled ? .resolved : .withBot)
            if settled {
                try await work.changeStatus(
                    supportCase, to: .resolved, reason: "the bot answered and the customer thanked it", automatic: true)
            }
            return Outcome(
                reply: BotReplyDTO(
                    text: reply, intent: answer.intent.rawValue, confidence: answer.confidence,
                    citations: answer.citations.map(BotCitationDTO.init), handedOver: false, reasons: [],
                    expectedWaitSeconds: nil, resolved: settled),
                entries: [entry])
        }
    }

    /// Hands the conversation to a person: tells the customer, writes the summary for the agent, puts the
    /// case on the waiting list with its response targets running from now.
    private func handOver(
        _ supportCase: SupportCase, row: Row, turns: [BotTurn], decision: HandOverDecision
    ) async throws -> Outcome {
        var turns = turns
        supportCase.withBot = false
        try await db.sql.raw("UPDATE cases SET with_bot = \(bind: false) WHERE id = \(bind: supportCase.requireID())")
            .run()
        let due = try await work.clocks.handedOver(
            caseID: supportCase.requireID(), tier: supportCase.tier, channel: supportCase.channel)
        try await work.waits.sync(supportCase, dueAt: due)
        let wait = try await expectedWait(for: supportCase, firstResponseDue: due)
        var text = BotMessages.connecting(decision, expectedWait: wait)
        if wait == nil {
            text += " Nobody from our team is available right now; a person will answer here as soon as they are."
        }
        turns.append(
            BotTurn(
                speaker: .bot, text: text, at: now, intent: turns.last?.intent,
                orderNumbers: turns.last?.orderNumbers ?? [], handOver: decision))
        let message = try await say(text, on: supportCase, citations: [], intent: turns.last?.intent)
        let summary = try await work.addEntry(
            to: supportCase, kind: .note, direction: .internal, channel: .bot,
            body: "Summary from the bot\n\n" + HandOverRules.handOverSummary(turns: turns), author: Self.actor,
            details: ["handOver": decision.reason.rawValue])
        try await save(row, turns: turns, state: .handedOver, decision: decision)
        try await work.rollups.record(.botHandedOver(at: now), for: supportCase)
        try await AuditLog.append(
            on: db, at: now, actor: Self.actor, action: "bot.handed_over", subjectType: "case",
            subjectID: supportCase.requireID(), reason: decision.detail,
            details: [
                "number": String(supportCase.number), "reason": decision.reason.rawValue,
                "reasons": decision.reasons.map(\.rawValue).joined(separator: ","),
            ])
        return Outcome(
            reply: BotReplyDTO(
                text: text, intent: turns.last(where: { $0.speaker == .customer })?.intent?.rawValue, confidence: nil,
                citations: [], handedOver: true, reasons: decision.reasons.map(\.rawValue),
                expectedWaitSeconds: wait.map { Int($0) }, resolved: false),
            entries: [message, summary])
    }

    /// The bot's message to the customer, on the timeline (and by email on an email case).
    private func say(
        _ text: String, on supportCase: SupportCase, citations: [BotCitation], intent: BotIntent?
    ) async throws -> TimelineEntry {
        var details: [String: String] = [:]
        if let intent { details["intent"] = intent.rawValue }
        if !citations.isEmpty { details["cites"] = citations.map(\.text).joined(separator: "; ") }
        let entry = try await work.addEntry(
            to: supportCase, kind: .message, direction: .outbound, channel: .bot, body: text, author: Self.actor,
            details: details.isEmpty ? nil : details)
        try await CustomerMail.botReply(on: supportCase, entry: entry, at: now, on: db)
        return entry
    }

    /// The answer's words: the article's excerpt or courtesy as the engine wrote them, or, for an
    /// order question, the facts of each order on the customer's own account.
    private func answerText(_ answer: BotAnswer, customerID: UUID) async throws -> String? {
        if let text = answer.text, !text.isEmpty { return text }
        guard answer.intent.needsOrderRecord, !answer.orderNumbers.isEmpty else { return nil }
        var parts: [String] = []
        for number in answer.orderNumbers.prefix(3) {
            let record = try await OrderBook.find(number, customerID: customerID, on: db)
            parts.append(
                OrderAnswers.text(
                    for: answer.intent, number: number, record: record, now: now, timeZone: options.timeZone))
        }
        return parts.joined(separator: "\n\n")
    }

    /// How long the customer can expect to wait for a person in the case's queue.
    private func expectedWait(for supportCase: SupportCase, firstResponseDue: Date?) async throws -> TimeInterval? {
        struct Count: Decodable { var n: Int }
        let priority = work.catalog.tier(supportCase.tier)?.priority ?? 0
        let queue = supportCase.$queue.id
        let caseID = try supportCase.requireID()
        // Counted from the queue's index alone, then less the case itself if it is there: a condition
        // on `case_id` in the count would read each waiting case's row (milliseconds on a long list).
        var range: SQLQueryString = "tier_priority >= \(bind: priority) AND "
        range += queue.map { "queue_id = \(bind: $0)" } ?? "queue_id IS NULL"
        var count: SQLQueryString = "SELECT (SELECT COUNT(*) FROM routing_waits WHERE "
        count += range
        count += ") - (SELECT COUNT(*) FROM routing_waits WHERE case_id = \(bind: caseID) AND "
        count += range
        count += ") AS n"
        let ahead = try await db.sql.raw(count).first(decoding: Count.self)?.n ?? 0
        let agents = try await RoutingService(db: db, now: now, catalog: work.catalog, config: work.config)
            .room(in: queue, on: supportCase.channel)
        let estimate = WaitEstimate(
            ahead: ahead, agentsWithRoom: agents.withRoom, agentsAvailable: agents.available,
            handleTime: Double(options.handleMinutes) * 60, firstResponseDue: firstResponseDue)
        return estimate.expected(at: now)
    }

    private func save(
        _ row: Row, turns: [BotTurn], state: BotReport.State, decision: HandOverDecision? = nil
    ) async throws {
        let customerTurns = turns.filter { $0.speaker == .customer }.count
        var statement: SQLQueryString = """
            UPDATE bot_conversations SET state = \(bind: state.rawValue), turns = \(bind: try Self.encode(turns)), \
            customer_turns = \(bind: customerTurns), last_turn_at = \(bind: now)
            """
        if let decision {
            statement += """
                , handed_over_at = \(bind: now), hand_over_reason = \(bind: decision.reason.rawValue), \
                hand_over_reasons = \(bind: decision.reasons.map(\.rawValue).joined(separator: ","))
                """
        }
        if state == .resolved { statement += ", resolved_at = \(bind: now)" }
        statement += " WHERE id = \(bind: row.id)"
        try await db.sql.raw(statement).run()
    }

    static func encode(_ turns: [BotTurn]) throws -> String {
        String(decoding: try JSONEncoder().encode(turns), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> [BotTurn] {
        try JSONDecoder().decode([BotTurn].self, from: Data(text.utf8))
    }
}

extension CaseWork {
    /// A person wrote to the customer on `supportCase`. If the bot still held the conversation, the
    /// person has taken it. The first such message after the bot ends the customer's wait for a person
    /// (time-to-human).
    func personReplied(to supportCase: SupportCase) async throws {
        if supportCase.withBot { try await takeFromBot(supportCase) }
        try await db.sql.raw(
            """
            UPDATE bot_conversations SET first_human_at = \(bind: now) \
            WHERE case_id = \(bind: supportCase.requireID()) AND first_human_at IS NULL
            """
        ).run()
    }

    /// The bot cannot answer on `supportCase`: it failed on the customer's message, or it was switched
    /// off while it held the conversation. People take the case as at a hand-over: it goes on the
    /// waiting list with its response targets running from now, and a note tells the agent `why`.
    func botCannotAnswer(_ supportCase: SupportCase, why: String) async throws -> TimelineEntry {
        try await takeFromBot(supportCase)
        let due = try await clocks.handedOver(
            caseID: supportCase.requireID(), tier: supportCase.tier, channel: supportCase.channel)
        try await waits.sync(supportCase, dueAt: due)
        return try await addEntry(
            to: supportCase, kind: .note, direction: .internal, channel: .bot, body: why,
            author: BotConversations.actor, details: ["handOver": "bot_unavailable"])
    }

    /// A person took the case while the bot still held it: the bot falls silent, and the case is an
    /// ordinary one again (on the waiting list if nobody owns it).
    func takeFromBot(_ supportCase: SupportCase) async throws {
        let caseID = try supportCase.requireID()
        supportCase.withBot = false
        try await db.sql.raw("UPDATE cases SET with_bot = \(bind: false) WHERE id = \(bind: caseID)").run()
        try await db.sql.raw(
            """
            UPDATE bot_conversations SET state = \(bind: BotReport.State.humanJoined.rawValue) \
            WHERE case_id = \(bind: caseID) AND state = \(bind: BotReport.State.withBot.rawValue)
            """
        ).run()
        try await waits.sync(supportCase)
    }
}
