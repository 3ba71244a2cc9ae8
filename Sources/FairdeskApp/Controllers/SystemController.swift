import Fluent
import Foundation
import SQLKit
import Vapor

/// `/health`, `/metrics` and `/openapi.yaml`: for load balancers, Prometheus and API clients.
struct SystemController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("health", use: health)
        routes.get("metrics", use: metrics)
        routes.get("openapi.yaml", use: openAPI)
    }

    struct HealthDTO: Content {
        var status: String
        var database: String
        var detail: String?
    }

    @Sendable func health(req: Request) async throws -> Response {
        let dialect = req.db.sql.dialect.name
        do {
            try await req.db.sql.raw("SELECT 1").run()
            return try await HealthDTO(status: "ok", database: dialect, detail: nil).encodeResponse(for: req)
        } catch {
            req.logger.error("health check: database unreachable: \(String(reflecting: error))")
            return try await HealthDTO(status: "unavailable", database: dialect, detail: "the database did not answer")
                .encodeResponse(status: .serviceUnavailable, for: req)
        }
    }

    @Sendable func metrics(req: Request) async throws -> Response {
        var buffer: [UInt8] = []
        req.fairdesk.metrics.emit(into: &buffer)
        // Read from this database when asked, so the figure is exact whichever process answers; left
        // out when the database does not answer, so the process's own figures still come.
        if let waiting = try? await BotDesk.backlog(on: req.db).messages {
            buffer += Array(
                """
                # HELP fairdesk_bot_pending Customer messages stored and still waiting for the bot's answer.
                # TYPE fairdesk_bot_pending gauge
                fairdesk_bot_pending \(waiting)

                """.utf8)
        }
        let response = Response(status: .ok, body: .init(data: Data(buffer)))
        response.headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        return response
    }

    /// The spec lives next to the sources (and is linked from the repository root as `openapi.yaml`).
    static let openAPIText: String? = Bundle.module.url(
        forResource: "openapi", withExtension: "yaml", subdirectory: "Resources"
    )
    .flatMap { try? String(contentsOf: $0, encoding: .utf8) }

    @Sendable func openAPI(req: Request) async throws -> Response {
        guard let text = Self.openAPIText else { throw ApiError.notFound("openapi.yaml") }
        let response = Response(status: .ok, body: .init(string: text))
        response.headers.replaceOrAdd(name: .contentType, value: "application/yaml; charset=utf-8")
        return response
    }
}
