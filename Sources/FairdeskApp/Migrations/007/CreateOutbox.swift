import Fluent
import SQLKit

/// Outgoing email: every message Fairdesk sends is a row first, then a `mail.send` job delivers it,
/// so a message survives a restart or a mail server that is down, and admins can see what was sent.
struct CreateOutbox: AsyncMigration {
    var name: String { "007_CreateOutbox" }

    func prepare(on database: any Database) async throws {
        try await database.schema("outbound_emails")
            .id()
            .field("user_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("to_address", .string, .required)
            .field("to_name", .string)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            // What sent it: policy.published, policy.reminder, policy.withdrawn…
            .field("kind", .string, .required)
            // queued, sent, held (no mail server configured) or failed (refused for good)
            .field("state", .string, .required)
            .field("attempts", .int, .required)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .create()
        try await (database as! any SQLDatabase).create(index: "outbound_emails_by_time").on("outbound_emails")
            .column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("outbound_emails").delete()
    }
}
