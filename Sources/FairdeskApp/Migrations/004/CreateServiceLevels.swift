import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// Tiers, business-hours calendars, SLA targets, each case's SLA clocks and their events, agent
/// skills, capacity and availability, the cases waiting for an agent, and staff notifications.
///
/// Also stores the starting configuration every install needs (two tiers, a 24/7 calendar and an
/// office-hours one, targets per tier and channel), so SLAs work from the first case on.
struct CreateServiceLevels: AsyncMigration {
    var clock: any WallClock
    var name: String { "004_CreateServiceLevels" }

    func prepare(on database: any Database) async throws {
        try await database.schema("tiers")
            .id()
            .field("key", .string, .required)
            .field("name", .string, .required)
            // Higher is served first.
            .field("priority", .int, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "key")
            .create()
        try await database.schema("calendars")
            .id()
            .field("name", .string, .required)
            .field("time_zone", .string, .required)
            // Weekly hours as the admin wrote them ("mon-fri 09:00-17:00"), and holidays ("2026-12-25").
            .field("hours", .string, .required)
            .field("holidays", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "name")
            .create()
        try await database.schema("sla_targets")
            .id()
            .field("tier_key", .string, .required)
            .field("channel", .string, .required)
            .field("calendar_id", .uuid, .required, .references("calendars", "id"))
            .field("first_response_minutes", .int)
            .field("next_response_minutes", .int)
            .field("resolution_minutes", .int)
            // Goes up by one on every change, so a clock records exactly which target it ran under.
            .field("version", .int, .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by_id", .uuid, .references("users", "id"))
            .unique(on: "tier_key", "channel")
            .create()
        try await database.schema("service_settings")
            .id()
            .field("name", .string, .required)
            .field("risk_percent", .int, .required)
            .field("escalation", .string, .required)
            .field("starvation_minutes", .int, .required)
            .field("frustration_bonus_minutes", .int, .required)
            .field("version", .int, .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by_id", .uuid, .references("users", "id"))
            .unique(on: "name")
            .create()
        try await database.schema("sla_clocks")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id", onDelete: .cascade))
            .field("metric", .string, .required)
            // "premium · email · v3 · Office hours": the target in force when the clock started.
            .field("policy", .string, .required)
            .field("calendar_id", .uuid, .required, .references("calendars", "id"))
            .field("target_seconds", .int, .required)
            .field("started_at", .datetime, .required)
            .field("consumed_seconds", .int, .required)
            .field("running_since", .datetime)
            .field("due_at", .datetime)
            .field("stopped_at", .datetime)
            .field("breached_at", .datetime)
            .field("escalations_taken", .int, .required)
            // The next time the SLA worker must look at this clock; empty while paused or stopped.
            .field("check_at", .datetime)
            .unique(on: "case_id", "metric")
            .create()
        try await database.schema("sla_events")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id", onDelete: .cascade))
            .field("metric", .string, .required)
            // escalated or breached
            .field("kind", .string, .required)
            .field("action", .string)
            .field("target_minutes", .int, .required)
            .field("policy", .string, .required)
            .field("owner_id", .uuid, .references("users", "id"))
            .field("at", .datetime, .required)
            .create()
        try await database.schema("agent_profiles")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("skills", .string, .required)
            // "email=6, chat=3": open cases at once, per channel.
            .field("capacity", .string, .required)
            .field("availability", .string, .required)
            .field("availability_since", .datetime, .required)
            .field("last_assigned_at", .datetime)
            .unique(on: "user_id")
            .create()
        try await database.schema("routing_waits")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id", onDelete: .cascade))
            .field("queue_id", .uuid, .references("queues", "id"))
            .field("channel", .string, .required)
            .field("tier_key", .string, .required)
            .field("tier_priority", .int, .required)
            .field("waiting_since", .datetime, .required)
            .field("due_at", .datetime)
            .field("frustrated", .bool, .required)
            .field("returning_agent_id", .uuid, .references("users", "id"))
            .unique(on: "case_id")
            .create()
        try await database.schema("notifications")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("case_id", .uuid, .references("cases", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .create()
        try await database.schema("queues")
            .field("required_skills", .string, .required, .sql(.default(""))).update()
        try await database.schema("cases")
            .field("tier", .string, .required, .sql(.default("standard"))).update()
        try await database.schema("cases")
            .field("frustrated", .bool, .required, .sql(.default(false))).update()

        let sql = database as! any SQLDatabase
        // The SLA worker reads clocks in check order and stops at "now": its cost follows the clocks
        // coming due, not the number of open cases.
        try await sql.raw("CREATE INDEX sla_clocks_by_check ON sla_clocks (check_at) WHERE check_at IS NOT NULL")
            .run()
        try await sql.create(index: "sla_events_by_time").on("sla_events").column("at").run()
        try await sql.create(index: "sla_events_by_case").on("sla_events").column("case_id").run()
        try await sql.create(index: "routing_waits_by_time").on("routing_waits").column("waiting_since").run()
        try await sql.create(index: "notifications_by_user").on("notifications").column("user_id")
            .column("created_at").run()
        try await ServiceLevelDefaults.insert(on: database, at: clock.now)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("cases").deleteField("frustrated").update()
        try await database.schema("cases").deleteField("tier").update()
        try await database.schema("queues").deleteField("required_skills").update()
        for table in [
            "notifications", "routing_waits", "agent_profiles", "sla_events", "sla_clocks", "service_settings",
            "sla_targets", "calendars", "tiers",
        ] {
            try await database.schema(table).delete()
        }
    }
}
