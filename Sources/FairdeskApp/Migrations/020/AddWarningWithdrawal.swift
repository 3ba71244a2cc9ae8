import Fluent

/// A written warning can be withdrawn when the records it rested on are corrected (excused, or
/// overturned on appeal): when, why and by whom. A withdrawn warning no longer counts as the warning
/// an action must follow, nor blocks a new one.
struct AddWarningWithdrawal: AsyncMigration {
    var name: String { "020_AddWarningWithdrawal" }

    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds columns one at a time.
        try await database.schema("driver_warnings").field("withdrawn_at", .datetime).update()
        try await database.schema("driver_warnings").field("withdrawn_reason", .string).update()
        try await database.schema("driver_warnings").field("withdrawn_by", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("driver_warnings").deleteField("withdrawn_at").update()
        try await database.schema("driver_warnings").deleteField("withdrawn_reason").update()
        try await database.schema("driver_warnings").deleteField("withdrawn_by").update()
    }
}
