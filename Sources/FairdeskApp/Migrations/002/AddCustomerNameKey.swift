import Fluent
import Foundation
import SQLKit

/// A lower-cased, accent-free copy of each customer's name with an index, so the inbox can find
/// customers by the start of their name without reading every row.
struct AddCustomerNameKey: AsyncMigration {
    var name: String { "002_AddCustomerNameKey" }

    func prepare(on database: any Database) async throws {
        try await database.schema("customers").field("name_key", .string).update()
        // Fill the key for customers who existed before this migration, a page at a time.
        struct Row: Decodable {
            var id: UUID
            var name: String
        }
        let sql = database as! any SQLDatabase
        while true {
            let rows = try await sql.select().column("id").column(
                SQLAlias(SQLIdentifier("display_name"), as: SQLIdentifier("name"))
            ).from("customers")
                .where(SQLIdentifier("name_key"), .is, SQLLiteral.null).limit(1_000).all(decoding: Row.self)
            if rows.isEmpty { break }
            for row in rows {
                try await sql.update("customers").set("name_key", to: SQLBind(Customer.nameKey(row.name)))
                    .where("id", .equal, SQLBind(row.id)).run()
            }
        }
        try await sql.create(index: "customers_by_name_key").on("customers").column("name_key").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(index: "customers_by_name_key").run()
        try await database.schema("customers").deleteField("name_key").update()
    }
}
