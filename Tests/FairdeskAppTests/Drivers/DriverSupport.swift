import FairdeskCore
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

/// Records and people the driver tests share.
extension TestFairdesk {
    typealias Records = DriverRecordsRequest

    /// One more person with an API token and the usual password: a reviewer, a second driver.
    func extraPerson(_ email: String, _ name: String, _ role: Role) async throws -> Person {
        let user = User(
            email: email, name: name, role: role, passwordHash: try app.password.hash("correct horse battery"),
            customerID: nil, createdAt: clock.now)
        try await user.create(on: app.db)
        let secret = Secrets.token()
        try await ApiToken(
            userID: user.requireID(), name: "test", tokenHash: AuditLog.sha256(secret), createdAt: clock.now,
            expiresAt: nil
        ).create(on: app.db)
        return Person(id: try user.requireID(), token: secret, customerID: nil)
    }

    /// A block started `daysAgo` days ago at this hour, with `count` packages one every 20 minutes,
    /// each delivered 10 minutes into its hour-long window and scanned at the door, except those
    /// listed in `late` (delivered 30 minutes after the window closed, and scanned there).
    func workedBlock(
        _ block: String, daysAgo: Double, count: Int, late: Set<Int> = [], status: String = "accepted"
    ) -> Records {
        let start = clock.now.addingTimeInterval(-daysAgo * 86_400)
        let door = DriverRecordsRequest.Position(latitude: 51.5, longitude: -0.12)
        let packages = (1...count).map { index -> Records.Package in
            let windowStart = start.addingTimeInterval(Double(index) * 1200)
            let at = windowStart.addingTimeInterval(late.contains(index) ? 5400 : 600)
            return Records.Package(
                id: "\(block)-P\(index)", blockId: block, address: door, geofenceRadiusMetres: nil,
                windowStart: windowStart, windowEnd: windowStart.addingTimeInterval(3600),
                scans: [Records.Scan(id: "S1", time: at, position: door, accuracyMetres: 5)],
                outcome: Records.Outcome(kind: "delivered", at: at, photoId: nil, reason: nil))
        }
        return Records(
            blocks: [
                Records.Block(
                    id: block, scheduledStart: start, scheduledEnd: start.addingTimeInterval(8 * 3600), status: status,
                    startedAt: start)
            ], packages: packages, feedback: nil)
    }

    /// A block the driver did not turn up for.
    func missedBlock(_ block: String, daysAgo: Double) -> Records {
        let start = clock.now.addingTimeInterval(-daysAgo * 86_400)
        return Records(
            blocks: [
                Records.Block(
                    id: block, scheduledStart: start, scheduledEnd: start.addingTimeInterval(4 * 3600),
                    status: "missed",
                    startedAt: nil)
            ], packages: nil, feedback: nil)
    }

    /// Posts records for the test driver as the lead and expects them stored.
    @discardableResult
    func postRecords(_ records: Records, for driver: Person? = nil) async throws -> DriverRecordsResultDTO {
        let response = try await send(
            .POST, "api/v1/drivers/\((driver ?? self.driver).id)/records", as: lead, json: records)
        try #require(response.status == .created, "\(response.body.string)")
        return try decode(DriverRecordsResultDTO.self, response)
    }

    /// The test driver's standing, read as `person` (the driver by default).
    func standing(as person: Person? = nil) async throws -> DriverStandingDTO {
        let response = try await send(.GET, "api/v1/drivers/\(driver.id)/standing", as: person ?? driver)
        try #require(response.status == .ok, "\(response.body.string)")
        return try decode(DriverStandingDTO.self, response)
    }
}

extension DriverStandingDTO {
    func metric(_ kind: String) -> DriverMetricDTO? { metrics.first { $0.kind == kind } }
}
