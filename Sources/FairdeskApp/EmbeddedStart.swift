import FairdeskCore
import Fluent
import Foundation
import Vapor

/// What `fairdesk serve` does before it listens.
public enum EmbeddedStart {
    /// On the embedded SQLite database, brings the schema up to date and, on first start, seeds the
    /// demo company, so that one command gives a working Fairdesk. On PostgreSQL, refuses to start
    /// with pending migrations: production schema changes are run on purpose, with `fairdesk migrate`.
    public static func prepare(_ app: Application) async throws {
        let config = app.fairdesk.config
        guard config.storage.isSQLite else {
            let pending = try await app.migrator.previewPrepareBatch().get()
            if !pending.isEmpty {
                throw StartProblem(
                    "the database needs \(pending.count) migration(s): run `fairdesk migrate` first")
            }
            return
        }
        guard config.prepareEmbeddedDatabase else { return }
        try FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
        try await DatabaseSetup.tuneSQLite(app.db)
        try await app.autoMigrate()
        let url = "http://\(config.hostname):\(config.port)"
        let path = DemoSeeder.credentialsPath(config)
        if try await DemoSeeder.isEmpty(app.db) {
            let password = config.demoPassword ?? Secrets.token(prefix: "").prefix(16).description
            app.logger.notice("First start: seeding the demo company…")
            let printer = ProgressPrinter()
            _ = printer
            let summary = try await DemoSeeder.seed(app: app, password: password)
            app.logger.notice("Seeded \(summary.customers) customers and \(summary.cases) cases.")
            let text = DemoSeeder.loginsText(url: url, password: password)
            FileManager.default.createFile(
                atPath: path, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: 0o600])
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
