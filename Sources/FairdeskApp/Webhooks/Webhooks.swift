import Crypto
import FairdeskCore
import Fluent
import Foundation
import NIOCore
import SQLKit
import Vapor

/// Outbound webhooks: admins register endpoints for events; when one happens, Fairdesk stores a
/// delivery for every endpoint that asked for it, in the same transaction as the change, and a
/// `webhook.deliver` job POSTs it, signed, retrying with a growing back-off. Every attempt's
/// answer is kept, so admins see what was delivered and what failed.
///
/// Each request carries:
/// - `X-Fairdesk-Event`: the event name, `X-Fairdesk-Delivery`: the delivery id (the same on every
///   retry, so receivers can ignore repeats);
/// - `X-Fairdesk-Timestamp`: Unix seconds at sending;
/// - `X-Fairdesk-Signature: sha256=<hex>`: HMAC-SHA256, keyed with the endpoint's secret, of
///   `<timestamp>.<body>`. Receivers recompute it and refuse old timestamps, so a captured request
///   cannot be replayed.
enum Webhooks {
    /// Attempts before a delivery is given up as failed (about 21 minutes of back-off in all:
    /// 10 s, 20 s, 40 s, … 640 s between them).
    static let maximumAttempts = 8
    /// How long an endpoint has to answer.
    static let timeout: NIOCore.TimeAmount = .seconds(10)

    struct Endpoint: Decodable, Sendable {
        var id: UUID
        var url: String
        var description: String
        var events: String
        var secret: String
        var active: Bool
        var createdAt: Date
        var updatedAt: Date

        var eventList: [String] { events.split(separator: " ").map(String.init) }
    }

    struct Delivery: Decodable, Sendable {
        var id: UUID
        var endpointId: UUID
        var event: String
        var payload: String
        var state: String
        var attempts: Int
        var lastStatus: Int?
        var lastError: String?
        var createdAt: Date
        var lastAttemptAt: Date?
        var deliveredAt: Date?
    }

    // MARK: Emitting

    /// Records `event` for every active endpoint that subscribed to it, inside the caller's
    /// transaction, and queues their delivery. `data` is the event's own fields.
    static func emit(
        _ event: WebhookEvent, data: some Encodable & Sendable, at now: Date, on db: any Database
    ) async throws {
        let read = {
            try await db.sql.raw("SELECT * FROM webhook_endpoints WHERE active = \(bind: true)")
                .all(decoding: Endpoint.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        let all =
            if let deferred = DeferredWrites.current { try await deferred.webhookEndpoints(read) } else {
                try await read()
            }
        let endpoints = all.filter { $0.eventList.contains(event.rawValue) }
        guard !endpoints.isEmpty else { return }
        for endpoint in endpoints {
            let id = TimeOrderedID.next(at: now)
            let payload = try envelope(id: id, event: event, at: now, data: data)
            try await db.insertRow(
                "webhook_deliveries",
                [
                    ("id", id), ("endpoint_id", endpoint.id), ("event", event.rawValue), ("payload", payload),
                    ("state", "pending"), ("attempts", 0), ("created_at", now),
                ])
            try await JobQueue.enqueue(
                on: db, kind: .webhookDeliver, payload: #"{"id":"\#(id)"}"#, dueAt: now, now: now,
                maxAttempts: maximumAttempts)
        }
    }

    /// The JSON body: `{"id", "event", "occurredAt", "data"}`.
    static func envelope<Body: Encodable>(id: UUID, event: WebhookEvent, at now: Date, data: Body) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(
            decoding: try encoder.encode(Envelope(id: id, event: event.rawValue, occurredAt: now, data: data)),
            as: UTF8.self)
    }

    /// `sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>.<body>").
    static func signature(secret: String, timestamp: Int, body: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(timestamp).\(body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    // MARK: Delivering

    /// Sends one delivery. A 2xx answer delivers it; anything else is recorded and thrown, so the
    /// job tries again after its back-off; on the last attempt the delivery is marked failed. The
    /// outcome is written through `records` (by default, at once).
    static func deliver(_ id: UUID, app: Application, lastAttempt: Bool, records: JobRecords? = nil) async throws {
        let records = records ?? JobRecords(writingAtOnceOn: app)
        guard
            let delivery = try await app.db.sql.raw("SELECT * FROM webhook_deliveries WHERE id = \(bind: id)")
                .first(decoding: Delivery.self, keyDecodingStrategy: .convertFromSnakeCase),
            delivery.state == "pending",
            let endpoint = try await app.db.sql.raw(
                "SELECT * FROM webhook_endpoints WHERE id = \(bind: delivery.endpointId)"
            ).first(decoding: Endpoint.self, keyDecodingStrategy: .convertFromSnakeCase)
        else { return }
        let now = app.fairdesk.clock.now
        guard endpoint.active else {
            try await record(
                id, state: "failed", status: nil, error: "the endpoint was switched off", at: now, records: records)
            return
        }
        let timestamp = Int(now.timeIntervalSince1970)
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.add(name: .userAgent, value: "Fairdesk-Webhooks/1")
        headers.add(name: "X-Fairdesk-Event", value: delivery.event)
        // As the envelope's `id` spells it.
        headers.add(name: "X-Fairdesk-Delivery", value: delivery.id.uuidString)
        headers.add(name: "X-Fairdesk-Timestamp", value: String(timestamp))
        headers.add(
            name: "X-Fairdesk-Signature",
            value: signature(secret: endpoint.secret, timestamp: timestamp, body: delivery.payload))
        let failure: String
        var status: Int?
        do {
            let response = try await app.client.post(URI(string: endpoint.url), headers: headers) { request in
                request.body = ByteBuffer(string: delivery.payload)
                request.timeout = timeout
            }
            status = Int(response.status.code)
            if (200..<300).contains(response.status.code) {
                try await record(id, state: "delivered", status: status, error: nil, at: now, records: records)
                return
            }
            let text = response.body.map { String(buffer: $0) } ?? ""
            failure =
                "the endpoint answered \(response.status.code) \(response.status.reasonPhrase)"
                + (text.isEmpty ? "" : ": " + String(text.prefix(300)))
        } catch {
            failure = "could not reach the endpoint: \(error)"
        }
        try await record(
            id, state: lastAttempt ? "failed" : "pending", status: status, error: failure, at: now, records: records)
        throw WebhookFailure(description: failure)
    }

    private struct Envelope<Body: Encodable>: Encodable {
        var id: UUID
        var event: String
        var occurredAt: Date
        var data: Body
    }

    struct WebhookFailure: Error, CustomStringConvertible {
        var description: String
    }

    private static func record(
        _ id: UUID, state: String, status: Int?, error: String?, at now: Date, records: JobRecords
    ) async throws {
        try await records.add { db in
            try await db.sql.raw(
                """
                UPDATE webhook_deliveries SET state = \(bind: state), attempts = attempts + 1, \
                last_status = \(bind: status), last_error = \(bind: error), last_attempt_at = \(bind: now), \
                delivered_at = \(bind: state == "delivered" ? now : nil) WHERE id = \(bind: id)
                """
            ).run()
        }
    }

    // MARK: Reading

    static func endpoints(on db: any Database) async throws -> [Endpoint] {
        try await db.sql.raw("SELECT * FROM webhook_endpoints ORDER BY created_at")
            .all(decoding: Endpoint.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    static func endpoint(_ id: UUID, on db: any Database) async throws -> Endpoint {
        guard
            let found = try await db.sql.raw("SELECT * FROM webhook_endpoints WHERE id = \(bind: id)")
                .first(decoding: Endpoint.self, keyDecodingStrategy: .convertFromSnakeCase)
        else { throw ApiError.notFound("webhook endpoint") }
        return found
    }

    /// The newest deliveries, of one endpoint or of all.
    static func deliveries(of endpointID: UUID?, limit: Int = 100, on db: any Database) async throws -> [Delivery] {
        var query: SQLQueryString = "SELECT * FROM webhook_deliveries"
        if let endpointID { query += " WHERE endpoint_id = \(bind: endpointID)" }
        query += " ORDER BY created_at DESC, id DESC LIMIT \(literal: limit)"
        return try await db.sql.raw(query).all(decoding: Delivery.self, keyDecodingStrategy: .convertFromSnakeCase)
    }
}

/// What admins do with webhook endpoints, the same for the API and the page. Every change is on the
/// audit log with who made it.
struct WebhookActions {
    let app: Application
    let actor: Actor

    struct Input {
        var url: String?
        var description: String?
        var events: String?
        var active: Bool?
    }

    /// Registers an endpoint; answers it with its new secret, which is shown this once.
    func create(_ input: Input) async throws -> Webhooks.Endpoint {
        var checks = Checks()
        var url: String?
        var events: [WebhookEvent] = []
        do { url = try WebhookURL.check(input.url ?? "") } catch { checks.add(error) }
        do { events = try WebhookEvent.parseList(input.events ?? "") } catch { checks.add(error) }
        let description = checks.text(input.description, field: "description", max: 200, required: false) ?? ""
        try checks.finish()
        let now = app.fairdesk.clock.now
        let id = TimeOrderedID.next(at: now)
        let secret = Secrets.token(prefix: "whsec_")
        let names = events.map(\.rawValue).joined(separator: " ")
        try await app.write { [actor, url] db in
            try await db.insertRow(
                "webhook_endpoints",
                [
                    ("id", id), ("url", url!), ("description", description), ("events", names), ("secret", secret),
                    ("active", true), ("created_by_id", actor.id), ("created_at", now), ("updated_at", now),
                ])
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "webhook.created", subjectType: "webhook_endpoint",
                subjectID: id, reason: nil, details: ["url": url!, "events": names])
        }
        return try await Webhooks.endpoint(id, on: app.db)
    }

    /// Changes an endpoint's address, events or whether it is on.
    func update(_ id: UUID, _ input: Input) async throws -> Webhooks.Endpoint {
        let current = try await Webhooks.endpoint(id, on: app.db)
        var checks = Checks()
        var url = current.url
        var events = current.events
        if let raw = input.url {
            do { url = try WebhookURL.check(raw) } catch { checks.add(error) }
        }
        if let raw = input.events {
            do { events = try WebhookEvent.parseList(raw).map(\.rawValue).joined(separator: " ") } catch {
                checks.add(error)
            }
        }
        let description =
            checks.text(input.description, field: "description", max: 200, required: false) ?? current.description
        try checks.finish()
        let active = input.active ?? current.active
        let now = app.fairdesk.clock.now
        try await app.write { [actor, url, events] db in
            try await db.sql.raw(
                """
                UPDATE webhook_endpoints SET url = \(bind: url), events = \(bind: events), \
                description = \(bind: description), active = \(bind: active), updated_at = \(bind: now) \
                WHERE id = \(bind: id)
                """
            ).run()
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "webhook.changed", subjectType: "webhook_endpoint",
                subjectID: id, reason: nil,
                details: ["url": url, "events": events, "active": active ? "yes" : "no"])
        }
        return try await Webhooks.endpoint(id, on: app.db)
    }

    /// Sends a failed delivery again, with a fresh round of attempts.
    func retry(delivery id: UUID) async throws {
        let now = app.fairdesk.clock.now
        try await app.write { [actor] db in
            struct Found: Decodable { var state: String }
            guard
                let found = try await db.sql.raw("SELECT state FROM webhook_deliveries WHERE id = \(bind: id)")
                    .first(decoding: Found.self)
            else { throw ApiError.notFound("webhook delivery") }
            guard found.state == "failed" else {
                throw ApiError.conflict("only a failed delivery can be sent again (this one is \(found.state))")
            }
            try await db.sql.raw("UPDATE webhook_deliveries SET state = 'pending' WHERE id = \(bind: id)").run()
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "webhook.retried", subjectType: "webhook_delivery",
                subjectID: id, reason: "sent again by hand after every attempt failed")
            try await JobQueue.enqueue(
                on: db, kind: .webhookDeliver, payload: #"{"id":"\#(id)"}"#, dueAt: now, now: now,
                maxAttempts: Webhooks.maximumAttempts)
        }
    }
}

/// The `data` of `case.created` and `case.resolved`.
struct CaseEventData: Encodable, Sendable {
    var caseId: UUID
    var number: Int64
    var subject: String
    var status: String
    var channel: String
    var tier: String
    var customerId: UUID
    var queueId: UUID?
    var createdAt: Date
    var resolvedAt: Date?

    init(_ supportCase: SupportCase) {
        caseId = supportCase.id!  // Events are sent for stored cases only.
        number = supportCase.number
        subject = supportCase.subject
        status = supportCase.status.rawValue
        channel = supportCase.channel.rawValue
        tier = supportCase.tier
        customerId = supportCase.$customer.id
        queueId = supportCase.$queue.id
        createdAt = supportCase.createdAt
        resolvedAt = supportCase.resolvedAt
    }
}

/// The `data` of `promise.due`.
struct PromiseDueData: Encodable, Sendable {
    var promiseId: UUID
    var caseId: UUID
    var caseNumber: Int64
    var kind: String
    var headline: String
    var dueAt: Date
    var ownerId: UUID
    /// The policy the promise was made under ("refunds v2").
    var policy: String?
}

/// The `data` of `survey.answered`.
struct SurveyAnsweredData: Encodable, Sendable {
    var surveyId: UUID
    var caseId: UUID
    var caseNumber: Int64
    var solved: Bool
    var reason: String?
    /// Who the answer was put down to (agent, policy, product, delivery, process) and under which policy.
    var attribution: String?
    var policy: String?
    var comment: String?
}
