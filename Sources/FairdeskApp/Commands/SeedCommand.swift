import FairdeskCore
import Foundation
import Vapor

/// `fairdesk seed --customers N --cases N --seed S`: deterministic demo data at any scale.
struct SeedCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "customers", help: "How many customers to create (default: a third of the cases)")
        var customers: Int?
        @Option(name: "cases", help: "How many cases to create (default 1000)")
        var cases: Int?
        @Option(name: "seed", help: "Seed for the generator; the same seed gives the same data (default 1)")
        var seed: Int?
        @Option(name: "anchor", help: "Newest date in the data, YYYY-MM-DD (default: today)")
        var anchor: String?
        @Option(name: "batch", help: "Cases per transaction (default 2000)")
        var batch: Int?
        @Option(
            name: "agents",
            help: "Extra agents to add first, each in one or two queues, so cases spread as in a real team (default 0)")
        var agents: Int?
    }

    var help: String {
        "Writes realistic demo customers, cases and conversations, spread over two years (and demo logins into an empty database)"
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let cases = signature.cases ?? 1_000
        let customers = signature.customers ?? max(1, cases / 3)
        guard cases >= 0, customers >= 1 else {
            throw SeedProblem("--cases must be 0 or more and --customers at least 1")
        }
        var anchor = app.fairdesk.clock.now
        if let text = signature.anchor {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd"
            guard let date = formatter.date(from: text) else {
                throw SeedProblem("--anchor must be a date like 2026-01-31")
            }
            anchor = date
        }
        let seed = UInt64(signature.seed ?? 1)
        guard (0...5_000).contains(signature.agents ?? 0) else { throw SeedProblem("--agents must be 0 to 5000") }
        let password = app.fairdesk.config.demoPassword ?? DemoSeeder.newPassword()
        if try await DemoSeeder.isEmpty(app.db) {
            // A database without users gets the demo company first, so someone can log in.
            try await DemoSeeder.seedCompany(app: app, password: password)
            context.console.print(DemoSeeder.loginsText(url: "this database", password: password))
        }
        if let agents = signature.agents, agents > 0 {
            let added = try await DemoSeeder.addAgents(agents, app: app, password: password)
            context.console.print("Added \(added) agents (agent-N@team.fairdesk.example, the demo password).")
        }
        // A database seeded before the knowledge base existed gets the demo articles now.
        let now = app.fairdesk.clock.now
        let articles = try await app.write { db in try await KnowledgeBase.seedDemo(on: db, at: now, by: .system) }
        if articles > 0 { context.console.print("Wrote \(articles) demo knowledge-base articles.") }
        context.console.print("Seeding \(customers) customers and \(cases) cases (seed \(seed))…")
        let printer = ProgressPrinter()
        var seeder = BulkSeeder(app: app)
        seeder.progress = { what, done, total in printer.report(what, done: done, total: total) }
        let summary = try await seeder.run(
            .init(customers: customers, cases: cases, seed: seed, anchor: anchor, batchSize: signature.batch ?? 2_000))
        context.console.print(
            String(
                format: "Done in %.1f s: %d customers, %d identities, %d cases, %d timeline entries (%.0f rows/s).",
                summary.seconds, summary.customers, summary.identities, summary.cases, summary.entries,
                Double(summary.rows) / max(summary.seconds, 0.001)))
    }
}

struct SeedProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
