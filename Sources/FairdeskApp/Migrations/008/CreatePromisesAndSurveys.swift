import Fluent
import SQLKit

/// Promises made to customers and the evidence that they were kept; satisfaction surveys, who a
/// "no" is put down to and how it is shared among the agents who handled the case; and agents'
/// disputes of those attributions.
struct CreatePromisesAndSurveys: AsyncMigration {
    var name: String { "008_CreatePromisesAndSurveys" }

    func prepare(on database: any Database) async throws {
        try await database.schema("promises")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id", onDelete: .cascade))
            // refund, replacement, callback, investigation, other
            .field("kind", .string, .required)
            .field("amount_minor", .int)
            .field("currency", .string)
            .field("item", .string)
            .field("callback_at", .datetime)
            .field("description", .string, .required)
            .field("owner_id", .uuid, .required, .references("users", "id"))
            .field("created_by_id", .uuid, .references("users", "id"))
            .field("created_at", .datetime, .required)
            .field("due_at", .datetime, .required)
            // open or kept
            .field("state", .string, .required)
            .field("kept_at", .datetime)
            // Who or what confirmed it: "Alex Agent (agent)", "order system".
            .field("kept_by", .string)
            .field("evidence", .string)
            // The next time the promise worker must look at it: the reminder, then the due time,
            // then the follow-up after it was kept; empty when nothing is left to do.
            .field("check_at", .datetime)
            .field("reminded_at", .datetime)
            .field("escalated_at", .datetime)
            .field("follow_up_sent_at", .datetime)
            .field("follow_up_token_hash", .string)
            .field("follow_up_answer", .string)
            .field("follow_up_answered_at", .datetime)
            // The refunds policy in force when the promise was made ("refunds v2"), if any.
            .field("policy", .string)
            .create()
        try await database.schema("promise_events")
            .id()
            .field("promise_id", .uuid, .required, .references("promises", "id", onDelete: .cascade))
            // webhook, agent or system
            .field("source", .string, .required)
            .field("kind", .string, .required)
            .field("note", .string)
            // The order system's own id for the event, so a repeated delivery is recorded once.
            .field("external_id", .string)
            .field("actor_id", .uuid, .references("users", "id"))
            .field("at", .datetime, .required)
            .unique(on: "promise_id", "external_id")
            .create()
        try await database.schema("surveys")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id", onDelete: .cascade))
            .field("customer_id", .uuid, .required, .references("customers", "id"))
            .field("channel", .string, .required)
            // The link's secret, hashed, once the survey is sent: the link itself is never stored.
            .field("token_hash", .string)
            // scheduled, sent, answered
            .field("state", .string, .required)
            .field("created_at", .datetime, .required)
            .field("send_at", .datetime, .required)
            .field("sent_at", .datetime)
            .field("expires_at", .datetime, .required)
            .field("solved", .bool)
            .field("reason", .string)
            .field("comment", .string)
            // agent, policy, product, delivery or process, from the attribution policy in force
            .field("attribution", .string)
            .field("policy", .string)
            .field("answered_at", .datetime)
            .field("recovery_case_id", .uuid, .references("cases", "id"))
            .unique(on: "case_id")
            .unique(on: "token_hash")
            .create()
        try await database.schema("survey_shares")
            .id()
            .field("survey_id", .uuid, .required, .references("surveys", "id", onDelete: .cascade))
            .field("agent_id", .uuid, .required, .references("users", "id"))
            .field("share", .double, .required)
            .field("entries", .int, .required)
            .field("owned_seconds", .int, .required)
            // Set when a lead upheld the agent's dispute: the share no longer counts.
            .field("voided", .bool, .required)
            .unique(on: "survey_id", "agent_id")
            .create()
        try await database.schema("survey_disputes")
            .id()
            .field("survey_id", .uuid, .required, .references("surveys", "id", onDelete: .cascade))
            .field("agent_id", .uuid, .required, .references("users", "id"))
            .field("note", .string, .required)
            // open, accepted, rejected or reattributed
            .field("state", .string, .required)
            .field("created_at", .datetime, .required)
            .field("decided_by_id", .uuid, .references("users", "id"))
            .field("decision_reason", .string)
            .field("new_attribution", .string)
            .field("decided_at", .datetime)
            .field("policy", .string)
            .unique(on: "survey_id", "agent_id")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.raw("CREATE INDEX promises_by_check ON promises (check_at) WHERE check_at IS NOT NULL").run()
        try await sql.create(index: "promises_by_case").on("promises").column("case_id").run()
        try await sql.create(index: "promises_by_time").on("promises").column("created_at").run()
        try await sql.create(index: "promises_by_follow_up_token").on("promises").column("follow_up_token_hash").run()
        try await sql.raw("CREATE INDEX surveys_to_send ON surveys (send_at) WHERE state = 'scheduled'").run()
        try await sql.create(index: "survey_shares_by_agent").on("survey_shares").column("agent_id").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["survey_disputes", "survey_shares", "surveys", "promise_events", "promises"] {
            try await database.schema(table).delete()
        }
    }
}
