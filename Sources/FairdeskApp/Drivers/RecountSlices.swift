import FairdeskCore
import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// `fairdesk drivers recompute` on every core. SQLite runs one statement on one core, and one
/// connection writes at a time; a recount of 50 million records is mostly reading and adding up.
/// So on an SQLite file the drivers are cut into slices of about as many drivers each, and each
/// slice is counted on a connection of its own, at the same time as the others, into a scratch
/// file beside the database (a file a connection writes does not wait for the database's write
/// lock). The connection that holds the write lock then copies the slices in and commits.
///
/// The write lock is taken before any slice reads, so no record changes while they count: the
/// slices read what the copy replaces. On PostgreSQL, and when there is one core or no file (the
/// tests' in-memory databases have one, SQLiteKit keeps them in a temporary file), the recount runs
/// on one connection (`DriverStandingCounters.rebuild`).
enum RecountSlices {
    /// Recounts every driver's standing, in slices when it can; see the type's comment.
    static func recount(
        app: Application, at now: Date, slices: Int = System.coreCount,
        progress: (@Sendable (_ step: String, _ done: Int, _ total: Int) -> Void)? = nil
    ) async throws -> DriverStandingCounters.Rebuilt {
        guard !app.db.isPostgres, slices > 1 else {
            return try await app.write { db in
                try await DriverStandingCounters.rebuild(at: now, on: db, progress: progress)
            }
        }
        await app.fairdesk.writeGate?.acquire()
        do {
            let rebuilt = try await app.db.withConnection { writer in
                try await DatabaseSetup.tuneSQLiteConnection(writer)
                return try await recount(on: writer, app: app, at: now, slices: slices, progress: progress)
            }
            await app.fairdesk.writeGate?.release()
            return rebuilt
        } catch {
            await app.fairdesk.writeGate?.release()
            throw error
        }
    }

    private static func recount(
        on writer: any Database, app: Application, at now: Date, slices count: Int,
        progress: (@Sendable (_ step: String, _ done: Int, _ total: Int) -> Void)?
    ) async throws -> DriverStandingCounters.Rebuilt {
        struct File: Decodable { var name: String, file: String }
        let files = try await writer.sql.raw("PRAGMA database_list").all(decoding: File.self)
        guard let path = files.first(where: { $0.name == "main" })?.file, !path.isEmpty else {
            return try await DatabaseSetup.immediateTransaction(on: writer) { db in
                try await DriverStandingCounters.rebuild(at: now, on: db, progress: progress)
            }
        }
        let scratch = (0..<count).map { "\(path).recount-\($0)" }
        for file in scratch { try? FileManager.default.removeItem(atPath: file) }
        var connections: [SQLiteConnection] = []
        var attached = 0
        do {
            for (index, file) in scratch.enumerated() {
                let connection = try await SQLiteConnection.open(
                    storage: .file(path: path), threadPool: app.threadPool, logger: app.logger,
                    on: app.eventLoopGroup.any())
                connections.append(connection)
                try await prepare(connection.sql(), scratch: file)
                // Attached before the transaction begins (SQLite attaches outside of one).
                try await writer.sql.raw("ATTACH DATABASE \(bind: file) AS \(unsafeRaw: "part_\(index)")").run()
                attached += 1
            }
            let slices = connections.map { $0.sql() }
            // A plain BEGIN whose first statement writes to the main database (the rebuild deletes
            // the old counters first): that takes the main database's write lock at once, and no
            // lock on the slices' files, which their own connections are about to write.
            // (`BEGIN IMMEDIATE` would lock every attached file too.)
            try await writer.sql.raw("BEGIN").run()
            let rebuilt: DriverStandingCounters.Rebuilt
            do {
                rebuilt = try await DriverStandingCounters.rebuild(
                    at: now, on: writer, slices: slices, progress: progress)
                try await writer.sql.raw("COMMIT").run()
            } catch {
                try? await writer.sql.raw("ROLLBACK").run()
                throw error
            }
            try await cleanUp(writer: writer, attached: attached, connections: connections, scratch: scratch)
            return rebuilt
        } catch {
            try? await cleanUp(writer: writer, attached: attached, connections: connections, scratch: scratch)
            throw error
        }
    }

    /// A slice's connection: tuned as the others, with its scratch file attached as `part`, holding
    /// an empty table shaped as `driver_standing_days`. The scratch file keeps no journal and is
    /// never synced: it lives for one recount.
    private static func prepare(_ slice: any SQLDatabase, scratch: String) async throws {
        try await slice.raw("PRAGMA cache_size = -131072").run()
        try await slice.raw("PRAGMA temp_store = MEMORY").run()
        try await slice.raw("PRAGMA busy_timeout = \(unsafeRaw: String(DatabaseSetup.busyTimeoutMilliseconds))")
            .run()
        try await slice.raw("ATTACH DATABASE \(bind: scratch) AS part").run()
        try await slice.raw("PRAGMA part.journal_mode = OFF").run()
        try await slice.raw("PRAGMA part.synchronous = OFF").run()
        var table: SQLQueryString =
            "CREATE TABLE part.\(unsafeRaw: DriverStandingCounters.table) (driver_id TEXT NOT NULL"
        table += ", day INTEGER NOT NULL"
        for column in DriverStandingCounters.countColumns { table += ", \(unsafeRaw: column) INTEGER NOT NULL" }
        table += ", geofence_m REAL NOT NULL, tolerance_s REAL NOT NULL, PRIMARY KEY (driver_id, day)) WITHOUT ROWID"
        try await slice.raw(table).run()
    }

    private static func cleanUp(
        writer: any Database, attached: Int, connections: [SQLiteConnection], scratch: [String]
    ) async throws {
        for index in 0..<attached {
            try await writer.sql.raw("DETACH DATABASE \(unsafeRaw: "part_\(index)")").run()
        }
        for connection in connections { try await connection.close() }
        for file in scratch { try? FileManager.default.removeItem(atPath: file) }
    }
}
