import FairdeskCore
import Foundation
import Vapor

/// `/api/v1/drivers/{userID}/disputes` and `/api/v1/drivers/disputes/…`: an agent or lead opens a
/// customer's "delivered but not received" claim on a driver's package; leads and reviewers list
/// them and record the finding by name; the driver reads the disputes about them and gives their side.
struct DisputeController: RouteCollection {
    /// Who reads a driver's disputes: the staff who answer for drivers, and the driver (their own).
    static let readers: Set<Role> = DeliveryDisputes.readers.union([.driver])

    func boot(routes: any RoutesBuilder) throws {
        let drivers = routes.grouped("drivers")
        drivers.grouped(RoleGuard(DisputeRules.claimantRoles)).post(":userID", "disputes", use: open)
        drivers.grouped(RoleGuard(Self.readers)).get(":userID", "disputes", use: ofDriver)
        drivers.grouped(RoleGuard(DeliveryDisputes.readers)).get("disputes", use: list)
        drivers.grouped(RoleGuard(Self.readers)).get("disputes", ":disputeID", use: read)
        drivers.grouped(RoleGuard(DisputeRules.deciderRoles)).post("disputes", ":disputeID", "finding", use: decide)
        drivers.grouped(RoleGuard([.driver])).post("disputes", ":disputeID", "answer", use: answer)
    }

    /// The driver gives their side of an open dispute about them.
    @Sendable func answer(req: Request) async throws -> DeliveryDisputeDTO {
        let viewer = try await req.viewer([.driver])
        let input = try req.content.decode(DisputeAnswerRequest.self)
        return try await req.application.deliveryDisputes.answer(
            input, disputeID: req.parameters.get("disputeID", as: UUID.self), by: viewer)
    }

    @Sendable func open(req: Request) async throws -> Response {
        let viewer = try await req.viewer(DisputeRules.claimantRoles)
        let input = try req.content.decode(DeliveryDisputeRequest.self)
        let result = try await req.application.deliveryDisputes.open(
            input, driverID: req.parameters.get("userID", as: UUID.self), by: viewer)
        return try await result.encodeResponse(status: .created, for: req)
    }

    /// A driver reads the disputes about them only (403 for another's), without the customer's identity.
    @Sendable func ofDriver(req: Request) async throws -> [DeliveryDisputeDTO] {
        let viewer = try await req.viewer(Self.readers)
        let id = req.parameters.get("userID", as: UUID.self)
        if viewer.role == .driver && id != viewer.userID {
            throw ApiError.forbidden("a driver sees the disputes about them only")
        }
        let driver = try await DriverStandings.driver(id, on: req.db)
        return try await DeliveryDisputes.disputes(
            of: try driver.requireID(), staff: viewer.role != .driver, on: req.db)
    }

    @Sendable func list(req: Request) async throws -> DeliveryDisputeListDTO {
        _ = try await req.viewer(DeliveryDisputes.readers)
        return try await req.application.deliveryDisputes.list()
    }

    @Sendable func read(req: Request) async throws -> DeliveryDisputeDTO {
        let viewer = try await req.viewer(Self.readers)
        return try await req.application.deliveryDisputes.read(
            req.parameters.get("disputeID", as: UUID.self), as: viewer)
    }

    @Sendable func decide(req: Request) async throws -> DeliveryDisputeDTO {
        let viewer = try await req.viewer(DisputeRules.deciderRoles)
        let input = try req.content.decode(DisputeFindingRequest.self)
        return try await req.application.deliveryDisputes.decide(
            input, disputeID: req.parameters.get("disputeID", as: UUID.self), by: viewer)
    }
}
