import FairdeskCore
import Fluent
import Foundation
import Vapor

/// `/api/v1/webhooks`: admins register endpoints for events and see every delivery.
struct WebhookController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let webhooks = routes.grouped("webhooks").grouped(RoleGuard([.admin]))
        webhooks.get(use: list)
        webhooks.post(use: create)
        webhooks.patch(":endpointID", use: update)
        webhooks.get(":endpointID", "deliveries", use: deliveries)
        webhooks.post("deliveries", ":deliveryID", "retry", use: retry)
    }

    @Sendable func list(req: Request) async throws -> [WebhookEndpointDTO] {
        try await Webhooks.endpoints(on: req.db).map { WebhookEndpointDTO($0, showSecret: false) }
    }

    /// Answers the endpoint with its signing secret: the only time the secret is shown.
    @Sendable func create(req: Request) async throws -> Response {
        let input = try req.content.decode(WebhookEndpointRequest.self)
        let endpoint = try await WebhookActions(app: req.application, actor: try await req.viewer().actor).create(
            .init(url: input.url, description: input.description, events: input.events?.joined(separator: " ")))
        return try await WebhookEndpointDTO(endpoint, showSecret: true).encodeResponse(status: .created, for: req)
    }

    @Sendable func update(req: Request) async throws -> WebhookEndpointDTO {
        let input = try req.content.decode(WebhookEndpointRequest.self)
        let endpoint = try await WebhookActions(app: req.application, actor: try await req.viewer().actor).update(
            try req.parameters.require("endpointID", as: UUID.self),
            .init(
                url: input.url, description: input.description, events: input.events?.joined(separator: " "),
                active: input.active))
        return WebhookEndpointDTO(endpoint, showSecret: false)
    }

    @Sendable func deliveries(req: Request) async throws -> [WebhookDeliveryDTO] {
        let id = try req.parameters.require("endpointID", as: UUID.self)
        _ = try await Webhooks.endpoint(id, on: req.db)
        return try await Webhooks.deliveries(of: id, on: req.db).map(WebhookDeliveryDTO.init)
    }

    @Sendable func retry(req: Request) async throws -> HTTPStatus {
        try await WebhookActions(app: req.application, actor: try await req.viewer().actor).retry(
            delivery: try req.parameters.require("deliveryID", as: UUID.self))
        return .accepted
    }
}

struct WebhookEndpointRequest: Content {
    var url: String?
    var description: String?
    /// Event names: case.created, case.resolved, promise.due, survey.answered, driver.decision.
    var events: [String]?
    var active: Bool?
}

struct WebhookEndpointDTO: Content {
    var id: UUID
    var url: String
    var description: String
    var events: [String]
    var active: Bool
    /// Only in the answer to the request that created the endpoint.
    var secret: String?
    var createdAt: Date
    var updatedAt: Date

    init(_ endpoint: Webhooks.Endpoint, showSecret: Bool) {
        id = endpoint.id
        url = endpoint.url
        description = endpoint.description
        events = endpoint.eventList
        active = endpoint.active
        secret = showSecret ? endpoint.secret : nil
        createdAt = endpoint.createdAt
        updatedAt = endpoint.updatedAt
    }
}

struct WebhookDeliveryDTO: Content {
    var id: UUID
    var event: String
    /// pending, delivered or failed
    var state: String
    var attempts: Int
    var lastStatus: Int?
    var lastError: String?
    var payload: String
    var createdAt: Date
    var lastAttemptAt: Date?
    var deliveredAt: Date?

    init(_ delivery: Webhooks.Delivery) {
        id = delivery.id
        event = delivery.event
        state = delivery.state
        attempts = delivery.attempts
        lastStatus = delivery.lastStatus
        lastError = delivery.lastError
        payload = delivery.payload
        createdAt = delivery.createdAt
        lastAttemptAt = delivery.lastAttemptAt
        deliveredAt = delivery.deliveredAt
    }
}
