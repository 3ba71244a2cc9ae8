import Fluent
import SQLKit

/// The non-unique indexes of some tables, read from the database's own catalogue, so a bulk load
/// can drop them and re-create them afterwards with exactly the definitions the migrations made.
/// Unique indexes are never touched: they guard the data while it loads.
enum SecondaryIndexes {
    struct Definition: Sendable, Decodable {
        var name: String
        var definition: String
    }

    /// Drops the non-unique indexes of `tables` and returns their definitions.
    static func drop(on db: any Database, tables: [String]) async throws -> [Definition] {
        let found: [Definition]
        if db.isPostgres {
            found = try await db.sql.raw(
                """
                SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
                WHERE i.tablename IN (\(binds: tables)) AND i.schemaname = ANY (current_schemas(false))
                AND i.indexdef NOT LIKE 'CREATE UNIQUE%'
                """
            ).all(decoding: Definition.self)
        } else {
            found = try await db.sql.raw(
                """
                SELECT name, sql AS definition FROM sqlite_master
                WHERE type = 'index' AND tbl_name IN (\(binds: tables)) AND sql IS NOT NULL
                AND sql NOT LIKE 'CREATE UNIQUE%'
                """
            ).all(decoding: Definition.self)
        }
        for index in found {
            try await db.sql.drop(index: index.name).run()
        }
        return found
    }
}
