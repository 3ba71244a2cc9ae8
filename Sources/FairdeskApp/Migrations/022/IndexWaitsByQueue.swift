import Fluent
import SQLKit

/// The waiting list by queue and tier priority: the bot counts the cases ahead of a customer it
/// hands over (the expected wait) from this index instead of reading the whole list.
struct IndexWaitsByQueue: AsyncMigration {
    var name: String { "022_IndexWaitsByQueue" }

    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).create(index: "routing_waits_by_queue").on("routing_waits")
            .column("queue_id").column("tier_priority").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(index: "routing_waits_by_queue").run()
    }
}
