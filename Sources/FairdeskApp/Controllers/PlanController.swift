import FairdeskCore
import Foundation
import Vapor

/// `/api/v1/improvement-plans`: leads propose plans, book and record coaching, and escalate only when
/// the coaching promised was delivered (or with a written override); the agent reads the plan,
/// comments on sessions and answers in writing.
struct PlanController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let plans = routes.grouped("improvement-plans").grouped(RoleGuard([.agent, .lead, .admin]))
        plans.get(use: list)
        plans.post(use: create)
        plans.get(":planID", use: show)
        plans.post(":planID", "sessions", use: schedule)
        plans.post(":planID", "sessions", ":sessionID", "outcome", use: outcome)
        plans.post(":planID", "sessions", ":sessionID", "comments", use: comment)
        plans.post(":planID", "responses", use: respond)
        plans.post(":planID", "escalations", use: escalate)
    }

    func plans(_ req: Request) async throws -> ImprovementPlans {
        ImprovementPlans(app: req.application, viewer: try await req.viewer())
    }

    func id(_ req: Request, _ name: String = "planID") -> UUID? { req.parameters.get(name, as: UUID.self) }

    @Sendable func list(req: Request) async throws -> [PlanDTO] { try await plans(req).list() }

    @Sendable func create(req: Request) async throws -> Response {
        try await plans(req).create(try req.content.decode(PlanRequest.self)).encodeResponse(status: .created, for: req)
    }

    @Sendable func show(req: Request) async throws -> PlanDTO {
        let plans = try await plans(req)
        let (row, plan) = try await plans.load(id(req))
        return try await plans.dto(row, plan)
    }

    @Sendable func schedule(req: Request) async throws -> PlanDTO {
        try await plans(req).schedule(id(req), try req.content.decode(SessionRequest.self))
    }

    @Sendable func outcome(req: Request) async throws -> PlanDTO {
        try await plans(req).outcome(
            id(req), session: id(req, "sessionID"), try req.content.decode(SessionOutcomeRequest.self))
    }

    @Sendable func comment(req: Request) async throws -> PlanDTO {
        try await plans(req).comment(
            id(req), session: id(req, "sessionID"), try req.content.decode(PlanTextRequest.self))
    }

    @Sendable func respond(req: Request) async throws -> PlanDTO {
        try await plans(req).respond(id(req), try req.content.decode(PlanTextRequest.self))
    }

    @Sendable func escalate(req: Request) async throws -> PlanDTO {
        try await plans(req).escalate(id(req), try req.content.decode(EscalationRequest.self))
    }
}
