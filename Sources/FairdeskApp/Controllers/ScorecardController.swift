import FairdeskCore
import Fluent
import Foundation
import Vapor

/// Scorecards through the API: an agent's own, any agent's for leads, and the team's side by side.
struct ScorecardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let own = routes.grouped(RoleGuard([.agent, .lead]))
        own.get("agents", "me", "scorecard", use: mine)
        own.get("agents", "me", "scorecard", "items", use: myItems)
        let leads = routes.grouped(RoleGuard(Role.supervisors))
        leads.get("agents", ":agentID", "scorecard", use: agent)
        leads.get("agents", ":agentID", "scorecard", "items", use: agentItems)
        leads.get("scorecards", "team", use: team)
    }

    @Sendable func mine(req: Request) async throws -> ScorecardDTO {
        let period = try ReportPeriod(req)
        return try await Scorecards(db: req.db, now: req.now).scorecard(
            of: try await req.viewer().user, from: period.from, to: period.to)
    }

    @Sendable func agent(req: Request) async throws -> ScorecardDTO {
        let period = try ReportPeriod(req)
        return try await Scorecards(db: req.db, now: req.now).scorecard(
            of: try await Self.agent(req), from: period.from, to: period.to)
    }

    @Sendable func myItems(req: Request) async throws -> ScorecardItemsDTO {
        try await items(req, of: try await req.viewer().user)
    }

    @Sendable func agentItems(req: Request) async throws -> ScorecardItemsDTO {
        try await items(req, of: try await Self.agent(req))
    }

    /// The agent or lead named in the path; 404 for anyone else.
    static func agent(_ req: Request) async throws -> User {
        guard let id = req.parameters.get("agentID", as: UUID.self), let user = try await User.find(id, on: req.db),
            [.agent, .lead].contains(user.role)
        else { throw ApiError.notFound("agent") }
        return user
    }

    func items(_ req: Request, of agent: User) async throws -> ScorecardItemsDTO {
        let period = try ReportPeriod(req)
        let figure = try Self.figure(req.query[String.self, at: "figure"])
        let channel = req.query[String.self, at: "channel"].flatMap { $0.isEmpty ? nil : $0 }
        if let channel, ContactChannel(rawValue: channel) == nil {
            throw ApiError.invalid(
                field: "channel",
                rule: "must be one of \(ContactChannel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let items = try await Scorecards(db: req.db, now: req.now).items(
            of: agent, figure: figure, channel: channel, from: period.from, to: period.to)
        return ScorecardItemsDTO(
            agentId: try agent.requireID(), figure: figure, channel: channel, from: period.from, to: period.to,
            items: items)
    }

    /// The `figure` asked for; 422 naming the field and the figures there are.
    static func figure(_ text: String?) throws -> ScorecardFigure {
        guard let text, !text.isEmpty else {
            throw ApiError.invalid(field: "figure", rule: "is required: one of \(ScorecardFigure.names)")
        }
        guard let figure = ScorecardFigure(rawValue: text) else {
            throw ApiError.invalid(field: "figure", rule: "must be one of \(ScorecardFigure.names)")
        }
        return figure
    }

    @Sendable func team(req: Request) async throws -> TeamScorecardDTO {
        let period = try ReportPeriod(req)
        return try await Scorecards(db: req.db, now: req.now).team(from: period.from, to: period.to)
    }
}
