import FairdeskCore
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The bot engine built from the published knowledge base, kept between messages and built again
/// when an article changes (the knowledge base's revision counter moves).
///
/// Building over 10,000 articles takes seconds, so no customer waits for it: after a change the
/// engine already built keeps answering while the new one is built in the background, and takes
/// over once it is ready. Only the very first message after a start waits for the first build.
final class BotBrain: Sendable {
    private struct State {
        var revision: Int64 = -1
        var engine: BotEngine?
        /// The revision being built in the background, if any.
        var building: Int64?
        /// That build, so shutting down can wait for it (``close()``).
        var rebuild: Task<Void, Never>?
        /// The application is shutting down: no build starts in the background.
        var closed = false
    }
    private let state = NIOLockedValueBox(State())

    init() {}

    /// The engine for the knowledge base as it is now, or as it was a moment ago while a change is
    /// being taken in: one cheap query when nothing changed.
    func engine(app: Application) async throws -> BotEngine {
        let revision = try await app.knowledgeBase.revision()
        enum Plan {
            case use(BotEngine)
            case useWhileRebuilding(BotEngine)
            case build
        }
        let plan = state.withLockedValue { state -> Plan in
            guard let engine = state.engine else { return .build }
            // Up to date, a rebuild already under way, or shutting down.
            if state.revision >= revision || state.building != nil || state.closed { return .use(engine) }
            state.building = revision
            state.rebuild = Task.detached { _ = try? await self.build(app: app) }
            return .useWhileRebuilding(engine)
        }
        switch plan {
        case .use(let engine), .useWhileRebuilding(let engine):
            return engine
        case .build:
            return try await build(app: app)
        }
    }

    /// Starts no more builds in the background and waits for the one under way: the application
    /// calls it as it shuts down (``BotDeskShutdown``), before the database goes.
    func close() async {
        let running = state.withLockedValue { state -> Task<Void, Never>? in
            state.closed = true
            return state.rebuild
        }
        await running?.value
    }

    /// Reads the published articles and builds the engine; keeps it unless a newer one got there first.
    @discardableResult
    func build(app: Application) async throws -> BotEngine {
        let snapshot: KnowledgeBase.Snapshot
        do {
            snapshot = try await app.knowledgeBase.publishedSnapshot()
        } catch {
            // The next message tries again.
            state.withLockedValue { $0.building = nil }
            throw error
        }
        let engine = BotEngine(articles: snapshot.articles, settings: app.fairdesk.config.bot.settings)
        return state.withLockedValue { state in
            state.building = nil
            if snapshot.revision >= state.revision || state.engine == nil {
                state.revision = snapshot.revision
                state.engine = engine
            }
            return state.engine!
        }
    }
}

extension Application {
    /// The bot, when it meets customers (`FAIRDESK_BOT`, on by default); nil when it is off.
    func botEngine() async throws -> BotEngine? {
        guard fairdesk.config.bot.enabled else { return nil }
        return try await fairdesk.bot.engine(app: self)
    }
}
