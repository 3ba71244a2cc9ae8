import Fluent
import SQLKit

/// The hash-chained audit log and the counters that number cases and chain audit entries.
struct CreateAuditLog: AsyncMigration {
    var name: String { "001_CreateAuditLog" }

    func prepare(on database: any Database) async throws {
        try await database.schema("audit_entries")
            .id()
            .field("sequence", .int64, .required)
            .field("at", .datetime, .required)
            .field("actor_id", .uuid)
            .field("actor_label", .string, .required)
            .field("action", .string, .required)
            .field("subject_type", .string, .required)
            .field("subject_id", .string, .required)
            .field("reason", .string)
            .field("details", .string, .required)
            .field("policy_version", .string)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "sequence")
            .create()
        // One row per counter. Incrementing a row locks it until commit, which is what serialises
        // audit appends and case numbers on PostgreSQL without a table lock.
        try await database.schema("counters")
            .field("name", .string, .required)
            .field("value", .int64, .required)
            .field("hash", .string)
            .unique(on: "name")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "audit_by_subject").on("audit_entries").column("subject_type").column("subject_id")
            .run()
        try await sql.insert(into: "counters").columns("name", "value", "hash")
            .values(SQLBind("case_number"), SQLBind(Int64(1000)), SQLLiteral.null)
            .values(SQLBind("audit"), SQLBind(Int64(0)), SQLBind(String(repeating: "0", count: 64)))
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("counters").delete()
        try await database.schema("audit_entries").delete()
    }
}
