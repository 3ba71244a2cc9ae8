import Fluent
import SQLKit

/// Indexes that hold everything an agent's scorecard counts, so its figures are read from the
/// indexes alone instead of from a thousand scattered rows: the agent's entries with their kind,
/// direction, channel and case; the agent's resolved cases with their ids, numbers and customers;
/// each case's survey with its state, answer and time; and a customer's entries with their kind and
/// direction, for first-contact resolution's "did the customer write again". (Numbered 019: 017 and
/// 018 are the drivers' disputes and standing counters.)
struct CoverScorecardReads: AsyncMigration {
    var name: String { "019_CoverScorecardReads" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for statement: SQLQueryString in [
            "DROP INDEX timeline_by_author",
            """
            CREATE INDEX timeline_by_author ON timeline_entries \
            (author_id, occurred_at, kind, direction, channel, case_id) WHERE author_id IS NOT NULL
            """,
            "DROP INDEX cases_resolved_by_owner",
            """
            CREATE INDEX cases_resolved_by_owner ON cases (owner_id, resolved_at, id, customer_id, number) \
            WHERE resolved_at IS NOT NULL
            """,
            "CREATE INDEX surveys_by_case_answer ON surveys (case_id, state, solved, answered_at)",
            "DROP INDEX timeline_by_customer",
            """
            CREATE INDEX timeline_by_customer ON timeline_entries (customer_id, occurred_at, id, kind, direction)
            """,
        ] {
            try await sql.raw(statement).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for statement: SQLQueryString in [
            "DROP INDEX timeline_by_customer",
            "CREATE INDEX timeline_by_customer ON timeline_entries (customer_id, occurred_at, id)",
            "DROP INDEX surveys_by_case_answer",
            "DROP INDEX cases_resolved_by_owner",
            "CREATE INDEX cases_resolved_by_owner ON cases (owner_id, resolved_at) WHERE resolved_at IS NOT NULL",
            "DROP INDEX timeline_by_author",
            "CREATE INDEX timeline_by_author ON timeline_entries (author_id, occurred_at) WHERE author_id IS NOT NULL",
        ] {
            try await sql.raw(statement).run()
        }
    }
}
