import FairdeskCore
import Foundation
import Vapor

/// `/api/v1/reports/bot`: containment, escalation by reason and time-to-human, for leads and admins.
struct BotController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(RoleGuard(Role.supervisors)).get("reports", "bot", use: report)
    }

    @Sendable func report(req: Request) async throws -> BotReportDTO {
        let period = try ReportPeriod(req)
        return try await BotReports.build(from: period.from, to: period.to, now: req.now, on: req.db)
    }
}
