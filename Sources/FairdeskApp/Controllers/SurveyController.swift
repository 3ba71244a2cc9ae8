import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// Satisfaction surveys through the API: a case's survey, what counts against the agent asking,
/// disputes of those attributions, and leads' decisions on them.
struct SurveyController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let workers = routes.grouped(RoleGuard(Role.caseWorkers))
        workers.get("cases", ":caseID", "survey", use: forCase)
        workers.get("agents", "me", "survey-results", use: mine)
        workers.post("surveys", ":surveyID", "disputes", use: dispute)
        let leads = routes.grouped(RoleGuard(Role.supervisors))
        leads.get("survey-disputes", use: disputes)
        leads.post("survey-disputes", ":disputeID", "decision", use: decide)
    }

    @Sendable func forCase(req: Request) async throws -> SurveyDTO {
        let viewer = try await req.viewer()
        let supportCase = try await CaseActions.load(
            req.parameters.get("caseID", as: UUID.self), for: viewer, on: req.db)
        guard
            let row = try await req.db.sql.raw("SELECT * FROM surveys WHERE case_id = \(bind: supportCase.requireID())")
                .first(decoding: Surveys.Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        else { throw ApiError.notFound("a survey for this case (one is scheduled when the case is resolved)") }
        return row.dto
    }

    @Sendable func mine(req: Request) async throws -> [SurveyShareDTO] {
        try await SurveyDisputes.shares(of: try await req.viewer().user, on: req.db)
    }

    @Sendable func dispute(req: Request) async throws -> Response {
        try await SurveyDisputes.dispute(
            req.parameters.get("surveyID", as: UUID.self), try req.content.decode(DisputeRequest.self),
            by: try await req.viewer(), app: req.application
        ).encodeResponse(status: .created, for: req)
    }

    @Sendable func disputes(req: Request) async throws -> [DisputeDTO] {
        let state = req.query[String.self, at: "state"]
        return try await SurveyDisputes.disputes(openOnly: state == "open", on: req.db)
    }

    @Sendable func decide(req: Request) async throws -> DisputeDTO {
        try await SurveyDisputes.decide(
            req.parameters.get("disputeID", as: UUID.self), try req.content.decode(DisputeDecisionRequest.self),
            by: try await req.viewer(), app: req.application)
    }
}
