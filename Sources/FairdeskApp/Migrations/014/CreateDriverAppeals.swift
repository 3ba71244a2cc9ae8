import Fluent
import SQLKit

/// Drivers' appeals against decisions (see docs/drivers.md):
/// - `driver_appeals`: one per decision at most, with the driver's account, the deadlines the
///   jurisdiction's `AppealTerms` set when it was filed, the reviewer (never the decider), and the
///   outcome with its reasons, requirements and who decided it;
/// - `appeal_evidence`: the driver's files, each stored in the attachment store under `file_key`
///   after `EvidenceCheck` accepted its type and size.
struct CreateDriverAppeals: AsyncMigration {
    var name: String { "014_CreateDriverAppeals" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema("driver_appeals")
            .id()
            .field("decision_id", .uuid, .required, .references("driver_decisions", "id", onDelete: .cascade))
            .field("driver_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            // The driver's side, in their words.
            .field("account", .string, .required)
            .field("filed_at", .datetime, .required)
            // The last instant the appeal could be filed, the reviewer's deadline and when an
            // undecided appeal escalates to leads, all from the terms in force at filing.
            .field("window_closes_at", .datetime, .required)
            .field("review_due_at", .datetime, .required)
            .field("escalate_at", .datetime, .required)
            // When leads were told the deadline is near; NULL until then, so they are told once.
            .field("escalated_at", .datetime)
            .field("reviewer_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("reviewer_name", .string)
            // filed, in_review, decided
            .field("state", .string, .required)
            // reinstated, denied, conditionally_reinstated; NULL until decided.
            .field("outcome", .string)
            .field("reasons", .string)
            // The requirements as JSON (`ReinstatementRequirement`s) and when they are due.
            .field("requirements", .string)
            .field("requirements_due_at", .datetime)
            .field("decided_by_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("decided_by_name", .string)
            .field("decided_at", .datetime)
            .field("policy_version", .string, .required)
            .unique(on: "decision_id")
            .create()
        // The driver's page reads by driver; the deadline job reads undecided appeals by deadline.
        try await sql.create(index: "driver_appeals_by_driver").on("driver_appeals").column("driver_id")
            .column("filed_at").run()
        try await sql.create(index: "driver_appeals_by_deadline").on("driver_appeals").column("state")
            .column("escalate_at").run()

        try await database.schema("appeal_evidence")
            .id()
            .field("appeal_id", .uuid, .required, .references("driver_appeals", "id", onDelete: .cascade))
            // The key the attachment store gave the file.
            .field("file_key", .string, .required)
            .field("original_name", .string, .required)
            // jpeg, png, pdf, gpx, csv, text (`EvidenceType`)
            .field("type", .string, .required)
            .field("size", .int64, .required)
            .field("uploaded_at", .datetime, .required)
            .create()
        try await sql.create(index: "appeal_evidence_by_appeal").on("appeal_evidence").column("appeal_id")
            .column("uploaded_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("appeal_evidence").delete()
        try await database.schema("driver_appeals").delete()
    }
}
