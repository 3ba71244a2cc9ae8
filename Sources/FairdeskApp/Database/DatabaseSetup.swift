import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Picks the database from the configuration and registers it, logging the choice.
enum DatabaseSetup {
    static func register(_ storage: FairdeskConfig.Storage, dataDirectory: String, on app: Application) throws {
        switch storage {
        case .sqlite(let path):
            if let path {
                try FileManager.default.createDirectory(
                    atPath: (path as NSString).deletingLastPathComponent.isEmpty
                        ? "." : (path as NSString).deletingLastPathComponent,
                    withIntermediateDirectories: true)
                app.databases.use(.sqlite(.file(path)), as: .sqlite)
                app.logger.info("Database: SQLite file \(path)")
            } else {
                app.databases.use(.sqlite(.memory), as: .sqlite)
                app.logger.debug("Database: SQLite in memory")
            }
        case .postgres(let url, let schema):
            var configuration = try SQLPostgresConfiguration(url: url)
            if let schema { configuration.searchPath = [schema] }
            app.databases.use(.postgres(configuration: configuration, maxConnectionsPerEventLoop: 4), as: .psql)
            app.logger.info("Database: PostgreSQL at \(Self.redacted(url))\(schema.map { " (schema \($0))" } ?? "")")
        }
    }

    /// The URL without its password, for logs.
    static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url) else { return "(unparsable URL)" }
        if parts.password != nil { parts.password = "***" }
        return parts.string ?? "(unparsable URL)"
    }

    /// Whether Fluent's list of applied migrations exists yet (it does not in a brand-new database).
    static func hasMigrationTable(_ db: any Database) async throws -> Bool {
        struct Row: Decodable { var found: Int }
        let query: SQLQueryString =
            db.isPostgres
            ? "SELECT COUNT(*)::int AS found FROM information_schema.tables WHERE table_name = '_fluent_migrations' AND table_schema = ANY (current_schemas(false))"
            : "SELECT COUNT(*) AS found FROM sqlite_master WHERE type = 'table' AND name = '_fluent_migrations'"
        return try await db.sql.raw(query).first(decoding: Row.self)?.found == 1
    }

    /// How long a write waits for another process's write lock before it fails.
    static let busyTimeoutMilliseconds = 30_000

    /// Per-connection settings, applied at start and before a write transaction on a connection
    /// not tuned yet (SQLiteKit offers no hook when a connection opens):
    /// - `synchronous = NORMAL`: in WAL mode a commit survives a process crash and skips an fsync.
    /// - `cache_size = -131072` (128 MiB instead of 2 MiB): inserts land at random places in the
    ///   UUID indexes; with the default cache, pages are written out and read back over and over.
    /// - `temp_store = MEMORY`: sorts and temporary indexes stay off the disk.
    /// - `busy_timeout`: while another process holds the write lock, wait for it, sleeping between
    ///   tries (SQLiteNIO's own handler retries without pause, for ever), and give up with "database
    ///   is locked" after ``busyTimeoutMilliseconds``.
    ///
    /// A connection is tuned once: the settings last as long as it does. The connections already
    /// tuned are known by identity, so a write transaction costs no extra statements. (Should a
    /// closed connection's memory be reused by a new one, the new one would only run untuned, with
    /// SQLite's safer defaults.)
    static func tuneSQLiteConnection(_ connection: any Database) async throws {
        guard let sqlite = connection as? any SQLiteDatabase else { return }
        let id = try await sqlite.withConnection { ObjectIdentifier($0) }
        guard !tunedConnections.withLockedValue({ $0.contains(id) }) else { return }
        let sql = connection as! any SQLDatabase
        try await sql.raw("PRAGMA synchronous = NORMAL").run()
        try await sql.raw("PRAGMA cache_size = -131072").run()
        try await sql.raw("PRAGMA temp_store = MEMORY").run()
        try await sql.raw("PRAGMA busy_timeout = \(unsafeRaw: String(busyTimeoutMilliseconds))").run()
        tunedConnections.withLockedValue { _ = $0.insert(id) }
    }

    /// Runs `work` in a transaction that takes SQLite's write lock at its start (`BEGIN IMMEDIATE`).
    ///
    /// SQLite's plain `BEGIN` (what Fluent's `transaction` sends) takes no lock: a transaction that
    /// reads first and writes later holds a view of the file from its first read. Should another
    /// process (a `fairdesk worker` beside `serve`, a command) commit in between, the first write
    /// fails at once with `SQLITE_BUSY_SNAPSHOT`, since the transaction read data that is no longer
    /// current. `BEGIN IMMEDIATE` takes the lock and a current view together, waiting (up to the
    /// busy timeout) while another process writes. `connection` must be one leased connection; the
    /// work must not open a transaction of its own (none in Fairdesk does).
    static func immediateTransaction<T: Sendable>(
        on connection: any Database, _ work: @Sendable (any Database) async throws -> T
    ) async throws -> T {
        try await connection.sql.raw("BEGIN IMMEDIATE").run()
        do {
            let result = try await work(connection)
            try await connection.sql.raw("COMMIT").run()
            return result
        } catch {
            try? await connection.sql.raw("ROLLBACK").run()
            throw error
        }
    }

    private static let tunedConnections = NIOLockedValueBox(Set<ObjectIdentifier>())

    /// Tunes the connection each event loop's pool holds (SQLite keeps one per loop), so reads get the
    /// larger page cache from the start, not only after the connection's first write: a reader with
    /// the default 2 MiB cache reads a scorecard's pages from the file again on every request.
    static func tuneSQLiteConnections(_ app: Application) async throws {
        for loop in app.eventLoopGroup.makeIterator() {
            guard let db = app.databases.database(logger: app.logger, on: loop) else { continue }
            try await db.withConnection { try await tuneSQLiteConnection($0) }
        }
    }

    /// One-off tuning of an SQLite file: write-ahead logging lets readers go on while one writer writes.
    static func tuneSQLite(_ db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("PRAGMA journal_mode = WAL").run()
    }
}
