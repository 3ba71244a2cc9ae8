import Fluent
import SQLKit

/// Customers' "delivered but not received" claims on drivers' packages (see docs/drivers.md):
/// `delivery_disputes`, one per package at most, with who opened it for which customer, the
/// customer's account, the finding Fairdesk proposed on the evidence (kept as it stood, with the
/// reasons), the driver's side, and the finding a lead or reviewer recorded, by name, with their reason.
struct CreateDeliveryDisputes: AsyncMigration {
    var name: String { "017_CreateDeliveryDisputes" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema("delivery_disputes")
            .id()
            .field("driver_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            // The depot's id of the package (`driver_packages.record_id` of this driver).
            .field("package_id", .string, .required)
            // The customer the claim is for, when known; kept as NULL if the customer is deleted.
            .field("customer_id", .uuid, .references("customers", "id", onDelete: .setNull))
            // The person who opened it (an agent or lead, on the customer's behalf), by name and role.
            .field("claimant_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("claimant_name", .string, .required)
            .field("claimant_role", .string, .required)
            // The customer's account, in their words.
            .field("account", .string, .required)
            .field("opened_at", .datetime, .required)
            // driver_not_at_fault, against_driver, inconclusive; the reasons one a line; the evidence
            // as JSON (`DisputeEvidence`), as it stood when the claim was opened.
            .field("proposed_finding", .string, .required)
            .field("proposed_reasons", .string, .required)
            .field("evidence", .string, .required)
            // The driver's side, in their words, given while the dispute is open; NULL until then.
            .field("driver_account", .string)
            .field("driver_account_at", .datetime)
            // open, decided
            .field("state", .string, .required)
            // The finding a lead or reviewer recorded, with why; NULL while open.
            .field("finding", .string)
            .field("decided_by_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("decided_by_name", .string)
            .field("decided_by_role", .string)
            .field("reason", .string)
            .field("decided_at", .datetime)
            // The driver policy version in force at the delivery, which judges it.
            .field("policy_version", .string, .required)
            .unique(on: "driver_id", "package_id")
            .create()
        // Leads' list reads open disputes oldest first; the driver's page and standing read theirs.
        try await sql.create(index: "delivery_disputes_by_state").on("delivery_disputes").column("state")
            .column("opened_at").run()
        try await sql.create(index: "delivery_disputes_by_driver").on("delivery_disputes").column("driver_id")
            .column("opened_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("delivery_disputes").delete()
    }
}
