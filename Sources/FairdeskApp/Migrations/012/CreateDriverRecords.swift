import Fluent
import SQLKit

/// What driver standing is worked out from, and what it led to (see docs/drivers.md):
/// - `driver_blocks`, `driver_packages` (with their scans), `driver_feedback`: the depot's records,
///   each under the id the depot gave it (`record_id`), unique per driver, so a re-sent record
///   replaces the old one;
/// - `driver_excuses`: one per record at most, who applied it and why;
/// - `driver_warnings`: written warnings, with their findings and the policy version they cite;
/// - `driver_decisions`: restrictions, suspensions and deactivations a named person decided, with
///   the statement of reasons and the end of the driver's appeal window.
struct CreateDriverRecords: AsyncMigration {
    var name: String { "012_CreateDriverRecords" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema("driver_blocks")
            .id()
            .field("driver_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("record_id", .string, .required)
            .field("scheduled_start", .datetime, .required)
            .field("scheduled_end", .datetime, .required)
            // accepted, started_late, missed, cancelled_with_notice, cancelled_late
            .field("status", .string, .required)
            .field("started_at", .datetime)
            .field("received_at", .datetime, .required)
            .unique(on: "driver_id", "record_id")
            .create()
        // Standing reads one driver's blocks over the window.
        try await sql.create(index: "driver_blocks_by_start").on("driver_blocks").column("driver_id")
            .column("scheduled_start").run()

        try await database.schema("driver_packages")
            .id()
            .field("driver_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("record_id", .string, .required)
            // The record id of the block it was carried in.
            .field("block_id", .string, .required)
            .field("latitude", .double, .required)
            .field("longitude", .double, .required)
            // The address's own geofence in metres; NULL uses the policy's.
            .field("geofence_m", .double)
            .field("window_start", .datetime, .required)
            .field("window_end", .datetime, .required)
            // The scans as JSON: [{id, time, latitude, longitude, accuracyMetres}].
            .field("scans", .string, .required)
            // delivered, undeliverable, returned; NULL while the package is still out.
            .field("outcome", .string)
            .field("outcome_at", .datetime)
            .field("photo_id", .string)
            .field("undeliverable_reason", .string)
            .field("received_at", .datetime, .required)
            .unique(on: "driver_id", "record_id")
            .create()
        try await sql.create(index: "driver_packages_by_window").on("driver_packages").column("driver_id")
            .column("window_start").run()

        try await database.schema("driver_feedback")
            .id()
            .field("driver_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("record_id", .string, .required)
            .field("package_id", .string, .required)
            .field("feedback_at", .datetime, .required)
            // positive, negative
            .field("sentiment", .string, .required)
            .field("comment", .string)
            .field("received_at", .datetime, .required)
            .unique(on: "driver_id", "record_id")
            .create()
        try await sql.create(index: "driver_feedback_by_time").on("driver_feedback").column("driver_id")
            .column("feedback_at").run()

        try await database.schema("driver_excuses")
            .id()
            .field("driver_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("record_id", .string, .required)
            // weather, depot_delay, road_closure, app_outage, illness_reported_in_advance
            .field("code", .string, .required)
            // staff (a named person) or depot (a feed, named in `feed`)
            .field("source", .string, .required)
            .field("applied_by_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("applied_by_name", .string)
            .field("applied_by_role", .string)
            .field("feed", .string)
            .field("reason", .string, .required)
            .field("applied_at", .datetime, .required)
            .field("reported_at", .datetime)
            .unique(on: "driver_id", "record_id")
            .create()

        try await database.schema("driver_warnings")
            .id()
            .field("driver_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            // standing (fell into At risk) or violation (a lead's report under a clause)
            .field("kind", .string, .required)
            .field("clause", .string)
            .field("issued_at", .datetime, .required)
            .field("improve_until", .datetime, .required)
            // The findings as JSON (`WarningFinding`s), and the warning as the driver reads it.
            .field("findings", .string, .required)
            .field("text", .string, .required)
            // "driver-standing v1", or "built-in default" when no version was in force.
            .field("policy_version", .string, .required)
            .field("issued_by_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("issued_by", .string, .required)
            .create()
        // The driver's page and the "no second warning in an open period" check read by driver.
        try await sql.create(index: "driver_warnings_by_driver").on("driver_warnings").column("driver_id")
            .column("improve_until").run()

        try await database.schema("driver_decisions")
            .id()
            .field("driver_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            // restriction, suspension, deactivation
            .field("action", .string, .required)
            // An interim suspension on urgent grounds, which lapses at `interim_until`.
            .field("immediate", .bool, .required)
            // "system" or the id of the person who proposed it; never the decider.
            .field("proposed_by", .string, .required)
            .field("decider_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("decider_name", .string, .required)
            .field("decider_role", .string, .required)
            // The statement of reasons: the clause, the grounds (codes, one a line), the records
            // relied on (one a line) and the reasons in the decider's words.
            .field("clause", .string, .required)
            .field("grounds", .string, .required)
            .field("evidence", .string, .required)
            .field("statement", .string, .required)
            .field("decided_at", .datetime, .required)
            .field("effective_at", .datetime, .required)
            .field("interim_until", .datetime)
            .field("appeal_until", .datetime, .required)
            .field("policy_version", .string, .required)
            .create()
        try await sql.create(index: "driver_decisions_by_driver").on("driver_decisions").column("driver_id")
            .column("decided_at").run()
    }

    func revert(on database: any Database) async throws {
        for table in [
            "driver_decisions", "driver_warnings", "driver_excuses", "driver_feedback", "driver_packages",
            "driver_blocks",
        ] {
            try await database.schema(table).delete()
        }
    }
}
