import Fluent
import SQLKit

/// Users, their API tokens, queues and queue membership.
struct CreateAccounts: AsyncMigration {
    var name: String { "001_CreateAccounts" }

    func prepare(on database: any Database) async throws {
        try await database.schema("customers")
            .id()
            .field("display_name", .string, .required)
            .field("tier", .string, .required)
            .field("merged_into_id", .uuid, .references("customers", "id"))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("users")
            .id()
            .field("email", .string, .required)
            .field("name", .string, .required)
            .field("role", .string, .required)
            .field("password_hash", .string, .required)
            .field("customer_id", .uuid, .references("customers", "id"))
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "email")
            .create()
        try await database.schema("api_tokens")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.schema("queues")
            .id()
            .field("name", .string, .required)
            .field("description", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "name")
            .create()
        try await database.schema("queue_members")
            .id()
            .field("queue_id", .uuid, .required, .references("queues", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .unique(on: "queue_id", "user_id")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "queue_members_by_user").on("queue_members").column("user_id").run()
        try await sql.create(index: "users_by_customer").on("users").column("customer_id").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["queue_members", "queues", "api_tokens", "users", "customers"] {
            try await database.schema(table).delete()
        }
    }
}
