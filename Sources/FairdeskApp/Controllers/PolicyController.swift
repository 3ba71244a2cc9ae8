import FairdeskCore
import Fluent
import Foundation
import Vapor

/// `/api/v1/policies`: written, versioned policies. Policy owners write, publish, withdraw and
/// chase them; everyone bound reads every version, compares two, and acknowledges; code and
/// reviewers ask which version was in force at a given time.
struct PolicyController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let policies = routes.grouped("policies")
        let readers = policies.grouped(RoleGuard(Role.workforce))
        readers.get(use: list)
        readers.get(":key", use: detail)
        readers.get(":key", "versions", ":number", use: version)
        readers.post(":key", "versions", ":number", "acknowledge", use: acknowledge)
        readers.get(":key", "compare", use: compare)
        readers.get(":key", "in-force", use: inForce)
        let owners = policies.grouped(RoleGuard([.policyOwner]))
        owners.post(use: create)
        owners.post(":key", "versions", use: publish)
        owners.post(":key", "versions", ":number", "withdraw", use: withdraw)
        owners.post(":key", "versions", ":number", "remind", use: remind)
        policies.grouped(RoleGuard([.policyOwner, .admin]))
            .get(":key", "versions", ":number", "acknowledgments", use: acknowledgments)
        let notice = routes.grouped("policy-notice-periods")
        notice.grouped(RoleGuard([.policyOwner, .admin])).get(use: noticePeriods)
        notice.grouped(RoleGuard([.admin])).put(use: saveNoticePeriod)
    }

    private func number(_ req: Request) -> Int? { req.parameters.get("number", as: Int.self) }

    @Sendable func list(req: Request) async throws -> [PolicySummaryDTO] {
        try await PolicyQueries(req).list()
    }

    @Sendable func create(req: Request) async throws -> Response {
        let policy = try await PolicyActions(req).createPolicy(try req.content.decode(CreatePolicyRequest.self))
        return try await PolicyQueries(req).detail(policy.key).encodeResponse(status: .created, for: req)
    }

    @Sendable func detail(req: Request) async throws -> PolicyDetailDTO {
        try await PolicyQueries(req).detail(req.parameters.get("key"))
    }

    @Sendable func publish(req: Request) async throws -> Response {
        let key = req.parameters.get("key")
        let stored = try await PolicyActions(req).publish(
            key: key, try req.content.decode(PublishVersionRequest.self))
        return try await PolicyQueries(req).version(key, stored.number).encodeResponse(status: .created, for: req)
    }

    @Sendable func version(req: Request) async throws -> PolicyVersionDTO {
        try await PolicyQueries(req).version(req.parameters.get("key"), number(req))
    }

    @Sendable func acknowledge(req: Request) async throws -> PolicyVersionDTO {
        let key = req.parameters.get("key")
        _ = try await PolicyActions(req).acknowledge(key: key, number: number(req))
        return try await PolicyQueries(req).version(key, number(req))
    }

    @Sendable func withdraw(req: Request) async throws -> PolicyVersionDTO {
        let key = req.parameters.get("key")
        try await PolicyActions(req).withdraw(
            key: key, number: number(req), try req.content.decode(WithdrawVersionRequest.self))
        return try await PolicyQueries(req).version(key, number(req))
    }

    @Sendable func remind(req: Request) async throws -> AcknowledgmentsDTO {
        let key = req.parameters.get("key")
        _ = try await PolicyActions(req).remind(key: key, number: number(req))
        return try await PolicyQueries(req).acknowledgments(key, number(req))
    }

    @Sendable func acknowledgments(req: Request) async throws -> AcknowledgmentsDTO {
        try await PolicyQueries(req).acknowledgments(req.parameters.get("key"), number(req))
    }

    @Sendable func compare(req: Request) async throws -> PolicyComparisonDTO {
        try await PolicyQueries(req).compare(
            req.parameters.get("key"), from: try? req.query.get(Int.self, at: "from"),
            to: try? req.query.get(Int.self, at: "to"))
    }

    @Sendable func inForce(req: Request) async throws -> PolicyInForceDTO {
        let at: Date
        if let text = try? req.query.get(String.self, at: "at") {
            guard let parsed = ISO8601DateFormatter().date(from: text) else {
                throw ApiError.invalid(field: "at", rule: "must be a time like 2026-12-01T09:00:00Z")
            }
            at = parsed
        } else {
            at = req.now
        }
        return try await PolicyQueries(req).inForce(req.parameters.get("key"), at: at)
    }

    @Sendable func noticePeriods(req: Request) async throws -> [NoticePeriodDTO] {
        try await PolicyStore.noticePeriods(on: req.db).map(NoticePeriodDTO.init)
    }

    @Sendable func saveNoticePeriod(req: Request) async throws -> [NoticePeriodDTO] {
        _ = try await PolicyActions(req).saveNoticePeriod(try req.content.decode(NoticePeriodRequest.self))
        return try await PolicyStore.noticePeriods(on: req.db).map(NoticePeriodDTO.init)
    }
}
