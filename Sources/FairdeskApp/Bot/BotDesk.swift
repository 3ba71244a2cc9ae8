import FairdeskCore
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// The bot answers a customer's message after the message is stored, not inside the request that
/// brought it.
///
/// Receiving a message the bot should answer adds one row to `bot_pending`, in the message's own
/// transaction. The desk then answers the waiting messages one transaction each, in the order they
/// came, and tells open pages (the chat widget shows the answer as it is written). So:
/// - a customer's message is stored and acknowledged however long the bot takes, and whatever
///   becomes of the bot's answer;
/// - if the bot fails on a message, a person takes the case: nobody is left with a silent bot;
/// - a message left waiting by a stop, or stored by another process (`fairdesk ingest-mail`), is
///   answered by the next drain: the bot's sweep drains every minute.
final class BotDesk: Sendable {
    /// What the desk did with one waiting message.
    struct Answered: Sendable {
        /// The customer's message.
        var entryID: UUID
        var caseID: UUID
        /// What the bot said, or nil when it had nothing to say (a person had the case by then).
        var reply: BotReplyDTO?
        /// The bot failed on this message and a person took the case.
        var failed = false
    }

    private struct Pending: Decodable, Sendable {
        var entryId: UUID
        var caseId: UUID
        var body: String
        /// The case's channel (nil if the case is gone).
        var channel: ContactChannel?

        var watchedLive: Bool { channel.map(BotDesk.isWatchedLive) ?? false }
    }

    private struct State {
        var running = false
        var again = false
        /// The application is shutting down: no drain starts or goes round again.
        var closed = false
        var task: Task<Void, Never>?
    }
    private let state = NIOLockedValueBox(State())

    init() {}

    /// How many stored messages wait for the bot's answer, and since when the oldest has waited.
    struct Backlog: Sendable, Equatable {
        var messages: Int
        var oldestSince: Date?
    }

    /// The messages waiting for the bot's answer now (`/metrics` and the leads' bot report show it).
    static func backlog(on db: any Database) async throws -> Backlog {
        struct Row: Decodable {
            var n: Int
            var oldest: Date?
        }
        let row = try await db.sql.raw("SELECT COUNT(*) AS n, MIN(received_at) AS oldest FROM bot_pending")
            .first(decoding: Row.self)
        return Backlog(messages: row?.n ?? 0, oldestSince: row?.oldest)
    }

    /// Puts the customer's message `entry` on `supportCase` on the bot's list, inside the message's
    /// transaction.
    static func hold(_ entry: TimelineEntry, on supportCase: SupportCase, at now: Date, on db: any Database)
        async throws
    {
        try await db.insertRow(
            "bot_pending",
            [
                ("entry_id", try entry.requireID()), ("case_id", try supportCase.requireID()), ("body", entry.body),
                ("received_at", now),
            ], deferrable: true)
    }

    /// Answers what is waiting, in the background, once the caller's transaction has committed. A
    /// nudge while a drain runs makes it look again when it ends, so nothing is left behind.
    func nudge(app: Application) {
        guard app.fairdesk.config.bot.answersInBackground else { return }
        state.withLockedValue { state in
            guard !state.closed else { return }
            if state.running {
                state.again = true
                return
            }
            state.running = true
            // Kept so that shutting down waits for it (``close()``), while the database is still there.
            state.task = Task.detached { await self.drainUntilDone(app: app) }
        }
    }

    /// Starts no more drains, and waits for the one running to finish its current round: the
    /// application calls it as it shuts down (``BotDeskShutdown``). A message it did not reach stays
    /// on `bot_pending` for the next start.
    func close() async {
        let running = state.withLockedValue { state -> Task<Void, Never>? in
            state.closed = true
            return state.task
        }
        await running?.value
    }

    private func drainUntilDone(app: Application) async {
        while true {
            do {
                try await Self.drain(app: app) { [state] in state.withLockedValue { $0.closed } }
            } catch {
                // The bot's sweep tries again within a minute.
                app.logger.error("The bot could not answer waiting messages: \(String(reflecting: error))")
            }
            let more = state.withLockedValue { state -> Bool in
                if state.again && !state.closed {
                    state.again = false
                    return true
                }
                state.running = false
                return false
            }
            if !more { return }
        }
    }

    /// Answers every waiting message, oldest first, until none is left or `stopping` says the
    /// application is shutting down. Conversations the customer watches live (chat, social) go
    /// first, and on SQLite the others give way to customers' messages being stored
    /// (``giveWay(for:busy:longest:)``).
    @discardableResult
    static func drain(app: Application, stopping: @Sendable () -> Bool = { false }) async throws -> [Answered] {
        var answered: [Answered] = []
        let inbound = app.fairdesk.inbound
        // PostgreSQL writes side by side: nothing there waits for the bot's turn, so it never gives way.
        let givesWay = !app.db.isPostgres
        while !stopping() {
            let waiting = try await app.db.sql.raw(
                """
                SELECT p.entry_id, p.case_id, p.body, c.channel FROM bot_pending p \
                LEFT JOIN cases c ON c.id = p.case_id ORDER BY p.received_at, p.entry_id LIMIT 100
                """
            ).all(decoding: Pending.self, keyDecodingStrategy: .convertFromSnakeCase)
            if waiting.isEmpty { return answered }
            let engine = await engine(app: app)
            // A case's messages share its channel, so each conversation keeps its order.
            let live = waiting.filter(\.watchedLive)
            let later = waiting.filter { !$0.watchedLive }
            for message in live + later where !stopping() {
                if givesWay { await giveWay(for: message.channel, busy: { inbound.isBusy }) }
                if let done = try await answer(message, engine: engine, app: app) { answered.append(done) }
            }
        }
        return answered
    }

    /// Whether the customer watches for the bot's answer as it is written (the chat widget, a social
    /// network's conversation), rather than reading it later (email, a web form).
    static func isWatchedLive(_ channel: ContactChannel) -> Bool {
        channel == .chat || channel == .social
    }

    /// The longest an answer read later waits for customers' messages being stored: during a flood of
    /// messages the bot still takes SQLite's write turn at least this often.
    static let longestGiveWay: Duration = .milliseconds(100)

    /// Storing what customers send comes before the bot's answers. SQLite has one writer, and
    /// under a flood of messages the bot's answers would take turns with storing them and slow it
    /// down. So while messages wait to be stored (`busy`), an answer read later (email, web form)
    /// waits, up to `longest`; one watched live never waits. The answers held back are written as
    /// soon as the flood eases: the backlog shows on `/metrics` and the leads' bot report.
    static func giveWay(for channel: ContactChannel?, busy: () -> Bool, longest: Duration = longestGiveWay) async {
        if let channel, isWatchedLive(channel) { return }
        let clock = ContinuousClock()
        let deadline = clock.now + longest
        while busy() && clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Answers the messages waiting on one case, up to and including `entryID`, and says what the bot
    /// answered to that one (nil when it had nothing to say, or another process answered it).
    static func answerNow(_ entryID: UUID, of caseID: UUID, app: Application) async throws -> BotReplyDTO? {
        let waiting = try await app.db.sql.raw(
            """
            SELECT entry_id, case_id, body, NULL AS channel FROM bot_pending WHERE case_id = \(bind: caseID) \
            ORDER BY received_at, entry_id
            """
        ).all(decoding: Pending.self, keyDecodingStrategy: .convertFromSnakeCase)
        let engine = await engine(app: app)
        for message in waiting {
            let done = try await answer(message, engine: engine, app: app)
            if message.entryId == entryID { return done?.reply }
        }
        return nil
    }

    /// The bot as it is now, read once for a batch of messages and before any transaction (on
    /// SQLite a transaction holds the one connection its loop has). A failure to build it fails each
    /// message, which then goes to a person.
    private static func engine(app: Application) async -> Result<BotEngine?, any Error> {
        do {
            return .success(try await app.botEngine())
        } catch {
            return .failure(error)
        }
    }

    /// Answers one message in a transaction of its own; nil when another process answered it first.
    private static func answer(
        _ message: Pending, engine: Result<BotEngine?, any Error>, app: Application
    ) async throws -> Answered? {
        do {
            let engine = try engine.get()
            let answered = try await app.write { db -> (Answered, [LiveEvent])? in
                // Whoever removes the row answers the message.
                guard try await claim(message, on: db) else { return nil }
                var answered = Answered(entryID: message.entryId, caseID: message.caseId)
                guard let supportCase = try await locked(message.caseId, on: db), supportCase.withBot else {
                    return (answered, [])
                }
                let work = try await app.caseWork(on: db, actor: BotConversations.actor)
                guard let engine else {
                    // Switched off since the message came: people answer from here.
                    let note = try await work.botCannotAnswer(
                        supportCase, why: BotConversations.switchedOffNote)
                    return (answered, [LiveEvent(kind: .entry, supportCase: supportCase, entry: note)])
                }
                let outcome = try await BotConversations(work: work, engine: engine, options: app.fairdesk.config.bot)
                    .respond(to: message.body, on: supportCase)
                answered.reply = outcome?.reply
                let events = (outcome?.entries ?? []).map {
                    LiveEvent(kind: .entry, supportCase: supportCase, entry: $0)
                }
                return (answered, events)
            }
            guard let (done, events) = answered else { return nil }
            await app.fairdesk.live.publish(events)
            return done
        } catch {
            app.logger.error(
                "The bot failed on a message; a person takes the case",
                metadata: ["case": .string(message.caseId.uuidString), "error": .string(String(reflecting: error))])
            return try await giveToPerson(message, app: app)
        }
    }

    /// The bot failed on `message`: its case goes to the people's waiting list, with a note saying why.
    private static func giveToPerson(_ message: Pending, app: Application) async throws -> Answered? {
        let events = try await app.write { db -> [LiveEvent]? in
            guard try await claim(message, on: db) else { return nil }
            guard let supportCase = try await locked(message.caseId, on: db), supportCase.withBot else { return [] }
            let work = try await app.caseWork(on: db, actor: BotConversations.actor)
            let note = try await work.botCannotAnswer(
                supportCase,
                why: "The bot could not answer the customer's last message, so the case waits for a person.")
            return [LiveEvent(kind: .entry, supportCase: supportCase, entry: note)]
        }
        guard let events else { return nil }
        await app.fairdesk.live.publish(events)
        return Answered(entryID: message.entryId, caseID: message.caseId, reply: nil, failed: true)
    }

    private static func claim(_ message: Pending, on db: any Database) async throws -> Bool {
        try await db.sql.raw("DELETE FROM bot_pending WHERE entry_id = \(bind: message.entryId) RETURNING entry_id")
            .first() != nil
    }

    /// The case, locked on PostgreSQL until the transaction ends, so two processes never answer the
    /// same conversation at once (SQLite's single writer does this by itself).
    private static func locked(_ caseID: UUID, on db: any Database) async throws -> SupportCase? {
        if db.isPostgres {
            try await db.sql.raw("SELECT id FROM cases WHERE id = \(bind: caseID) FOR UPDATE").run()
        }
        return try await SupportCase.find(caseID, on: db)
    }
}

/// Waits for the bot's background work (answers, and a rebuild after an article changed) to stop
/// before the database goes, when the application shuts down.
struct BotDeskShutdown: LifecycleHandler {
    func shutdownAsync(_ application: Application) async {
        await application.fairdesk.botDesk.close()
        await application.fairdesk.bot.close()
    }
}
