import FairdeskCore
import Foundation
import Vapor

/// `/api/v1/drivers/{userID}/…`: the depot feeds a driver's records (admin or lead tokens), staff
/// excuse what lay outside the driver's control and report policy violations, leads and reviewers
/// decide actions with a statement of reasons, and the driver (or
/// staff who answer for drivers) reads the standing with every record behind it.
struct DriverController: RouteCollection {
    /// Staff who may read and excuse any driver's records.
    static let driverStaff: Set<Role> = [.lead, .reviewer, .admin]

    func boot(routes: any RoutesBuilder) throws {
        let driver = routes.grouped("drivers", ":userID")
        driver.grouped(RoleGuard([.admin, .lead])).post("records", use: records)
        driver.grouped(RoleGuard(Self.driverStaff)).post("excuses", use: excuse)
        driver.grouped(RoleGuard([.lead, .reviewer])).post("violations", use: violation)
        driver.grouped(RoleGuard(DecisionRules.deciderRoles)).post("decisions", use: decision)
        driver.grouped(RoleGuard(Self.driverStaff.union([.driver]))).get("standing", use: standing)
        driver.grouped(RoleGuard(Self.driverStaff.union([.driver]))).get("export", use: export)
        driver.grouped(RoleGuard(Self.driverStaff.union([.driver]))).get("export.csv", use: exportCSV)
    }

    @Sendable func records(req: Request) async throws -> Response {
        let viewer = try await req.viewer([.admin, .lead])
        let input = try req.content.decode(DriverRecordsRequest.self)
        let result = try await req.application.driverStandings.receive(
            input, for: req.parameters.get("userID", as: UUID.self), by: viewer)
        return try await result.encodeResponse(status: .created, for: req)
    }

    @Sendable func excuse(req: Request) async throws -> Response {
        let viewer = try await req.viewer(Self.driverStaff)
        let input = try req.content.decode(DriverExcuseRequest.self)
        let result = try await req.application.driverStandings.excuse(
            input, for: req.parameters.get("userID", as: UUID.self), by: viewer)
        return try await result.encodeResponse(status: .created, for: req)
    }

    @Sendable func violation(req: Request) async throws -> Response {
        let viewer = try await req.viewer([.lead, .reviewer])
        let input = try req.content.decode(DriverViolationRequest.self)
        let result = try await req.application.driverStandings.reportViolation(
            input, for: req.parameters.get("userID", as: UUID.self), by: viewer)
        return try await result.encodeResponse(status: .created, for: req)
    }

    @Sendable func decision(req: Request) async throws -> Response {
        let viewer = try await req.viewer(DecisionRules.deciderRoles)
        let input = try req.content.decode(DriverDecisionRequest.self)
        let result = try await req.application.driverDecisions.decide(
            input, for: req.parameters.get("userID", as: UUID.self), by: viewer)
        return try await result.encodeResponse(status: .created, for: req)
    }

    /// A driver reads their own standing only; leads, reviewers and admins read anyone's.
    @Sendable func standing(req: Request) async throws -> DriverStandingDTO {
        let viewer = try await req.viewer(Self.driverStaff.union([.driver]))
        let id = req.parameters.get("userID", as: UUID.self)
        if viewer.role == .driver && id != viewer.userID {
            throw ApiError.forbidden("a driver sees their own standing only")
        }
        let driver = try await DriverStandings.driver(id, on: req.db)
        return try await req.application.driverStandings.standing(of: driver, staff: viewer.role != .driver)
    }

    /// The driver's own data as JSON: their own only; leads, reviewers and admins any driver's.
    @Sendable func export(req: Request) async throws -> DriverExportDTO {
        let viewer = try await req.viewer(Self.driverStaff.union([.driver]))
        return try await req.application.driverExport.export(req.parameters.get("userID", as: UUID.self), as: viewer)
    }

    /// The same as one CSV table.
    @Sendable func exportCSV(req: Request) async throws -> Response {
        let viewer = try await req.viewer(Self.driverStaff.union([.driver]))
        let export = try await req.application.driverExport.export(
            req.parameters.get("userID", as: UUID.self), as: viewer)
        let response = Response(status: .ok, body: .init(string: DriverExport.csv(export)))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"fairdesk-driver-\(export.driverId).csv\"")
        return response
    }
}
