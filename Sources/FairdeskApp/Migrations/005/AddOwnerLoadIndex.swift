import Fluent
import SQLKit

/// Agents' open cases per channel, read from the index alone. Routing counts them every few
/// seconds; without the channel in the index each count read every open case's row.
struct AddOwnerLoadIndex: AsyncMigration {
    var name: String { "005_AddOwnerLoadIndex" }

    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).create(index: "cases_owner_load").on("cases").column("owner_id")
            .column("status").column("channel").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(index: "cases_owner_load").run()
    }
}
