import Fluent

/// A suspension or restriction lasts a stated number of days (`days`, within the driver policy's
/// `suspension_days_max`) and ends at `ends_at`, that long after it takes effect. Both stay empty
/// for a deactivation, for an interim suspension, and for decisions made before this migration.
struct AddDecisionLength: AsyncMigration {
    var name: String { "024_AddDecisionLength" }

    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds columns one at a time.
        try await database.schema("driver_decisions").field("days", .int).update()
        try await database.schema("driver_decisions").field("ends_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("driver_decisions").deleteField("days").update()
        try await database.schema("driver_decisions").deleteField("ends_at").update()
    }
}
