import Fluent
import SQLKit

/// Customer identities, cases, their owners, the timeline and attachments.
struct CreateCases: AsyncMigration {
    var name: String { "001_CreateCases" }

    func prepare(on database: any Database) async throws {
        try await database.schema("identities")
            .id()
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .field("kind", .string, .required)
            .field("value", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "kind", "value")
            .create()
        try await database.schema("cases")
            .id()
            .field("number", .int64, .required)
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .field("subject", .string, .required)
            .field("status", .string, .required)
            .field("channel", .string, .required)
            .field("queue_id", .uuid, .references("queues", "id"))
            .field("owner_id", .uuid, .references("users", "id"))
            .field("owner_count", .int, .required)
            .field("bounce_count", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("last_activity_at", .datetime, .required)
            .field("resolved_at", .datetime)
            .field("closed_at", .datetime)
            .unique(on: "number")
            .create()
        try await database.schema("case_owners")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id", onDelete: .cascade))
            .field("user_id", .uuid, .references("users", "id"))
            .field("queue_id", .uuid, .references("queues", "id"))
            .field("started_at", .datetime, .required)
            .field("started_by_id", .uuid, .references("users", "id"))
            .create()
        try await database.schema("timeline_entries")
            .id()
            .field("case_id", .uuid, .references("cases", "id", onDelete: .cascade))
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .field("kind", .string, .required)
            .field("direction", .string, .required)
            .field("channel", .string, .required)
            .field("author_id", .uuid, .references("users", "id"))
            .field("author_label", .string, .required)
            .field("body", .string, .required)
            .field("talk_seconds", .int)
            .field("hold_seconds", .int)
            .field("after_call_work_seconds", .int)
            .field("details", .string)
            .field("external_id", .string)
            .field("occurred_at", .datetime, .required)
            .unique(on: "channel", "external_id")
            .create()
        try await database.schema("attachments")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id", onDelete: .cascade))
            .field("entry_id", .uuid, .required, .references("timeline_entries", "id", onDelete: .cascade))
            .field("filename", .string, .required)
            .field("content_type", .string, .required)
            .field("byte_size", .int64, .required)
            .field("sha256", .string, .required)
            .field("storage_key", .string, .required)
            .field("created_at", .datetime, .required)
            .create()

        // Every list Fairdesk shows reads one of these indexes in order and stops after a page,
        // so its cost does not grow with the number of cases.
        let sql = database as! any SQLDatabase
        try await sql.create(index: "identities_by_customer").on("identities").column("customer_id").run()
        try await sql.create(index: "cases_inbox").on("cases").column("queue_id").column("status")
            .column("last_activity_at").column("id").run()
        try await sql.create(index: "cases_by_owner").on("cases").column("owner_id").column("status")
            .column("last_activity_at").column("id").run()
        try await sql.create(index: "cases_by_customer").on("cases").column("customer_id").column("last_activity_at")
            .run()
        try await sql.create(index: "case_owners_by_case").on("case_owners").column("case_id").run()
        try await sql.create(index: "timeline_by_customer").on("timeline_entries").column("customer_id")
            .column("occurred_at").column("id").run()
        try await sql.create(index: "timeline_by_case").on("timeline_entries").column("case_id").column("occurred_at")
            .run()
        try await sql.create(index: "attachments_by_entry").on("attachments").column("entry_id").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["attachments", "timeline_entries", "case_owners", "cases", "identities"] {
            try await database.schema(table).delete()
        }
    }
}
