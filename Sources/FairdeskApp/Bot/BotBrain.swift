import FairdeskCore
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The bot engine built from the published knowledge base, kept between messages and built again
/// only when an article changes (the knowledge base's revision counter moves).
final class BotBrain: Sendable {
    private let cached = NIOLockedValueBox<(revision: Int64, engine: BotEngine)?>(nil)

    init() {}

    /// The engine for the knowledge base as it is now: one cheap query when nothing changed.
    func engine(app: Application) async throws -> BotEngine {
        let revision = try await app.knowledgeBase.revision()
        if let cached = cached.withLockedValue({ $0 }), cached.revision == revision { return cached.engine }
        let articles = try await app.knowledgeBase.publishedArticles()
        let engine = BotEngine(articles: articles, settings: app.fairdesk.config.bot.settings)
        cached.withLockedValue { current in
            if current == nil || current!.revision <= revision { current = (revision, engine) }
        }
        return engine
    }
}

extension Application {
    /// The bot, when it meets customers (`FAIRDESK_BOT`, on by default); nil when it is off.
    func botEngine() async throws -> BotEngine? {
        guard fairdesk.config.bot.enabled else { return nil }
        return try await fairdesk.bot.engine(app: self)
    }
}
