import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// The bot's worker: answers messages still waiting for the bot, then settles quiet conversations. A
/// conversation where the customer has not written for `FAIRDESK_BOT_IDLE_MINUTES`
/// since the bot's answer is taken as settled, and its case is resolved. The containment report
/// then watches for the customer coming back within 7 days.
enum BotSweep {
    /// How often the job looks for conversations gone quiet.
    static let interval: TimeInterval = 60

    /// Settles up to 200 quiet conversations; answers how many it looked at.
    static func run(app: Application) async throws -> Int {
        // Messages still waiting for the bot's answer: left by a stop, or stored by another process.
        try await BotDesk.drain(app: app)
        let now = app.fairdesk.clock.now
        let quietSince = now.addingTimeInterval(-Double(app.fairdesk.config.bot.idleMinutes) * 60)
        struct Row: Decodable {
            var id: UUID
            var caseId: UUID
        }
        let quiet = try await app.db.sql.raw(
            """
            SELECT id, case_id FROM bot_conversations WHERE state = \(bind: BotReport.State.withBot.rawValue) \
            AND last_turn_at <= \(bind: quietSince) AND customer_turns > 0 ORDER BY last_turn_at LIMIT 200
            """
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        for conversation in quiet {
            try await app.write { db in
                let work = try await app.caseWork(on: db, actor: BotConversations.actor)
                // Read again inside the transaction: the customer or a person may have written since.
                guard
                    try await db.sql.raw(
                        """
                        UPDATE bot_conversations SET state = \(bind: BotReport.State.resolved.rawValue), \
                        resolved_at = \(bind: now) WHERE id = \(bind: conversation.id) \
                        AND state = \(bind: BotReport.State.withBot.rawValue) AND last_turn_at <= \(bind: quietSince) \
                        RETURNING id
                        """
                    ).first() != nil,
                    let supportCase = try await SupportCase.find(conversation.caseId, on: db),
                    supportCase.withBot, supportCase.status.isActive
                else { return }
                try await work.changeStatus(
                    supportCase, to: .resolved,
                    reason: "the customer did not write again within \(app.fairdesk.config.bot.idleMinutes) minutes "
                        + "of the bot's answer",
                    automatic: true)
            }
        }
        return quiet.count
    }
}
