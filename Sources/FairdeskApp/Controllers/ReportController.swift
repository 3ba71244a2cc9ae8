import FairdeskCore
import Foundation
import Vapor

/// `/api/v1/reports/service` (JSON) and `/api/v1/reports/service.csv`: the leaders' report by day,
/// month, quarter or year, split by tier and channel, for leads and admins.
struct ReportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let reports = routes.grouped(RoleGuard(Role.supervisors)).grouped("reports")
        reports.get("service", use: report)
        reports.get("service.csv", use: csv)
    }

    @Sendable func report(req: Request) async throws -> ServiceReportDTO {
        try await Self.dto(req)
    }

    @Sendable func csv(req: Request) async throws -> Response {
        ServiceReportCSV.response(try await Self.dto(req))
    }

    static func dto(_ req: Request) async throws -> ServiceReportDTO {
        let config = req.fairdesk.config
        let report = try await ServiceReports.build(ServiceReports.Request(req), config: config, on: req.db)
        return ServiceReportDTO(report, timeZone: config.timeZone)
    }
}
