import Fluent
import SQLKit

/// Inbound email kept as it came (the raw bytes are in the attachment store, so a better parser can
/// read them again), what outgoing mail needs for threading, and outbound webhooks with a record of
/// every delivery.
struct CreateMailIntakeAndWebhooks: AsyncMigration {
    var name: String { "009_CreateMailIntakeAndWebhooks" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema("inbound_emails")
            .id()
            .field("received_at", .datetime, .required)
            // How it came: pipe (fairdesk ingest-mail), http (/api/v1/inbound/email) or import (a mailbox).
            .field("source", .string, .required)
            // The raw RFC 5322 bytes, in the attachment store under this key.
            .field("storage_key", .string, .required)
            .field("byte_size", .int64, .required)
            .field("sha256", .string, .required)
            // Without angle brackets; the sha256 when the message had none, so a redelivery is recognised.
            .field("message_id", .string, .required)
            .field("from_address", .string)
            // Where answers go: the Reply-To mailbox, else the sender.
            .field("reply_address", .string)
            .field("subject", .string, .required)
            // filed (joined or started a case), automatic (a machine wrote it) or held (loop protection)
            .field("state", .string, .required)
            .field("reason", .string)
            // How it found its case: new case, in-reply-to, references, subject, latest case.
            .field("threaded_by", .string)
            .field("case_id", .uuid, .references("cases", "id", onDelete: .setNull))
            .field("entry_id", .uuid, .references("timeline_entries", "id", onDelete: .setNull))
            // What the parser found wrong, one problem a line; empty when nothing.
            .field("problems", .string, .required)
            // Which parser read it last, so `fairdesk reparse` can report what changed.
            .field("parser_version", .int, .required)
            .field("parsed_at", .datetime, .required)
            .unique(on: "message_id")
            .create()
        try await sql.create(index: "inbound_emails_by_sender").on("inbound_emails")
            .column("from_address").column("received_at").run()
        try await sql.create(index: "inbound_emails_by_time").on("inbound_emails").column("received_at").run()
        try await sql.create(index: "inbound_emails_by_case").on("inbound_emails").column("case_id").run()

        // Mail about a case carries the case and, once sent, the headers that kept the customer's
        // thread together. Its Message-ID is "<row id>@<sending domain>", so a reply finds the row.
        for (column, type) in [
            ("case_id", DatabaseSchema.DataType.uuid), ("entry_id", .uuid), ("in_reply_to", .string),
            ("references_ids", .string),
        ] {
            try await database.schema("outbound_emails").field(
                .definition(name: .key(FieldKey(stringLiteral: column)), dataType: type, constraints: [])
            )
            .update()
        }
        try await database.schema("outbound_emails").field("automatic", .bool, .required, .sql(.default(true)))
            .update()
        try await sql.create(index: "outbound_emails_by_case").on("outbound_emails").column("case_id").run()

        try await database.schema("webhook_endpoints")
            .id()
            .field("url", .string, .required)
            .field("description", .string, .required)
            // Event names separated by spaces: "case.created case.resolved".
            .field("events", .string, .required)
            // The key deliveries are signed with (HMAC-SHA256). Shown once to the admin who made it.
            .field("secret", .string, .required)
            .field("active", .bool, .required)
            .field("created_by_id", .uuid, .references("users", "id"))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("webhook_deliveries")
            .id()
            .field("endpoint_id", .uuid, .required, .references("webhook_endpoints", "id", onDelete: .cascade))
            .field("event", .string, .required)
            .field("payload", .string, .required)
            // pending, delivered or failed (gave up after the last attempt)
            .field("state", .string, .required)
            .field("attempts", .int, .required)
            .field("last_status", .int)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("last_attempt_at", .datetime)
            .field("delivered_at", .datetime)
            .create()
        try await sql.create(index: "webhook_deliveries_by_endpoint").on("webhook_deliveries")
            .column("endpoint_id").column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["webhook_deliveries", "webhook_endpoints", "inbound_emails"] {
            try await database.schema(table).delete()
        }
        try await (database as! any SQLDatabase).drop(index: "outbound_emails_by_case").run()
        for column in ["automatic", "references_ids", "in_reply_to", "entry_id", "case_id"] {
            try await database.schema("outbound_emails").deleteField(FieldKey(stringLiteral: column)).update()
        }
    }
}
