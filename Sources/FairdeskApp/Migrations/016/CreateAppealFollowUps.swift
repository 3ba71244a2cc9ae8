import Fluent
import SQLKit

/// What follows an appeal's answer (see docs/drivers.md):
/// - `appeal_conditions`: each conditional reinstatement, its requirements and date, tracked until
///   it is met (the appeal closes as reinstated) or goes back to review, with the progress frozen
///   when it closes;
/// - `driver_training`: training modules a lead or reviewer recorded as completed by a driver;
/// - `driver_decision_lifts`: when a decision stopped taking effect (overturned or conditionally
///   reinstated on appeal, an interim suspension lapsed), why and by whom.
struct CreateAppealFollowUps: AsyncMigration {
    var name: String { "016_CreateAppealFollowUps" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema("appeal_conditions")
            .id()
            .field("appeal_id", .uuid, .required, .references("driver_appeals", "id", onDelete: .cascade))
            .field("driver_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            // The requirements as JSON (`ReinstatementRequirement`s), counted from `since`, due by `due_by`.
            .field("requirements", .string, .required)
            .field("since", .datetime, .required)
            .field("due_by", .datetime, .required)
            // The reviewer's reasons for the conditions, and who set them.
            .field("reasons", .string, .required)
            .field("set_by_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("set_by_name", .string, .required)
            // open, met, back_to_review
            .field("state", .string, .required)
            .field("closed_at", .datetime)
            // Why it closed, in words, and the progress then as JSON (`RequirementProgress`es).
            .field("note", .string)
            .field("progress", .string)
            // Records the decision relied on that the reviewer found in the driver's favour (one a
            // line), corrected when the conditions are met.
            .field("cleared_records", .string, .required)
            .create()
        // The hourly check reads open conditions; the pages read an appeal's.
        try await sql.create(index: "appeal_conditions_by_state").on("appeal_conditions").column("state")
            .column("due_by").run()
        try await sql.create(index: "appeal_conditions_by_appeal").on("appeal_conditions").column("appeal_id")
            .column("since").run()
        try await sql.create(index: "appeal_conditions_by_driver").on("appeal_conditions").column("driver_id")
            .column("state").run()

        try await database.schema("driver_training")
            .id()
            .field("driver_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            // The module's id in the training system, and its title as the requirement named it.
            .field("module_id", .string, .required)
            .field("title", .string, .required)
            .field("completed_at", .datetime, .required)
            .field("recorded_by_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("recorded_by_name", .string, .required)
            .field("note", .string)
            .unique(on: "driver_id", "module_id")
            .create()

        try await database.schema("driver_decision_lifts")
            .id()
            .field("decision_id", .uuid, .required, .references("driver_decisions", "id", onDelete: .cascade))
            .field("driver_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            // overturned, conditionally_reinstated, lapsed
            .field("kind", .string, .required)
            .field("reason", .string, .required)
            .field("lifted_at", .datetime, .required)
            // The person who lifted it; NULL with `lifted_by` "Fairdesk (automatic)" for a lapse.
            .field("lifted_by_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("lifted_by", .string, .required)
            .unique(on: "decision_id")
            .create()
        // The interim-suspension job looks for interim decisions without a lift.
        try await sql.create(index: "driver_decisions_by_interim").on("driver_decisions").column("interim_until")
            .run()
    }

    private func sql(_ database: any Database) -> any SQLDatabase { database as! any SQLDatabase }

    func revert(on database: any Database) async throws {
        try await sql(database).drop(index: "driver_decisions_by_interim").run()
        try await database.schema("driver_decision_lifts").delete()
        try await database.schema("driver_training").delete()
        try await database.schema("appeal_conditions").delete()
    }
}
