import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// Builds the report rollups again from the stored records: after an upgrade that added them, or to
/// repair them. It replays each record's events (``RollupEvent``) in pages of cases, so its memory
/// stays flat at any size.
///
/// A rebuild sees what is stored now, so it counts a case's latest resolution only, and a clock a
/// reopening replaced is gone; the running rollups counted both when they happened.
struct ReportRollupRebuild {
    let db: any Database
    let timeZone: TimeZone
    /// Reports (what, done, total) as it goes.
    var progress: @Sendable (String, Int, Int) -> Void = { _, _, _ in }

    struct Summary: Sendable {
        var cases = 0
        /// Rollup rows written.
        var rows = 0
        var seconds: Double = 0
    }

    static let pageSize = 20_000

    func run() async throws -> Summary {
        let started = ProcessInfo.processInfo.systemUptime
        try await db.sql.raw("DELETE FROM report_rollups").run()
        var increments: [RollupIncrement] = []
        var summary = Summary()
        func add(_ event: RollupEvent, _ tier: String, _ channel: String) {
            increments += event.increments(tier: tier, channel: channel, in: timeZone)
        }

        struct Count: Decodable { var count: Int }
        let total = try await db.sql.raw("SELECT COUNT(*) AS count FROM cases").first(decoding: Count.self)?.count ?? 0
        struct CaseRow: Decodable {
            var number: Int64
            var tier: String
            var channel: String
            var createdAt: Date
            var resolvedAt: Date?
            var firstResponseAt: Date?
            var escalatedAt: Date?
            var bounceCount: Int
            var handedOverAt: Date?
        }
        var after: Int64 = -1
        while true {
            let page = try await db.sql.raw(
                """
                SELECT c.number, c.tier, c.channel, c.created_at, c.resolved_at, c.first_response_at, c.escalated_at, \
                c.bounce_count, b.handed_over_at FROM cases c LEFT JOIN bot_conversations b ON b.case_id = c.id \
                WHERE c.number > \(bind: after) ORDER BY c.number LIMIT \(literal: Self.pageSize)
                """
            ).all(decoding: CaseRow.self, keyDecodingStrategy: .convertFromSnakeCase)
            guard let last = page.last else { break }
            for row in page {
                add(.caseOpened(at: row.createdAt), row.tier, row.channel)
                if let first = row.firstResponseAt {
                    add(.firstResponse(at: first, since: row.handedOverAt ?? row.createdAt), row.tier, row.channel)
                }
                if let resolved = row.resolvedAt {
                    add(
                        .resolved(at: resolved, openedAt: row.createdAt, bounces: row.bounceCount), row.tier,
                        row.channel)
                }
                if let escalated = row.escalatedAt { add(.escalatedToLead(at: escalated), row.tier, row.channel) }
            }
            after = last.number
            summary.cases += page.count
            try await flush(&increments)
            progress("cases", summary.cases, total)
        }

        struct Answer: Decodable {
            var tier: String
            var channel: String
            var answeredAt: Date
            var solved: Bool
            var reason: String?
        }
        for row in try await db.sql.raw(
            """
            SELECT c.tier, c.channel, s.answered_at, s.solved, s.reason FROM surveys s JOIN cases c ON c.id = s.case_id \
            WHERE s.state = 'answered' AND s.answered_at IS NOT NULL AND s.solved IS NOT NULL
            """
        ).all(decoding: Answer.self, keyDecodingStrategy: .convertFromSnakeCase) {
            add(.surveyAnswered(at: row.answeredAt, solved: row.solved, reason: row.reason), row.tier, row.channel)
        }
        try await flush(&increments)
        progress("surveys", 1, 1)

        struct Conversation: Decodable {
            var tier: String
            var channel: String
            var startedAt: Date
            var handedOverAt: Date?
        }
        for row in try await db.sql.raw(
            """
            SELECT c.tier, c.channel, b.started_at, b.handed_over_at FROM bot_conversations b \
            JOIN cases c ON c.id = b.case_id
            """
        ).all(decoding: Conversation.self, keyDecodingStrategy: .convertFromSnakeCase) {
            add(.botStarted(at: row.startedAt), row.tier, row.channel)
            if let handedOver = row.handedOverAt { add(.botHandedOver(at: handedOver), row.tier, row.channel) }
        }

        struct Clock: Decodable {
            var tier: String
            var channel: String
            var stoppedAt: Date?
            var breachedAt: Date?
        }
        for row in try await db.sql.raw(
            """
            SELECT c.tier, c.channel, k.stopped_at, k.breached_at FROM sla_clocks k JOIN cases c ON c.id = k.case_id \
            WHERE k.stopped_at IS NOT NULL OR k.breached_at IS NOT NULL
            """
        ).all(decoding: Clock.self, keyDecodingStrategy: .convertFromSnakeCase) {
            if let breached = row.breachedAt {
                add(.slaMissed(at: breached), row.tier, row.channel)
            } else if let stopped = row.stoppedAt {
                add(.slaMet(at: stopped), row.tier, row.channel)
            }
        }

        struct Promise: Decodable {
            var tier: String
            var channel: String
            var dueAt: Date
            var keptAt: Date?
            var escalatedAt: Date?
        }
        for row in try await db.sql.raw(
            """
            SELECT c.tier, c.channel, p.due_at, p.kept_at, p.escalated_at FROM promises p JOIN cases c ON c.id = p.case_id \
            WHERE p.kept_at IS NOT NULL OR p.escalated_at IS NOT NULL
            """
        ).all(decoding: Promise.self, keyDecodingStrategy: .convertFromSnakeCase) {
            // Kept late counts as broken, whether or not the sweep got to it first.
            if let kept = row.keptAt, kept <= row.dueAt, row.escalatedAt == nil {
                add(.promiseKept(dueAt: row.dueAt), row.tier, row.channel)
            } else {
                add(.promiseBroken(dueAt: row.dueAt), row.tier, row.channel)
            }
        }
        try await flush(&increments)
        progress("clocks, promises and bot conversations", 1, 1)
        summary.rows =
            try await db.sql.raw("SELECT COUNT(*) AS count FROM report_rollups").first(decoding: Count.self)?.count ?? 0
        summary.seconds = ProcessInfo.processInfo.systemUptime - started
        return summary
    }

    private func flush(_ increments: inout [RollupIncrement]) async throws {
        try await ReportRollups(db: db, timeZone: timeZone).add(increments)
        increments.removeAll(keepingCapacity: true)
    }
}
