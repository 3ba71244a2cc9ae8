import Fluent
import SQLKit

/// Improvement plans (see docs/scorecards.md): the plan as the domain keeps it (goals, cadence,
/// sessions, comments) in one JSON column, and every step of it as an event both sides read.
struct CreateImprovementPlans: AsyncMigration {
    var name: String { "013_CreateImprovementPlans" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema("improvement_plans")
            .id()
            .field("agent_id", .uuid, .required, .references("users", "id"))
            .field("lead_id", .uuid, .required, .references("users", "id"))
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime, .required)
            // The improvement-plans policy version the cadence and length came from: "improvement-plans v1".
            .field("policy", .string, .required)
            // `ImprovementPlan` as JSON: goals, cadence, sessions with notes, misses and comments.
            .field("plan", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await sql.create(index: "improvement_plans_by_agent").on("improvement_plans").column("agent_id").run()
        try await database.schema("plan_events")
            .id()
            .field("plan_id", .uuid, .required, .references("improvement_plans", "id", onDelete: .cascade))
            // proposed, session_scheduled, session_held, session_missed, comment, escalated, response
            .field("kind", .string, .required)
            .field("actor_id", .uuid, .references("users", "id"))
            .field("actor_label", .string, .required)
            .field("text", .string, .required)
            // For an escalation: written_warning or final_warning, and a lead's override reason if one was needed.
            .field("level", .string)
            .field("override_reason", .string)
            .field("at", .datetime, .required)
            .create()
        try await sql.create(index: "plan_events_by_plan").on("plan_events").column("plan_id").column("at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("plan_events").delete()
        try await database.schema("improvement_plans").delete()
    }
}
