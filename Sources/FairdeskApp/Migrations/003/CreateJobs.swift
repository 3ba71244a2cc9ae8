import Fluent
import SQLKit

/// The durable job table: everything Fairdesk does later (SLA checks, routing, follow-ups, mail,
/// webhooks) is a row here until a worker has done it.
struct CreateJobs: AsyncMigration {
    var name: String { "003_CreateJobs" }

    func prepare(on database: any Database) async throws {
        try await database.schema("jobs")
            .id()
            .field("kind", .string, .required)
            .field("payload", .string, .required)
            // At most one queued job per key: recurring jobs and "run soon" triggers use it.
            .field("dedupe_key", .string)
            // queued, running or dead; finished jobs are deleted.
            .field("state", .string, .required)
            // When a queued job may run; while running, when its lease ends.
            .field("due_at", .datetime, .required)
            .field("attempts", .int, .required)
            .field("max_attempts", .int, .required)
            // The claim that holds the lease; a worker may only finish a job it still holds.
            .field("claim", .string)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "dedupe_key")
            .create()
        // Workers read this index in due order and stop at "now", so claiming costs the same with
        // ten jobs waiting or ten million. Dead jobs stay out of it.
        try await (database as! any SQLDatabase).raw(
            "CREATE INDEX jobs_ready ON jobs (due_at) WHERE state <> 'dead'"
        ).run()
        try await (database as! any SQLDatabase).create(index: "jobs_by_state").on("jobs").column("state")
            .column("kind").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("jobs").delete()
    }
}
