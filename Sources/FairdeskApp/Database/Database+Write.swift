import Fluent
import SQLKit
import Vapor

extension Application {
    /// Runs `work` in one transaction: every row it writes is committed together, or none is.
    ///
    /// On SQLite, write transactions of this process take turns (see ``WriteGate``), on a connection
    /// tuned by ``DatabaseSetup/tuneSQLiteConnection(_:)``, and each takes the file's write lock
    /// before it reads anything (see ``DatabaseSetup/immediateTransaction(on:_:)``), so a write by
    /// another process (`fairdesk worker`, a command) makes it wait, never fail.
    func write<T: Sendable>(_ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await write(on: db, work)
    }

    func write<T: Sendable>(on database: any Database, _ work: @escaping @Sendable (any Database) async throws -> T)
        async throws -> T
    {
        guard let gate = fairdesk.writeGate else {
            return try await database.transaction { try await work($0) }
        }
        await gate.acquire()
        do {
            let result = try await database.withConnection { connection in
                try await DatabaseSetup.tuneSQLiteConnection(connection)
                return try await DatabaseSetup.immediateTransaction(on: connection, work)
            }
            await gate.release()
            return result
        } catch {
            await gate.release()
            throw error
        }
    }
}

extension Request {
    /// See ``Application/write(_:)``.
    func write<T: Sendable>(_ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await application.write(on: db, work)
    }
}

extension Database {
    /// Inserts one row with a single prepared statement. Used on the hot paths (timeline entries,
    /// cases, customers), where Fluent's per-model reflection cost more than the write itself.
    ///
    /// `deferrable`: nothing reads, updates or deletes the row in the rest of the caller's work, so
    /// a batch collecting rows (see ``DeferredWrites``) may write it later with others.
    /// `onConflict`: when a row with the same `key` exists, set its `update` columns instead.
    func insertRow(
        _ table: String, _ values: [(String, (any Encodable & Sendable)?)], deferrable: Bool = false,
        onConflict: (key: String, update: [String])? = nil
    ) async throws {
        if deferrable, onConflict == nil, let deferred = DeferredWrites.current {
            deferred.insert(table, columns: values.map(\.0), rows: [values.map(\.1)])
            return
        }
        var statement: SQLQueryString = "INSERT INTO \(ident: table) ("
        statement += SQLQueryString(values.map { "\"\($0.0)\"" }.joined(separator: ", "))
        statement += ") VALUES ("
        for (index, (_, value)) in values.enumerated() {
            if index > 0 { statement += ", " }
            if let value { statement += "\(bind: value)" } else { statement += "NULL" }
        }
        statement += ")"
        if let onConflict {
            statement += " ON CONFLICT (\(ident: onConflict.key)) DO UPDATE SET "
            statement += SQLQueryString(
                onConflict.update.map { "\"\($0)\" = excluded.\"\($0)\"" }.joined(separator: ", "))
        }
        try await sql.raw(statement).run()
    }

    /// Inserts several rows of the same columns with one statement (`deferrable`: see ``insertRow(_:_:deferrable:)``).
    func insertRows(
        _ table: String, columns: [String], _ rows: [[(any Encodable & Sendable)?]], deferrable: Bool = false
    ) async throws {
        guard !rows.isEmpty else { return }
        if deferrable, let deferred = DeferredWrites.current {
            deferred.insert(table, columns: columns, rows: rows)
            return
        }
        var statement: SQLQueryString = "INSERT INTO \(ident: table) ("
        statement += SQLQueryString(columns.map { "\"\($0)\"" }.joined(separator: ", "))
        statement += ") VALUES "
        for (rowIndex, row) in rows.enumerated() {
            statement += rowIndex == 0 ? "(" : ", ("
            for (index, value) in row.enumerated() {
                if index > 0 { statement += ", " }
                if let value { statement += "\(bind: value)" } else { statement += "NULL" }
            }
            statement += ")"
        }
        try await sql.raw(statement).run()
    }

    /// The SQL interface of this database; both drivers provide one.
    var sql: any SQLDatabase { self as! any SQLDatabase }

    /// Whether this is PostgreSQL (some statements differ by dialect).
    var isPostgres: Bool { sql.dialect.name == "postgresql" }
}
