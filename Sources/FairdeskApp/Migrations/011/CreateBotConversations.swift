import Fluent
import SQLKit

/// What the bot needs to meet customers and hand them over (see docs/bot.md):
/// - `tiers.bypass_bot`: a tier whose customers go straight to a person (premium does, from the start);
/// - `cases.with_bot`: the bot holds the conversation, so the case is not yet waiting for an agent;
/// - `orders`: the order records the bot answers status, refund and delivery questions from;
/// - `bot_conversations`: one per case the bot met, with its turns, its hand-over and when a person came.
struct CreateBotConversations: AsyncMigration {
    var name: String { "011_CreateBotConversations" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema("tiers")
            .field("bypass_bot", .bool, .required, .sql(.default(false))).update()
        try await sql.raw("UPDATE tiers SET bypass_bot = \(bind: true) WHERE key = 'premium'").run()
        try await database.schema("cases")
            .field("with_bot", .bool, .required, .sql(.default(false))).update()

        try await database.schema("orders")
            .id()
            // The number the customer knows and writes: "FD-482913".
            .field("number", .string, .required)
            // Whose order it is: the bot tells an order's details only to its own customer.
            .field("customer_id", .uuid, .references("customers", "id", onDelete: .setNull))
            // placed, packed, shipped, out_for_delivery, delivered, undeliverable, returned, cancelled
            .field("status", .string, .required)
            // One line a person reads: "Blue kettle, 2 mugs".
            .field("items", .string, .required)
            .field("total_cents", .int64, .required)
            .field("currency", .string, .required)
            .field("placed_at", .datetime, .required)
            // The window promised to the customer, and when it was delivered.
            .field("delivery_from", .datetime)
            .field("delivery_until", .datetime)
            .field("delivered_at", .datetime)
            .field("carrier", .string)
            .field("tracking", .string)
            // none, requested, approved, paid, refused
            .field("refund_status", .string, .required)
            .field("refund_cents", .int64)
            .field("refund_updated_at", .datetime)
            .field("updated_at", .datetime, .required)
            .unique(on: "number")
            .create()
        try await sql.create(index: "orders_by_customer").on("orders").column("customer_id").column("placed_at").run()

        try await database.schema("bot_conversations")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id", onDelete: .cascade))
            .field("customer_id", .uuid, .required, .references("customers", "id", onDelete: .cascade))
            .field("channel", .string, .required)
            .field("tier", .string, .required)
            // with_bot, handed_over, human_joined (a person stepped in before a hand-over), resolved
            .field("state", .string, .required)
            .field("started_at", .datetime, .required)
            .field("last_turn_at", .datetime, .required)
            .field("customer_turns", .int, .required)
            // The turns as JSON (customer and bot, with what the bot read, cited and decided).
            .field("turns", .string, .required)
            .field("handed_over_at", .datetime)
            // The main reason, and every reason that held, comma-separated, for the reports.
            .field("hand_over_reason", .string)
            .field("hand_over_reasons", .string)
            // The first message a person sent the customer after the bot: time-to-human ends here.
            .field("first_human_at", .datetime)
            // When the bot's answer ended the conversation (the customer thanked it, or went quiet).
            .field("resolved_at", .datetime)
            .unique(on: "case_id")
            .create()
        // Reports read conversations by start time; the idle sweep reads the ones still with the bot.
        try await sql.create(index: "bot_conversations_by_start").on("bot_conversations").column("started_at").run()
        try await sql.create(index: "bot_conversations_by_state").on("bot_conversations").column("state")
            .column("last_turn_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("bot_conversations").delete()
        try await database.schema("orders").delete()
        try await database.schema("cases").deleteField("with_bot").update()
        try await database.schema("tiers").deleteField("bypass_bot").update()
    }
}
