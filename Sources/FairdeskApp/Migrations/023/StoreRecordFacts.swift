import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// Each driver's record carries the facts its standing is counted from (`PackageFacts`,
/// `BlockFacts`, `FeedbackFacts`), so the database counts standing itself (`StandingCountSQL`):
/// the day it is placed in, and per kind of record what it counts for. A package's deciding scan is
/// kept as the numbers the scan rule compares; a package whose scans are mixed keeps every scan's
/// numbers in `driver_package_scans`. Indexes that hold the facts let a recount read them without
/// the records' rows. Records already stored get their facts here, and the counters are counted
/// again from them.
struct StoreRecordFacts: AsyncMigration {
    var name: String { "023_StoreRecordFacts" }
    let clock: any WallClock

    static let blockFacts = ["day", "missed"]
    static let feedbackFacts = ["day", "negative"]
    static let packageFlags = [
        "day", "finished", "attempted", "late", "completion_counted", "completion_against", "delivered", "scans_mixed",
    ]
    static let packageScan = ["scan_seconds", "scan_distance_m", "scan_credit_m"]

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        // One column a statement: SQLite adds one at a time.
        for (table, columns) in [
            ("driver_blocks", Self.blockFacts), ("driver_feedback", Self.feedbackFacts),
            ("driver_packages", Self.packageFlags),
        ] {
            for column in columns {
                try await database.schema(table).field(.string(column), .int64, .required, .sql(.default(0))).update()
            }
        }
        for column in Self.packageScan {
            try await database.schema("driver_packages").field(.string(column), .double).update()
        }
        try await database.schema("driver_package_scans")
            .id()
            .field("driver_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("package_id", .uuid, .required, .references("driver_packages", "id", onDelete: .cascade))
            .field("scan_seconds", .double, .required)
            .field("scan_distance_m", .double, .required)
            .field("scan_credit_m", .double, .required)
            .create()
        try await sql.create(index: "driver_package_scans_by_package").on("driver_package_scans")
            .column("package_id").run()
        // Which drivers have a package with mixed scans: a recount visits only theirs.
        try await sql.create(index: "driver_package_scans_by_driver").on("driver_package_scans")
            .column("driver_id").run()

        try await backfill(on: database)

        // The counting reads these alone, in driver and day order; the record ids at the end let
        // the corrections find what an excuse covers without reading the records' rows.
        var packages = sql.create(index: "driver_packages_counted").on("driver_packages").column("driver_id")
        for column in Self.packageFlags + ["geofence_m"] + Self.packageScan + ["record_id", "block_id"] {
            packages = packages.column(column)
        }
        try await packages.run()
        try await sql.create(index: "driver_blocks_counted").on("driver_blocks")
            .column("driver_id").column("day").column("missed").column("record_id").run()
        try await sql.create(index: "driver_feedback_counted").on("driver_feedback")
            .column("driver_id").column("day").column("negative").column("record_id").column("package_id").run()

        _ = try await DriverStandingCounters.rebuild(at: clock.now, on: database)
    }

    /// Works out the facts of every stored record, a page at a time.
    private func backfill(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        func pages(
            _ table: String, columns: String, _ update: (any SQLRow, UUID, String) throws -> SQLQueryString?
        ) async throws {
            var after: UUID?
            while true {
                var query: SQLQueryString = "SELECT id, driver_id, \(unsafeRaw: columns) FROM \(ident: table)"
                if let after { query += " WHERE id > \(bind: after)" }
                query += " ORDER BY id LIMIT 500"
                let rows = try await sql.raw(query).all()
                guard let last = rows.last else { return }
                for row in rows {
                    let id = try row.decode(column: "id", as: UUID.self)
                    let driver = try row.decode(column: "driver_id", as: UUID.self).uuidString
                    if let statement = try update(row, id, driver) { try await sql.raw(statement).run() }
                }
                after = try last.decode(column: "id", as: UUID.self)
            }
        }
        try await pages("driver_blocks", columns: "record_id, scheduled_start, scheduled_end, status, started_at") {
            row, id, driver in
            guard let block = try DriverRecordStore.block(row, driver: driver) else { return nil }
            let facts = BlockFacts(block)
            return
                "UPDATE driver_blocks SET day = \(bind: facts.day), missed = \(bind: facts.missed ? 1 : 0) WHERE id = \(bind: id)"
        }
        try await pages("driver_feedback", columns: "record_id, package_id, feedback_at, sentiment, comment") {
            row, id, driver in
            guard let item = try DriverRecordStore.feedback(row, driver: driver) else { return nil }
            let facts = FeedbackFacts(item)
            return
                "UPDATE driver_feedback SET day = \(bind: facts.day), negative = \(bind: facts.negative ? 1 : 0) WHERE id = \(bind: id)"
        }
        var mixed: [(UUID, String, [ScanFacts])] = []
        try await pages("driver_packages", columns: DriverRecordStore.packageColumns) { row, id, driver in
            let facts = PackageFacts(try DriverRecordStore.package(row, driver: driver))
            if facts.scansMixed { mixed.append((id, driver, facts.scanFacts)) }
            var statement: SQLQueryString = "UPDATE driver_packages SET "
            for (index, (column, value)) in zip(
                DriverRecordStore.packageFactColumns, DriverRecordStore.packageFactValues(facts)
            ).enumerated() {
                if index > 0 { statement += ", " }
                if let value {
                    statement += "\(ident: column) = \(bind: value)"
                } else {
                    statement += "\(ident: column) = NULL"
                }
            }
            statement += " WHERE id = \(bind: id)"
            return statement
        }
        for (package, driver, scans) in mixed {
            try await database.insertRows(
                "driver_package_scans",
                columns: ["id", "driver_id", "package_id", "scan_seconds", "scan_distance_m", "scan_credit_m"],
                scans.map {
                    [UUID(), UUID(uuidString: driver), package, $0.seconds, $0.distanceMetres, $0.creditMetres]
                })
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for index in [
            "driver_packages_counted", "driver_blocks_counted", "driver_feedback_counted",
            "driver_package_scans_by_package", "driver_package_scans_by_driver",
        ] {
            try await sql.drop(index: index).run()
        }
        try await database.schema("driver_package_scans").delete()
        for (table, columns) in [
            ("driver_blocks", Self.blockFacts), ("driver_feedback", Self.feedbackFacts),
            ("driver_packages", Self.packageFlags + Self.packageScan),
        ] {
            for column in columns { try await database.schema(table).deleteField(.string(column)).update() }
        }
    }
}
