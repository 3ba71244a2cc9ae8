import Crypto
import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import FairdeskApp

/// A real HTTP server that records what webhooks POST to it and answers with `status`.
final class WebhookReceiver: @unchecked Sendable {
    struct Request: Sendable {
        var headers: HTTPHeaders
        var body: String
    }

    private let lock = NSLock()
    private var received: [Request] = []
    private var answer: HTTPResponseStatus = .ok
    let app: Application
    let port: Int

    var requests: [Request] { lock.withLock { received } }
    func answer(with status: HTTPResponseStatus) { lock.withLock { answer = status } }
    var url: String { "http://127.0.0.1:\(port)/hooks" }

    private init(app: Application, port: Int) {
        self.app = app
        self.port = port
    }

    static func start() async throws -> WebhookReceiver {
        let app = try await Application.make(.testing)
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        let box = Box()
        app.post("hooks") { req async -> HTTPStatus in
            box.receiver?.record(Request(headers: req.headers, body: req.body.string ?? "")) ?? .ok
        }
        try await app.server.start()
        let receiver = WebhookReceiver(app: app, port: try #require(app.http.server.shared.localAddress?.port))
        box.receiver = receiver
        return receiver
    }

    private func record(_ request: Request) -> HTTPStatus {
        lock.withLock {
            received.append(request)
            return answer
        }
    }

    func stop() async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
    }

    private final class Box: @unchecked Sendable {
        var receiver: WebhookReceiver?
    }
}

@Suite("Outbound webhooks")
struct WebhookTests {
    struct Delivery: Decodable {
        var id: UUID
        var state: String
        var attempts: Int
        var lastStatus: Int?
        var lastError: String?
    }

    func deliveries(_ fd: TestFairdesk) async throws -> [Delivery] {
        try await (fd.app.db as! any SQLDatabase).raw("SELECT * FROM webhook_deliveries ORDER BY created_at")
            .all(decoding: Delivery.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    @Test("an admin registers an endpoint; a new case is POSTed to it, signed with its secret, and shown delivered")
    func signedDelivery() async throws {
        let receiver = try await WebhookReceiver.start()
        try await TestFairdesk.with { fd in
            let created = try await fd.send(
                .POST, "api/v1/webhooks", as: fd.admin,
                json: WebhookEndpointRequest(
                    url: receiver.url, description: "ERP", events: ["case.created", "case.resolved"], active: nil))
            #expect(created.status == .created)
            let endpoint = try fd.decode(WebhookEndpointDTO.self, created)
            let secret = try #require(endpoint.secret)
            #expect(secret.hasPrefix("whsec_"))
            // The secret is never shown again.
            let listed = try fd.decode(
                [WebhookEndpointDTO].self, try await fd.send(.GET, "api/v1/webhooks", as: fd.admin))
            #expect(listed.map(\.secret) == [nil])

            let made = try await fd.inbound(from: "casey@example.com", body: "Broken lid")
            #expect(try await deliveries(fd).map(\.state) == ["pending"])
            _ = try await JobWorker(app: fd.app).drain()
            #expect(try await deliveries(fd).map(\.state) == ["delivered"])

            let request = try #require(receiver.requests.first)
            #expect(request.headers.first(name: "X-Fairdesk-Event") == "case.created")
            let timestamp = try #require(request.headers.first(name: "X-Fairdesk-Timestamp"))
            let expected = HMAC<SHA256>.authenticationCode(
                for: Data("\(timestamp).\(request.body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
            #expect(
                request.headers.first(name: "X-Fairdesk-Signature")
                    == "sha256=" + expected.map { String(format: "%02x", $0) }.joined())
            let body = try #require(
                try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any])
            #expect(body["event"] as? String == "case.created")
            let data = try #require(body["data"] as? [String: Any])
            #expect(data["number"] as? Int == Int(made.caseNumber))
            #expect(data["caseId"] as? String == made.caseId.uuidString)
        }
        try await receiver.stop()
    }

    @Test("a failing endpoint is retried and its answers kept; after the last attempt it is failed and can be resent")
    func failuresVisible() async throws {
        let receiver = try await WebhookReceiver.start()
        receiver.answer(with: .internalServerError)
        try await TestFairdesk.with { fd in
            _ = try await WebhookActions(app: fd.app, actor: Actor(id: nil, label: "test")).create(
                .init(url: receiver.url, description: nil, events: "case.created"))
            _ = try await fd.inbound(from: "casey@example.com", body: "Broken lid")
            _ = try await JobWorker(app: fd.app).drain()
            var delivery = try #require(try await deliveries(fd).first)
            #expect(delivery.state == "pending")
            #expect(delivery.attempts == 1)
            #expect(delivery.lastStatus == 500)
            #expect(delivery.lastError?.contains("500") == true)
            // The job waits out its back-off before the next attempt.
            fd.clock.advance(by: 11)
            _ = try await JobWorker(app: fd.app).drain()
            #expect(try await deliveries(fd).first?.attempts == 2)

            await #expect(throws: (any Error).self) {
                try await Webhooks.deliver(delivery.id, app: fd.app, lastAttempt: true)
            }
            delivery = try #require(try await deliveries(fd).first)
            #expect(delivery.state == "failed")

            receiver.answer(with: .noContent)
            let retried = try await fd.send(
                .POST, "api/v1/webhooks/deliveries/\(delivery.id)/retry", as: fd.admin)
            #expect(retried.status == .accepted)
            _ = try await JobWorker(app: fd.app).drain()
            #expect(try await deliveries(fd).first?.state == "delivered")
            #expect(receiver.requests.count == 4)
        }
        try await receiver.stop()
    }

    @Test("bad endpoints are refused naming the field and rule; only admins manage webhooks")
    func badInput() async throws {
        try await TestFairdesk.with { fd in
            let response = try await fd.send(
                .POST, "api/v1/webhooks", as: fd.admin,
                json: WebhookEndpointRequest(
                    url: "ftp://example.com", description: nil, events: ["case.created", "case.exploded"],
                    active: nil))
            #expect(response.status == .unprocessableEntity)
            let problems = try fd.problems(response)
            #expect(problems.contains("url: must be an absolute http:// or https:// address"))
            #expect(
                problems.contains {
                    $0.hasPrefix("events: must name only known events") && $0.hasSuffix("case.exploded")
                })
            #expect(try await fd.count("webhook_endpoints") == 0)
            let lead = try await fd.send(.GET, "api/v1/webhooks", as: fd.lead)
            #expect(lead.status == .forbidden)
        }
    }
}
