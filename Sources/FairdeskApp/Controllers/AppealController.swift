import FairdeskCore
import Foundation
import Vapor

/// `/api/v1/drivers/decisions/{decisionID}/appeals` and `/api/v1/drivers/appeals/{appealID}`: a driver
/// appeals a decision about them with their account; the driver, the reviewers and leads read it.
struct AppealController: RouteCollection {
    /// Who reads an appeal: the driver (their own), reviewers, leads and admins.
    static let readers: Set<Role> = DriverController.driverStaff.union([.driver])

    func boot(routes: any RoutesBuilder) throws {
        let drivers = routes.grouped("drivers")
        drivers.grouped(RoleGuard([.driver])).post("decisions", ":decisionID", "appeals", use: file)
        drivers.grouped(RoleGuard(Self.readers)).get("appeals", ":appealID", use: read)
        drivers.grouped(RoleGuard(AppealRules.reviewerRoles)).post("appeals", ":appealID", "resolution", use: resolve)
        drivers.grouped(RoleGuard(AppealRules.reviewerRoles)).post("appeals", ":appealID", "training", use: training)
        // Room for a few files of `EvidenceCheck.defaultMaximumBytes` each; every one is checked.
        drivers.grouped(RoleGuard([.driver])).on(
            .POST, "appeals", ":appealID", "evidence", body: .collect(maxSize: "64mb"), use: evidence)
    }

    @Sendable func file(req: Request) async throws -> Response {
        let viewer = try await req.viewer([.driver])
        let input = try req.content.decode(DriverAppealRequest.self)
        let result = try await req.application.driverAppeals.file(
            input, against: req.parameters.get("decisionID", as: UUID.self), by: viewer)
        return try await result.encodeResponse(status: .created, for: req)
    }

    @Sendable func evidence(req: Request) async throws -> Response {
        let viewer = try await req.viewer([.driver])
        let input = try req.content.decode(AppealEvidenceRequest.self)
        let result = try await req.application.driverAppeals.addEvidence(
            input.files ?? [], to: req.parameters.get("appealID", as: UUID.self), by: viewer)
        return try await result.encodeResponse(status: .created, for: req)
    }

    @Sendable func resolve(req: Request) async throws -> DriverAppealDTO {
        let viewer = try await req.viewer(AppealRules.reviewerRoles)
        let input = try req.content.decode(AppealResolutionRequest.self)
        return try await req.application.driverAppeals.resolve(
            input, appealID: req.parameters.get("appealID", as: UUID.self), by: viewer)
    }

    /// A lead or reviewer records a training module the driver's open conditions require as completed.
    @Sendable func training(req: Request) async throws -> Response {
        let viewer = try await req.viewer(AppealRules.reviewerRoles)
        let input = try req.content.decode(TrainingCompletionRequest.self)
        let result = try await req.application.driverAppeals.recordTraining(
            input, appealID: req.parameters.get("appealID", as: UUID.self), by: viewer)
        return try await result.encodeResponse(status: .created, for: req)
    }

    @Sendable func read(req: Request) async throws -> DriverAppealDTO {
        let viewer = try await req.viewer(Self.readers)
        return try await req.application.driverAppeals.read(req.parameters.get("appealID", as: UUID.self), as: viewer)
    }
}
