import FairdeskCore
import Fluent
import SQLKit

/// Drivers' standing kept as it happens (see ``DriverStandingCounters``): `driver_standing_days`
/// holds, per driver and UTC day (days since 1970), each metric's counted, against and excused
/// records, and the scan rule (radius, tolerance) scans were judged under. Existing records are
/// counted in by `StoreRecordFacts` (023).
struct CreateStandingCounters: AsyncMigration {
    var name: String { "018_CreateStandingCounters" }

    func prepare(on database: any Database) async throws {
        var schema = database.schema(DriverStandingCounters.table)
            .field("driver_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("day", .int64, .required)
        for column in DriverStandingCounters.countColumns {
            schema = schema.field(.definition(name: .key(.string(column)), dataType: .int64, constraints: [.required]))
        }
        try await schema
            .field("geofence_m", .double, .required)
            .field("tolerance_s", .double, .required)
            .unique(on: "driver_id", "day")
            .create()
        // The sweep adds up everybody's days in the window.
        try await (database as! any SQLDatabase).create(index: "driver_standing_days_by_day")
            .on(DriverStandingCounters.table).column("day").run()
        // Records already stored are counted in by 023, once they carry the facts counting reads.
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(index: "driver_standing_days_by_day").run()
        try await database.schema(DriverStandingCounters.table).delete()
    }
}
