import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// Writes demo data at any scale: customers with identities, cases spread over two years, and the
/// conversations inside them. Rows go in with multi-row INSERTs, one transaction per batch. What the
/// batches wrote is added up in memory for the report rollups and written once, after the last
/// batch: cases spread over two years touch every day's rows in every batch.
struct BulkSeeder {
    struct Plan: Sendable {
        var customers: Int
        var cases: Int
        var seed: UInt64
        var anchor: Date
        var batchSize: Int = 2_000
    }

    struct Summary: Sendable {
        var customers = 0
        var identities = 0
        var cases = 0
        var entries = 0
        var seconds: Double = 0
        var rows: Int { customers + identities + cases * 2 + entries }
    }

    enum SeedError: Error, Equatable, CustomStringConvertible {
        case alreadyLoaded(UInt64)
        var description: String {
            switch self {
            case .alreadyLoaded(let seed): "data for --seed \(seed) is already in this database; choose another --seed"
            }
        }
    }

    /// From this many cases on, secondary indexes are built after the load.
    static let deferIndexesFrom = 50_000
    static let bulkTables = ["identities", "cases", "case_owners", "timeline_entries"]

    let app: Application
    /// Reports (what, done, total) after each batch.
    var progress: @Sendable (String, Int, Int) -> Void = { _, _, _ in }

    func run(_ plan: Plan) async throws -> Summary {
        let started = ProcessInfo.processInfo.systemUptime
        let db = app.db
        let now = app.fairdesk.clock.now
        var queues = try await Queue.query(on: db).sort(\.$createdAt).all()
        if queues.isEmpty {
            queues = try await app.write { db in
                var made: [Queue] = []
                for (name, about) in DemoSeeder.queues {
                    let queue = Queue(name: name, description: about, createdAt: now)
                    try await queue.create(on: db)
                    made.append(queue)
                }
                return made
            }
        }
        let queueIDs = queues.compactMap(\.id)
        var agentsByQueue: [UUID: [UUID]] = [:]
        for member in try await QueueMember.query(on: db).all() {
            agentsByQueue[member.$queue.id, default: []].append(member.$user.id)
        }
        var names: [UUID: String] = [:]
        for user in try await User.query(on: db).filter(\.$role ~~ [.agent, .lead, .admin]).all() {
            names[user.id!] = "\(user.name) (\(user.role.rawValue))"
        }
        let agents = agentsByQueue
        let agentNames = names
        let zone = app.fairdesk.config.timeZone
        let data = DemoData(
            seed: plan.seed, anchor: plan.anchor, customerCount: plan.customers, queueCount: queueIDs.count)
        if try await Customer.find(data.customerID(0), on: db) != nil { throw SeedError.alreadyLoaded(plan.seed) }

        // A large load into nearly empty tables builds its lookup indexes once, at the end, from
        // sorted data, instead of updating them row by row at random places.
        let deferred =
            plan.cases >= Self.deferIndexesFrom ? try await SecondaryIndexes.drop(on: db, tables: Self.bulkTables) : []
        var summary = Summary()
        var start = 0
        while start < plan.customers {
            let end = min(plan.customers, start + plan.batchSize)
            let range = start..<end
            let counts = try await app.write { db in try await Self.insertCustomers(range, data: data, on: db) }
            summary.customers += range.count
            summary.identities += counts
            progress("customers", end, plan.customers)
            start = end
        }
        start = 0
        var tally = RollupTally()
        while start < plan.cases {
            let end = min(plan.cases, start + plan.batchSize)
            let range = start..<end
            let (entries, rollups) = try await app.write { db in
                try await Self.insertCases(
                    range, data: data, queueIDs: queueIDs, agents: agents, names: agentNames, timeZone: zone, on: db)
            }
            tally.add(rollups)
            summary.cases += range.count
            summary.entries += entries
            progress("cases", end, plan.cases)
            start = end
        }
        let counted = tally.increments
        try await app.write { db in try await ReportRollups(db: db, timeZone: zone).add(counted) }
        progress("rollups", 1, 1)
        for (index, statement) in deferred.enumerated() {
            try await app.write { db in try await db.sql.raw(SQLQueryString(statement.definition)).run() }
            progress("indexes", index + 1, deferred.count)
        }
        summary.seconds = ProcessInfo.processInfo.systemUptime - started
        return summary
    }

    /// Inserts `rows` with as few statements as the database's bind limit allows.
    static func insert(_ table: String, columns: [String], rows: [[any SQLExpression]], on db: any Database)
        async throws
    {
        guard !rows.isEmpty else { return }
        let perStatement = max(1, 30_000 / columns.count)
        var index = 0
        while index < rows.count {
            let chunk = rows[index..<min(rows.count, index + perStatement)]
            var builder = db.sql.insert(into: table).columns(columns)
            for row in chunk { builder = builder.values(row) }
            try await builder.run()
            index += perStatement
        }
    }

    static func insertCustomers(_ range: Range<Int>, data: DemoData, on db: any Database) async throws -> Int {
        var customers: [[any SQLExpression]] = []
        var identities: [[any SQLExpression]] = []
        for index in range {
            let person = data.customer(index)
            let id = data.customerID(index)
            customers.append([
                SQLBind(id), SQLBind(person.name), SQLBind(person.nameKey), SQLBind(person.tier),
                SQLLiteral.null, SQLBind(person.createdAt), SQLBind(person.createdAt),
            ])
            var kinds: [(IdentityKind, String)] = [(.email, person.email)]
            if let phone = person.phone { kinds.append((.phone, phone)) }
            if let social = person.social { kinds.append((.social, social)) }
            for (part, (kind, value)) in kinds.enumerated() {
                identities.append([
                    SQLBind(data.childID(kind: 1, index: index, part: part)), SQLBind(id), SQLBind(kind.rawValue),
                    SQLBind(value), SQLBind(person.createdAt),
                ])
            }
        }
        try await insert(
            "customers",
            columns: ["id", "display_name", "name_key", "tier", "merged_into_id", "created_at", "updated_at"],
            rows: customers, on: db)
        try await insert(
            "identities", columns: ["id", "customer_id", "kind", "value", "created_at"], rows: identities, on: db)
        return identities.count
    }

    static func insertCases(
        _ range: Range<Int>, data: DemoData, queueIDs: [UUID], agents: [UUID: [UUID]], names: [UUID: String],
        timeZone: TimeZone, on db: any Database
    ) async throws -> (entries: Int, rollups: [RollupIncrement]) {
        struct Row: Decodable { var value: Int64 }
        // Reserve a block of case numbers in one step.
        guard
            let last = try await db.sql.raw(
                "UPDATE counters SET value = value + \(literal: range.count) WHERE name = 'case_number' RETURNING value"
            ).first(decoding: Row.self)
        else { throw AuditLogError.missingCounter }
        var number = last.value - Int64(range.count)

        var cases: [[any SQLExpression]] = []
        var owners: [[any SQLExpression]] = []
        var entries: [[any SQLExpression]] = []
        var surveys: [[any SQLExpression]] = []
        var shares: [[any SQLExpression]] = []
        var rollups: [RollupIncrement] = []
        for index in range {
            number += 1
            let item = data.supportCase(index)
            let caseID = data.caseID(index)
            let customerID = data.customerID(item.customerIndex)
            let queueID = queueIDs[item.queueIndex % queueIDs.count]
            var rng = SeededRandom(seed: data.seed, stream: 14, index: index)
            let members = agents[queueID] ?? []
            let owner: UUID? = item.status == .new || members.isEmpty ? nil : rng.pick(members)
            let ownerName = owner.flatMap { names[$0] } ?? "Support team"
            let customer = data.customer(item.customerIndex)
            let customerName = customer.name
            let resolved = [.resolved, .closed].contains(item.status)
            let firstReply = item.entries.first { $0.byAgent && $0.kind == .message && $0.direction == .outbound }?.at
            // Some cases were passed on, and a few went to a lead, so the reports have something to show.
            var history = SeededRandom(seed: data.seed, stream: 16, index: index)
            let bounces = owner == nil ? 0 : (history.chance(0.2) ? (history.chance(0.25) ? 2 : 1) : 0)
            let escalated: Date? =
                owner != nil && history.chance(0.04)
                ? item.createdAt.addingTimeInterval(Double(1_800 + history.next() % 7_200)) : nil
            func count(_ event: RollupEvent) {
                rollups += event.increments(tier: customer.tier, channel: item.channel.rawValue, in: timeZone)
            }
            count(.caseOpened(at: item.createdAt))
            if let firstReply { count(.firstResponse(at: firstReply, since: item.createdAt)) }
            if resolved { count(.resolved(at: item.lastActivityAt, openedAt: item.createdAt, bounces: bounces)) }
            if let escalated { count(.escalatedToLead(at: escalated)) }
            cases.append([
                SQLBind(caseID), SQLBind(number), SQLBind(customerID), SQLBind(item.subject),
                SQLBind(item.status.rawValue),
                SQLBind(item.channel.rawValue), SQLBind(queueID), owner.map { SQLBind($0) } ?? SQLLiteral.null,
                SQLBind(owner == nil ? 0 : 1), SQLBind(bounces), SQLBind(item.createdAt), SQLBind(item.lastActivityAt),
                SQLBind(item.lastActivityAt), resolved ? SQLBind(item.lastActivityAt) : SQLLiteral.null,
                item.status == .closed ? SQLBind(item.lastActivityAt) : SQLLiteral.null, SQLBind(customer.tier),
                firstReply.map { SQLBind($0) } ?? SQLLiteral.null, escalated.map { SQLBind($0) } ?? SQLLiteral.null,
            ])
            owners.append([
                SQLBind(data.childID(kind: 2, index: index, part: 0)), SQLBind(caseID),
                owner.map { SQLBind($0) } ?? SQLLiteral.null, SQLBind(queueID),
                SQLBind(item.createdAt), SQLLiteral.null,
            ])
            // About a third of the resolved cases with an owner were surveyed and answered; each agent
            // satisfies customers at their own steady rate, so the team view has real differences.
            var survey = SeededRandom(seed: data.seed, stream: 15, index: index)
            if let owner, resolved, survey.chance(0.35) {
                let surveyID = data.childID(kind: 4, index: index, part: 0)
                let skill = Double(owner.uuidString.utf8.reduce(0) { $0 &+ Int($1) } % 20) / 100
                let solved = survey.chance(0.7 + skill)
                let reason = solved ? nil : survey.pick(SurveyReason.allCases)
                let attribution = reason.map { SurveyReason.suggestedAttribution[$0.rawValue] ?? "process" }
                let answered = item.lastActivityAt.addingTimeInterval(3_600 + Double(survey.next() % 86_400))
                count(.surveyAnswered(at: answered, solved: solved, reason: reason?.rawValue))
                surveys.append([
                    SQLBind(surveyID), SQLBind(caseID), SQLBind(customerID), SQLBind(item.channel.rawValue),
                    SQLBind("answered"), SQLBind(item.lastActivityAt), SQLBind(item.lastActivityAt),
                    SQLBind(item.lastActivityAt), SQLBind(answered.addingTimeInterval(14 * 86_400)), SQLBind(solved),
                    reason.map { SQLBind($0.rawValue) } ?? SQLLiteral.null,
                    attribution.map { SQLBind($0) } ?? SQLLiteral.null, SQLBind("built-in default"), SQLBind(answered),
                ])
                if attribution == "agent" {
                    shares.append([
                        SQLBind(data.childID(kind: 5, index: index, part: 0)), SQLBind(surveyID), SQLBind(owner),
                        SQLBind(1.0), SQLBind(1), SQLBind(0), SQLBind(false),
                    ])
                }
            }
            for (part, entry) in item.entries.enumerated() {
                let author: any SQLExpression =
                    entry.byAgent ? (owner.map { SQLBind($0) } ?? SQLLiteral.null) : SQLLiteral.null
                entries.append([
                    SQLBind(data.childID(kind: 3, index: index, part: part)), SQLBind(caseID), SQLBind(customerID),
                    SQLBind(entry.kind.rawValue),
                    SQLBind(entry.direction.rawValue), SQLBind(entry.channel.rawValue), author,
                    SQLBind(entry.byAgent ? ownerName : customerName), SQLBind(entry.body),
                    entry.call.map { SQLBind($0.talk) } ?? SQLLiteral.null,
                    entry.call.map { SQLBind($0.hold) } ?? SQLLiteral.null,
                    entry.call.map { SQLBind($0.afterCallWork) } ?? SQLLiteral.null, SQLBind(entry.at),
                ])
            }
        }
        try await insert(
            "cases",
            columns: [
                "id", "number", "customer_id", "subject", "status", "channel", "queue_id", "owner_id", "owner_count",
                "bounce_count", "created_at", "updated_at", "last_activity_at", "resolved_at", "closed_at", "tier",
                "first_response_at", "escalated_at",
            ], rows: cases, on: db)
        try await insert(
            "case_owners", columns: ["id", "case_id", "user_id", "queue_id", "started_at", "started_by_id"],
            rows: owners,
            on: db)
        try await insert(
            "timeline_entries",
            columns: [
                "id", "case_id", "customer_id", "kind", "direction", "channel", "author_id", "author_label", "body",
                "talk_seconds", "hold_seconds", "after_call_work_seconds", "occurred_at",
            ], rows: entries, on: db)
        try await insert(
            "surveys",
            columns: [
                "id", "case_id", "customer_id", "channel", "state", "created_at", "send_at", "sent_at", "expires_at",
                "solved", "reason", "attribution", "policy", "answered_at",
            ], rows: surveys, on: db)
        try await insert(
            "survey_shares",
            columns: ["id", "survey_id", "agent_id", "share", "entries", "owned_seconds", "voided"], rows: shares,
            on: db)
        return (entries.count, rollups)
    }
}
