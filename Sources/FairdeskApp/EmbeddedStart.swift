import FairdeskCore
import Fluent
import Foundation
import Vapor

/// What `fairdesk serve` does before it listens.
public enum EmbeddedStart {
    /// Makes sure the schema is current before a command uses the database. On the embedded SQLite
    /// database it migrates, so one command gives a working Fairdesk; on PostgreSQL it refuses with
    /// pending migrations, because production schema changes are run on purpose with `fairdesk migrate`.
    public static func requireCurrentSchema(_ app: Application) async throws {
        let config = app.fairdesk.config
        if config.storage.isSQLite && config.prepareEmbeddedDatabase {
            try FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
            try await app.autoMigrate()
            return
        }
        guard try await DatabaseSetup.hasMigrationTable(app.db) else {
            throw StartProblem("the database has no Fairdesk tables yet: run `fairdesk migrate` first")
        }
        let pending = try await app.migrator.previewPrepareBatch().get()
        if !pending.isEmpty {
            throw StartProblem("the database needs \(pending.count) migration(s): run `fairdesk migrate` first")
        }
    }

    /// What `fairdesk serve` does before it listens: a current schema and, on the embedded database's
    /// first start, the demo company, with the logins printed.
    public static func prepare(_ app: Application) async throws {
        try await requireCurrentSchema(app)
        let config = app.fairdesk.config
        guard config.storage.isSQLite, config.prepareEmbeddedDatabase else { return }
        let url = "http://\(config.hostname):\(config.port)"
        let path = DemoSeeder.credentialsPath(config)
        if try await DemoSeeder.isEmpty(app.db) {
            let password = config.demoPassword ?? DemoSeeder.newPassword()
            app.logger.notice("First start: seeding the demo company…")
            let summary = try await DemoSeeder.seed(app: app, password: password)
            app.logger.notice("Seeded \(summary.customers) customers and \(summary.cases) cases.")
            let text = DemoSeeder.loginsText(url: url, password: password)
            let saved = FileManager.default.createFile(
                atPath: path, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: 0o600])
            if !saved {
                // The logins are printed below either way; without the file they are shown only once.
                print(text)
                app.logger.warning("Could not write \(path); note the demo password above, it is not shown again.")
            }
        }
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            print("\n" + text + "(also in \(path))\n")
        } else {
            print("\nFairdesk is running at \(url)\n")
        }
    }

    struct StartProblem: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
