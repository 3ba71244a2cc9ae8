import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// Promises made to customers: recorded on a case, kept by an agent's confirmation or an order
/// system's signed event, and reported by agent, team and kind.
struct PromiseController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let readers = routes.grouped(RoleGuard(Role.caseWorkers.union([.customer])))
        readers.get("cases", ":caseID", "promises", use: forCase)
        let workers = routes.grouped(RoleGuard(Role.caseWorkers))
        workers.post("cases", ":caseID", "promises", use: make)
        workers.post("promises", ":promiseID", "confirm", use: confirm)
        // The order system has no login: its events are signed with the shared secret instead.
        routes.post("promises", ":promiseID", "events", use: event)
        routes.grouped(RoleGuard(Role.supervisors)).get("reports", "promises", use: report)
    }

    @Sendable func forCase(req: Request) async throws -> [PromiseDTO] {
        let viewer = try await req.viewer()
        let supportCase = try await CaseActions.load(
            req.parameters.get("caseID", as: UUID.self), for: viewer, on: req.db)
        let promises = try await PromiseStore.dtos(
            try await PromiseStore.forCase(supportCase.requireID(), on: req.db), now: req.now, on: req.db)
        guard viewer.role == .customer else { return promises }
        // Customers see what was promised and where it stands, not staff's evidence and notes.
        return promises.map {
            var shown = $0
            shown.evidence = nil
            shown.keptBy = nil
            shown.events = []
            return shown
        }
    }

    @Sendable func make(req: Request) async throws -> Response {
        let viewer = try await req.viewer()
        let id = try await PromiseActions(app: req.application).make(
            caseID: req.parameters.get("caseID", as: UUID.self), try req.content.decode(PromiseRequest.self),
            by: viewer)
        return try await one(id, req).encodeResponse(status: .created, for: req)
    }

    @Sendable func confirm(req: Request) async throws -> PromiseDTO {
        let viewer = try await req.viewer()
        let id = req.parameters.get("promiseID", as: UUID.self)
        try await PromiseActions(app: req.application).confirm(
            id, note: try req.content.decode(ConfirmPromiseRequest.self).note, by: viewer)
        return try await one(id, req)
    }

    @Sendable func event(req: Request) async throws -> Response {
        let id = req.parameters.get("promiseID", as: UUID.self)
        let recorded = try await PromiseActions(app: req.application).orderSystemEvent(
            id, body: req.body.data, signature: req.headers.first(name: "X-Fairdesk-Signature"))
        return try await one(id, req).encodeResponse(status: recorded ? .created : .ok, for: req)
    }

    private func one(_ id: UUID?, _ req: Request) async throws -> PromiseDTO {
        guard let row = try await PromiseStore.find(id, on: req.db),
            let dto = try await PromiseStore.dtos([row], now: req.now, on: req.db).first
        else { throw ApiError.notFound("promise") }
        return dto
    }

    @Sendable func report(req: Request) async throws -> PromiseReportDTO {
        let period = try ReportPeriod(req)
        return try await PromiseReports.build(from: period.from, to: period.to, now: req.now, on: req.db)
    }
}

/// Promises made in a period (both ends included), and how each ended, by agent, team and kind.
enum PromiseReports {
    static func build(from: Date, to: Date, now: Date, on db: any Database) async throws -> PromiseReportDTO {
        struct Row: Decodable {
            var kind: String
            var dueAt: Date
            var keptAt: Date?
            var ownerName: String
            var team: String
        }
        let rows = try await db.sql.raw(
            """
            SELECT p.kind, p.due_at, p.kept_at, u.name AS owner_name, u.team FROM promises p \
            JOIN users u ON u.id = p.owner_id \
            WHERE p.created_at >= \(bind: from) AND p.created_at <= \(bind: to)
            """
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        func tally(_ group: String, _ members: [Row]) -> PromiseReportDTO.Row {
            var row = PromiseReportDTO.Row(
                group: group, made: members.count, keptOnTime: 0, keptLate: 0, broken: 0, open: 0, keptOnTimeRate: nil)
            for member in members {
                switch PromiseRules.outcome(dueAt: member.dueAt, keptAt: member.keptAt, now: now) {
                case .keptOnTime: row.keptOnTime += 1
                case .keptLate: row.keptLate += 1
                case .broken: row.broken += 1
                case .open: row.open += 1
                }
            }
            let settled = row.keptOnTime + row.keptLate + row.broken
            row.keptOnTimeRate = settled > 0 ? Double(row.keptOnTime) / Double(settled) : nil
            return row
        }
        func grouped(_ key: (Row) -> String) -> [PromiseReportDTO.Row] {
            Dictionary(grouping: rows, by: key).map { tally($0.key, $0.value) }.sorted { $0.group < $1.group }
        }
        return PromiseReportDTO(
            from: from, to: to, byAgent: grouped(\.ownerName),
            byTeam: grouped { $0.team.isEmpty ? "no team" : $0.team },
            byKind: grouped(\.kind), total: tally("all", rows))
    }
}
