import Fluent
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

/// Two processes on one SQLite file (`serve` and a `fairdesk worker`, say) each have their own
/// write turns; the file's lock is what keeps them apart. These tests run two Fairdesks on one file,
/// whatever database the rest of the suite uses, since only SQLite has this problem.
@Suite struct WriteLockTests {
    /// A transaction that reads, then writes after another process committed, used to fail with
    /// `SQLITE_BUSY_SNAPSHOT` ("database is locked"): it then answered a customer's message with an
    /// error. It now holds the lock from its start, and the other process waits for it.
    @Test func aWriteFromAnotherProcessWaitsInsteadOfFailing() async throws {
        let folder = NSTemporaryDirectory() + "fairdesk-lock-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/fairdesk.sqlite"
        let server = try await Self.open(path, folder: folder + "/server", migrate: true)
        let worker = try await Self.open(path, folder: folder + "/worker", migrate: false)

        let start = try await Self.caseNumber(server.db)
        let other = try await server.write { db -> Task<Void, any Error> in
            let before = try await Self.caseNumber(db)
            // The other process writes while this transaction is between its read and its write.
            let other = Task { try await worker.write { try await Self.bump($0) } }
            try await Task.sleep(for: .milliseconds(300))
            try await Self.bump(db)
            #expect(try await Self.caseNumber(db) == before + 1)
            return other
        }
        try await other.value
        #expect(try await Self.caseNumber(server.db) == start + 2)

        try await worker.asyncShutdown()
        try await server.asyncShutdown()
    }

    private static func open(_ path: String, folder: String, migrate: Bool) async throws -> Application {
        let config = FairdeskConfig(
            storage: .sqlite(path: path), dataDirectory: folder, bcryptCost: 4, prepareEmbeddedDatabase: false)
        let app = try await Application.make(.testing)
        try await configure(app, config: config)
        if migrate {
            try await app.autoMigrate()
            try await DatabaseSetup.tuneSQLite(app.db)
        }
        return app
    }

    private static func bump(_ db: any Database) async throws {
        try await db.sql.raw("UPDATE counters SET value = value + 1 WHERE name = 'case_number'").run()
    }

    private static func caseNumber(_ db: any Database) async throws -> Int {
        struct Row: Decodable { var value: Int }
        return try await db.sql.raw("SELECT value FROM counters WHERE name = 'case_number'")
            .first(decoding: Row.self)?.value ?? -1
    }
}
