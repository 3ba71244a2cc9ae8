import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// The leaders' report rollups (see ``ReportRollups``), and two facts about a case they need: when a
/// person first replied, and when the case first went to a lead. Existing data is counted in once.
/// Also the indexes that let an agent's scorecard read only that agent's period.
struct CreateReportRollups: AsyncMigration {
    var name: String { "015_CreateReportRollups" }
    /// The company's time zone, which days are counted in.
    let timeZone: TimeZone

    func prepare(on database: any Database) async throws {
        try await database.schema("report_rollups")
            // "day" (period "2026-11-23") or "month" (period "2026-11").
            .field("grain", .string, .required)
            .field("period", .string, .required)
            .field("tier", .string, .required)
            .field("channel", .string, .required)
            .field("measure", .string, .required)
            // A duration bucket or a complaint reason; empty for plain counts.
            .field("bucket", .string, .required)
            .field("value", .int64, .required)
            .unique(on: "grain", "period", "tier", "channel", "measure", "bucket")
            .create()
        // One column per statement: SQLite adds columns one at a time.
        try await database.schema("cases").field("first_response_at", .datetime).update()
        try await database.schema("cases").field("escalated_at", .datetime).update()
        // The first reply a person sent, for cases that already have one.
        let sql = database as! any SQLDatabase
        try await sql.raw(
            """
            UPDATE cases SET first_response_at = (SELECT MIN(t.occurred_at) FROM timeline_entries t \
            WHERE t.case_id = cases.id AND t.kind = 'message' AND t.direction = 'outbound' AND t.author_id IS NOT NULL)
            """
        ).run()
        // Scorecards read one agent's work in a period; these keep that independent of the total.
        // Partial, so the customers' own messages and open cases cost nothing extra to write.
        for statement: SQLQueryString in [
            """
            CREATE INDEX timeline_by_author ON timeline_entries (author_id, occurred_at) \
            WHERE author_id IS NOT NULL
            """,
            "CREATE INDEX cases_resolved_by_owner ON cases (owner_id, resolved_at) WHERE resolved_at IS NOT NULL",
            "CREATE INDEX surveys_by_answer ON surveys (answered_at) WHERE state = 'answered'",
            "CREATE INDEX promises_by_owner ON promises (owner_id, due_at)",
        ] {
            try await sql.raw(statement).run()
        }
        _ = try await ReportRollupRebuild(db: database, timeZone: timeZone).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for index in ["timeline_by_author", "cases_resolved_by_owner", "surveys_by_answer", "promises_by_owner"] {
            try await sql.drop(index: index).run()
        }
        try await database.schema("report_rollups").delete()
        try await database.schema("cases").deleteField("first_response_at").update()
        try await database.schema("cases").deleteField("escalated_at").update()
    }
}
