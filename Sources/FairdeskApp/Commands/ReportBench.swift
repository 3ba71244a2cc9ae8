import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// `fairdesk bench reports`: times the leaders' reports and the scorecards on the data already in
/// the database (seed it first; see `scripts/bench-reports.sh`). Each figure is built whole, as a
/// page or the API would (rows read, figures worked out, the JSON DTO and the CSV text made), many
/// times over, and printed as `RESULT name value unit` lines with p50, p99 and the slowest.
struct ReportBench: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "rounds", help: "Times to build each figure (default 50)")
        var rounds: Int?
        @Option(name: "agent", help: "Whose scorecard to time (default agent@fairdesk.example)")
        var agent: String?
    }

    var help: String { "Times the leaders' reports and the scorecards on the data in the database" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let rounds = max(5, signature.rounds ?? 50)
        let config = app.fairdesk.config
        let now = app.fairdesk.clock.now
        let today = LocalDate(now, in: config.timeZone)
        struct Count: Decodable { var n: Int }
        func count(_ sql: SQLQueryString) async throws -> Int {
            try await app.db.sql.raw(sql).first(decoding: Count.self)?.n ?? 0
        }
        let cases = try await count("SELECT COUNT(*) AS n FROM cases")
        let answers = try await count("SELECT COUNT(*) AS n FROM surveys WHERE state = 'answered'")
        let rows = try await count("SELECT COUNT(*) AS n FROM report_rollups")
        print("Data: \(cases) cases, \(answers) survey answers, \(rows) rollup rows.")

        func time(_ name: String, _ work: () async throws -> Void) async throws {
            try await work()  // once to warm caches, not counted
            var times: [Double] = []
            let clock = ContinuousClock()
            for _ in 0..<rounds {
                let began = clock.now
                try await work()
                times.append(BenchCommands.seconds(began.duration(to: clock.now)) * 1000)
            }
            times.sort()
            func percentile(_ p: Double) -> Double { times[min(times.count - 1, Int(Double(times.count) * p))] }
            BenchCommands.result("\(name)_p50", percentile(0.5), "ms")
            BenchCommands.result("\(name)_p99", percentile(0.99), "ms")
            BenchCommands.result("\(name)_max", times.last ?? 0, "ms")
        }

        // The longest report of each unit the page allows by default.
        let spans: [(String, ReportUnit, LocalDate)] = [
            ("report_month_24", .month, today.startOfMonth.addingMonths(-23)),
            ("report_quarter_8", .quarter, ReportUnit.quarter.defaultStart(endingOn: today)),
            ("report_year_5", .year, ReportUnit.year.defaultStart(endingOn: today)),
            ("report_day_30", .day, today.adding(days: -29)),
        ]
        for (name, unit, from) in spans {
            var periods = 0
            var csvBytes = 0
            try await time(name) {
                let report = try await ServiceReports.build(
                    ServiceReports.Request(unit: unit, from: from, to: today), config: config, on: app.db)
                let dto = ServiceReportDTO(report, timeZone: config.timeZone)
                periods = dto.periods.count
                csvBytes = ServiceReportCSV.text(dto).utf8.count
            }
            print("\(name): \(periods) periods, \(csvBytes) bytes of CSV")
        }

        let email = signature.agent ?? "agent@fairdesk.example"
        guard let agent = try await User.query(on: app.db).filter(\.$email == email).first() else {
            throw SeedProblem("no user \(email); seed the demo first")
        }
        let from = now.addingTimeInterval(-30 * 86_400)
        let cards = Scorecards(db: app.db, now: now)
        // The scorecard as the API gives it, JSON included; the same agent over and over, then every
        // agent in turn (each one's rows read afresh).
        let encoder = JSONEncoder()
        var contacts = 0
        var bytes = 0
        try await time("scorecard_30d") {
            let card = try await cards.scorecard(of: agent, from: from, to: now)
            contacts = card.contactsTotal
            bytes = try encoder.encode(card).count
        }
        print("scorecard_30d: \(contacts) contacts for \(agent.name), \(bytes) bytes of JSON")
        let everyone = try await User.query(on: app.db).filter(\.$role == .agent).sort(\.$email).all()
        // One pass over everyone first, as the single warm-up of the other figures: what is timed is
        // a running Fairdesk whose database is in memory, not the first read of each agent from disk.
        for agent in everyone { _ = try await cards.scorecard(of: agent, from: from, to: now) }
        var turn = 0
        try await time("scorecard_30d_each_agent") {
            let card = try await cards.scorecard(of: everyone[turn % everyone.count], from: from, to: now)
            bytes = try encoder.encode(card).count
            turn += 1
        }
        print("scorecard_30d_each_agent: \(everyone.count) agents in turn")
        // Opening a figure: the longest lists, the contacts and the answers behind satisfaction.
        for figure in [ScorecardFigure.contacts, .satisfaction, .firstContactResolution] {
            var items = 0
            try await time("scorecard_list_\(figure.rawValue)") {
                let list = try await cards.items(of: agent, figure: figure, channel: nil, from: from, to: now)
                items = list.count
                bytes = try encoder.encode(list).count
            }
            print("scorecard_list_\(figure.rawValue): \(items) contacts")
        }
        var agents = 0
        try await time("team_scorecard_30d") { agents = try await cards.team(from: from, to: now).agents.count }
        print("team_scorecard_30d: \(agents) agents")
    }
}
