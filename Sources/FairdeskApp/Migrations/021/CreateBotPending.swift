import Fluent
import SQLKit

/// Customer messages the bot has yet to answer (see ``BotDesk``): the message is stored and
/// acknowledged first; the bot answers a moment later, from this list, in the order they came.
struct CreateBotPending: AsyncMigration {
    var name: String { "021_CreateBotPending" }

    func prepare(on database: any Database) async throws {
        try await database.schema("bot_pending")
            .field("entry_id", .uuid, .required)
            .field("case_id", .uuid, .required, .references("cases", "id", onDelete: .cascade))
            .field("body", .string, .required)
            .field("received_at", .datetime, .required)
            .unique(on: "entry_id")
            .create()
        try await (database as! any SQLDatabase).create(index: "bot_pending_by_time").on("bot_pending")
            .column("received_at").column("entry_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("bot_pending").delete()
    }
}
