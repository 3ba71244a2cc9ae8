import FairdeskCore
import Fluent
import Foundation
import Vapor

/// `/admin/webhooks`: admins register endpoints, switch them off and on, and see every delivery,
/// with failed ones sent again by hand.
struct WebhookPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admins = routes.grouped("admin", "webhooks").grouped(WebGuard([.admin]))
        admins.get(use: page)
        admins.post(use: create)
        admins.post(":endpointID", "active", use: toggle)
        admins.post("deliveries", ":deliveryID", "retry", use: retry)
    }

    struct EndpointRow: Encodable {
        var id: String
        var url: String
        var description: String
        var events: String
        var active: Bool
        var toggleAction: String
    }

    struct DeliveryRow: Encodable {
        var url: String
        var event: String
        var state: String
        var attempts: Int
        var status: String
        var error: String
        var created: String
        var failed: Bool
        var retryAction: String
    }

    struct EventOption: Encodable {
        var name: String
        var meaning: String
        var checked: Bool
    }

    struct Page: Encodable {
        var layout: LayoutContext
        var endpoints: [EndpointRow]
        var hasEndpoints: Bool
        var deliveries: [DeliveryRow]
        var hasDeliveries: Bool
        var events: [EventOption]
        var form: FormState
        /// Shown once, right after the endpoint was made.
        var newSecret: String?
        var newURL: String?
    }

    private func render(
        _ req: Request, form: FormState = FormState(), status: HTTPStatus = .ok, created: Webhooks.Endpoint? = nil
    ) async throws -> Response {
        let endpoints = try await Webhooks.endpoints(on: req.db)
        let urls = Dictionary(uniqueKeysWithValues: endpoints.map { ($0.id, $0.url) })
        let deliveries = try await Webhooks.deliveries(of: nil, on: req.db)
        let chosen = Set((form.values["events"] ?? "").split(separator: " ").map(String.init))
        let page = Page(
            layout: LayoutContext(req, title: "Webhooks", current: .adminWebhooks),
            endpoints: endpoints.map {
                EndpointRow(
                    id: $0.id.uuidString, url: $0.url, description: $0.description,
                    events: $0.eventList.joined(separator: ", "), active: $0.active,
                    toggleAction: SitePath.adminWebhookAction("\($0.id)/active").path)
            }, hasEndpoints: !endpoints.isEmpty,
            deliveries: deliveries.map {
                DeliveryRow(
                    url: urls[$0.endpointId] ?? "", event: $0.event, state: $0.state, attempts: $0.attempts,
                    status: $0.lastStatus.map(String.init) ?? "", error: $0.lastError ?? "",
                    created: PageTime.text($0.createdAt), failed: $0.state == "failed",
                    retryAction: SitePath.adminWebhookAction("deliveries/\($0.id)/retry").path)
            }, hasDeliveries: !deliveries.isEmpty,
            events: WebhookEvent.allCases.map {
                EventOption(name: $0.rawValue, meaning: $0.meaning, checked: chosen.contains($0.rawValue))
            }, form: form, newSecret: created?.secret, newURL: created?.url)
        let response = try await req.view.render("admin-webhooks", page).encodeResponse(for: req)
        response.status = status
        return response
    }

    @Sendable func page(req: Request) async throws -> Response { try await render(req) }

    @Sendable func create(req: Request) async throws -> Response {
        struct Form: Content {
            var url: String?
            var description: String?
            var events: [String]?
        }
        let form = try req.content.decode(Form.self)
        let events = (form.events ?? []).joined(separator: " ")
        do {
            let endpoint = try await WebhookActions(app: req.application, actor: try await req.viewer().actor).create(
                .init(url: form.url, description: form.description, events: events))
            return try await render(req, status: .created, created: endpoint)
        } catch let error as ValidationFailure {
            let state = FormState(
                form: "create-webhook",
                values: ["url": form.url ?? "", "description": form.description ?? "", "events": events],
                problems: error.problems)
            return try await render(req, form: state, status: .unprocessableEntity)
        }
    }

    @Sendable func toggle(req: Request) async throws -> Response {
        let id = try req.parameters.require("endpointID", as: UUID.self)
        let current = try await Webhooks.endpoint(id, on: req.db)
        _ = try await WebhookActions(app: req.application, actor: try await req.viewer().actor).update(
            id, .init(active: !current.active))
        req.flash(current.active ? "Endpoint \(current.url) switched off." : "Endpoint \(current.url) switched on.")
        return req.redirect(to: SitePath.adminWebhooks.path)
    }

    @Sendable func retry(req: Request) async throws -> Response {
        try await WebhookActions(app: req.application, actor: try await req.viewer().actor).retry(
            delivery: try req.parameters.require("deliveryID", as: UUID.self))
        req.flash("The delivery will be sent again.")
        return req.redirect(to: SitePath.adminWebhooks.path)
    }
}
