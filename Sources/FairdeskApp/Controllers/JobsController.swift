import FairdeskCore
import Fluent
import Foundation
import Vapor

/// `/api/v1/jobs`: what the background workers have waiting, running and dead, for admins.
struct JobsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let jobs = routes.grouped("jobs").grouped(RoleGuard([.admin]))
        jobs.get(use: overview)
        jobs.post(":jobID", "retry", use: retry)
    }

    @Sendable func overview(req: Request) async throws -> JobsOverviewDTO {
        let state: String = req.query["state"] ?? "dead"
        guard ["queued", "running", "dead"].contains(state) else {
            throw ApiError.invalid(field: "state", rule: "must be one of queued, running, dead")
        }
        return try await JobsOverviewDTO.load(on: req.db, state: state)
    }

    @Sendable func retry(req: Request) async throws -> HTTPStatus {
        try await JobAdmin(req).retry(req.parameters.get("jobID", as: UUID.self))
        return .noContent
    }
}

/// Admin actions on jobs, the same for the API and the admin page.
struct JobAdmin {
    let app: Application
    let viewer: Viewer

    init(_ req: Request) async throws {
        self.app = req.application
        self.viewer = try await req.viewer([.admin])
    }

    /// Gives a dead job a fresh set of attempts, and records who did it.
    func retry(_ id: UUID?) async throws {
        guard let id else { throw ApiError.notFound("dead job") }
        let now = app.fairdesk.clock.now
        let actor = viewer.actor
        try await app.write { db in
            guard try await JobQueue.retry(on: db, id: id, now: now) else { throw ApiError.notFound("dead job") }
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "job.retried", subjectType: "job", subjectID: id,
                reason: "retried by hand after it failed every attempt")
        }
    }
}

/// Job counts by state and kind, and one state's newest jobs.
struct JobsOverviewDTO: Content {
    var counts: [JobCount]
    var state: String
    var jobs: [JobRow]

    static func load(on db: any Database, state: String) async throws -> Self {
        let counts = try await JobQueue.counts(on: db)
        let jobs = try await JobQueue.list(on: db, state: state, limit: 200)
        return Self(counts: counts, state: state, jobs: jobs)
    }
}
