import FairdeskCore
import Fluent
import Foundation
import Vapor

/// Scorecards through the API: an agent's own, any agent's for leads, and the team's side by side.
struct ScorecardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(RoleGuard([.agent, .lead])).get("agents", "me", "scorecard", use: mine)
        let leads = routes.grouped(RoleGuard(Role.supervisors))
        leads.get("agents", ":agentID", "scorecard", use: agent)
        leads.get("scorecards", "team", use: team)
    }

    @Sendable func mine(req: Request) async throws -> ScorecardDTO {
        let period = try ReportPeriod(req)
        return try await Scorecards(db: req.db, now: req.now).scorecard(
            of: try await req.viewer().user, from: period.from, to: period.to)
    }

    @Sendable func agent(req: Request) async throws -> ScorecardDTO {
        let period = try ReportPeriod(req)
        guard let id = req.parameters.get("agentID", as: UUID.self), let user = try await User.find(id, on: req.db),
            [.agent, .lead].contains(user.role)
        else { throw ApiError.notFound("agent") }
        return try await Scorecards(db: req.db, now: req.now).scorecard(of: user, from: period.from, to: period.to)
    }

    @Sendable func team(req: Request) async throws -> TeamScorecardDTO {
        let period = try ReportPeriod(req)
        return try await Scorecards(db: req.db, now: req.now).team(from: period.from, to: period.to)
    }
}
