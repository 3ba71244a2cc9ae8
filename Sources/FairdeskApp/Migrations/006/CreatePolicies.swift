import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// Written, versioned policies: the policies, their immutable published versions, who each
/// version was sent to and who has acknowledged it, and the notice periods per role and
/// jurisdiction. Also gives every user a team and a jurisdiction (policies bind by them) and
/// gives notifications a link to what they are about.
struct CreatePolicies: AsyncMigration {
    var clock: any WallClock
    var name: String { "006_CreatePolicies" }

    func prepare(on database: any Database) async throws {
        try await database.schema("users").field("team", .string, .required, .sql(.default(""))).update()
        try await database.schema("users").field("jurisdiction", .string, .required, .sql(.default(""))).update()
        try await database.schema("notifications").field("link", .string).update()
        try await database.schema("policies")
            .id()
            // "driver-standing": the name in links and in decisions that cite it.
            .field("key", .string, .required)
            .field("title", .string, .required)
            .field("kind", .string, .required)
            .field("created_by_id", .uuid, .references("users", "id"))
            .field("created_at", .datetime, .required)
            .unique(on: "key")
            .create()
        try await database.schema("policy_versions")
            .id()
            .field("policy_id", .uuid, .required, .references("policies", "id"))
            .field("number", .int, .required)
            .field("summary", .string, .required)
            // The whole text as the owner wrote it; clauses are its "## 4.2 Title" sections.
            .field("body", .string, .required)
            // JSON: the values code reads when it judges an event under this version.
            .field("parameters", .string, .required)
            // Who the version binds: roles, teams and jurisdictions, each comma-separated.
            .field("audience_roles", .string, .required)
            .field("audience_teams", .string, .required)
            .field("audience_jurisdictions", .string, .required)
            .field("favourable", .bool, .required)
            // The notice the version had to give when it was published.
            .field("notice_days", .int, .required)
            .field("published_at", .datetime, .required)
            .field("published_by_id", .uuid, .references("users", "id"))
            .field("effective_at", .datetime, .required)
            .field("withdrawn_at", .datetime)
            .field("withdrawn_by_id", .uuid, .references("users", "id"))
            .field("withdrawal_reason", .string)
            .unique(on: "policy_id", "number")
            .create()
        try await database.schema("policy_recipients")
            .id()
            .field("version_id", .uuid, .required, .references("policy_versions", "id"))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("notified_at", .datetime, .required)
            .field("reminders", .int, .required)
            .field("reminded_at", .datetime)
            .field("acknowledged_at", .datetime)
            .unique(on: "version_id", "user_id")
            .create()
        try await database.schema("policy_notice_periods")
            .id()
            // A role ("driver") or "*" for every role.
            .field("role", .string, .required)
            // A jurisdiction code ("FR", "US-WA") or "*" for everywhere.
            .field("jurisdiction", .string, .required)
            .field("days", .int, .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by_id", .uuid, .references("users", "id"))
            .unique(on: "role", "jurisdiction")
            .create()
        let sql = database as! any SQLDatabase
        // "What must I still read?": a person's versions, found through the index.
        try await sql.create(index: "policy_recipients_by_user").on("policy_recipients")
            .column("user_id").column("acknowledged_at").run()
        try await sql.create(index: "policy_versions_by_policy").on("policy_versions")
            .column("policy_id").column("effective_at").run()
        let now = clock.now
        for period in NoticeRules.defaults {
            try await database.insertRow(
                "policy_notice_periods",
                [
                    ("id", UUID()), ("role", period.role), ("jurisdiction", period.jurisdiction),
                    ("days", period.days), ("updated_at", now), ("updated_by_id", nil),
                ])
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["policy_notice_periods", "policy_recipients", "policy_versions", "policies"] {
            try await database.schema(table).delete()
        }
        try await database.schema("notifications").deleteField("link").update()
        try await database.schema("users").deleteField("jurisdiction").update()
        try await database.schema("users").deleteField("team").update()
    }
}
