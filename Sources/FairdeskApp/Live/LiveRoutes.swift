import FairdeskCore
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// `/live`: the socket open inbox and case pages listen on. It tells staff about changes to cases
/// they may read; the page then fetches what changed (see `fairdesk.js`).
struct LiveRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(RoleGuard(Role.caseWorkers)).webSocket(
            "live",
            shouldUpgrade: { req in
                // Browsers send cookies with cross-site WebSocket requests; only our own pages may connect.
                if let origin = req.headers.first(name: .origin), let host = req.headers.first(name: .host),
                    URLComponents(string: origin)?.host.map({ host == $0 || host.hasPrefix($0 + ":") }) != true
                {
                    throw ApiError.forbidden("live updates are only for Fairdesk's own pages")
                }
                _ = try await req.viewer(Role.caseWorkers)
                return [:]
            },
            onUpgrade: { req, ws in
                guard let viewer = try? await req.viewer(Role.caseWorkers) else {
                    try? await ws.close(code: .policyViolation)
                    return
                }
                let access = viewer.access
                let hub = req.fairdesk.live
                let (id, events) = await hub.subscribe { CaseAccess.canRead($0.access, by: access) }
                ws.pingInterval = .seconds(25)
                ws.onClose.whenComplete { _ in Task { await hub.unsubscribe(id) } }
                let encoder = JSONEncoder()
                for await event in events {
                    guard let data = try? encoder.encode(event) else { continue }
                    try? await ws.send(String(decoding: data, as: UTF8.self))
                }
            })
    }
}

/// `/widget/socket`: one chat widget visitor. The visitor's browser keeps a random visitor id (the
/// chat identity); with it, a returning visitor gets the earlier conversation, and after a dropped
/// connection the widget asks for what it missed and re-sends what it could not send.
struct WidgetRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.webSocket("widget", "socket", maxFrameSize: .init(integerLiteral: 64 * 1024)) { req, ws in
            let session = WidgetSession(app: req.application, socket: ws, logger: req.logger)
            ws.pingInterval = .seconds(25)
            ws.onText { _, text in await session.receive(text) }
            ws.onClose.whenComplete { _ in Task { await session.close() } }
        }
    }
}

/// The server side of one widget connection.
actor WidgetSession {
    struct Incoming: Decodable {
        var type: String
        var visitorId: String?
        var name: String?
        var after: String?
        var clientId: String?
        var body: String?
    }

    struct Message: Encodable {
        var id: UUID
        var direction: String
        var author: String
        var body: String
        var at: String
        var cursor: String
    }

    struct Outgoing: Encodable {
        var type: String
        var messages: [Message]? = nil
        var message: Message? = nil
        var clientId: String? = nil
        var error: String? = nil
    }

    let app: Application
    let socket: WebSocket
    let logger: Logger
    private var identity: Identity?
    private var name: String?
    private let customer = NIOLockedValueBox<UUID?>(nil)
    private var subscription: UUID?
    private var listener: Task<Void, Never>?

    init(app: Application, socket: WebSocket, logger: Logger) {
        self.app = app
        self.socket = socket
        self.logger = logger
    }

    func receive(_ text: String) async {
        guard let incoming = try? JSONDecoder().decode(Incoming.self, from: Data(text.utf8)) else {
            return await send(Outgoing(type: "error", error: "messages must be JSON with a type"))
        }
        do {
            switch incoming.type {
            case "hello": try await hello(incoming)
            case "send": try await post(incoming)
            default: await send(Outgoing(type: "error", error: "unknown message type \(incoming.type)"))
            }
        } catch let failure as ValidationFailure {
            await send(Outgoing(type: "error", clientId: incoming.clientId, error: failure.summary))
        } catch {
            logger.report(error: error)
            await send(
                Outgoing(type: "error", clientId: incoming.clientId, error: "that did not work; it will be retried"))
        }
    }

    /// The widget introduces itself: who it is and the last message it has.
    private func hello(_ incoming: Incoming) async throws {
        identity = try Identity(kind: .chat, raw: incoming.visitorId ?? "", field: "visitorId")
        name =
            incoming.name.flatMap { $0.isEmpty ? nil : String($0.prefix(100)) }
            ?? "Chat visitor \(identity!.value.dropFirst(2).prefix(6))"
        let owner = try await CustomerDirectory(db: app.db, now: app.fairdesk.clock.now).owner(of: identity!)
        customer.withLockedValue { $0 = owner?.id }
        await listen()
        guard let customerID = owner?.id else { return await send(Outgoing(type: "history", messages: [])) }
        let queries = CaseQueries(db: app.db)
        let entries: [TimelineEntry]
        if let cursor = (try? PageCursor.decode(incoming.after)) ?? nil {
            entries = try await queries.timeline(
                customerID: customerID, caseIDs: nil, includeInternal: false, since: cursor)
        } else {
            entries = try await queries.timeline(
                customerID: customerID, caseIDs: nil, includeInternal: false, limit: 50, after: nil
            ).reversed()
        }
        await send(Outgoing(type: "history", messages: entries.filter { $0.kind == .message }.map(Self.message)))
    }

    /// The visitor wrote. The client's id for the message makes a re-send after a dropped
    /// connection harmless: the second copy is recognised and not stored twice.
    private func post(_ incoming: Incoming) async throws {
        guard let identity else { throw ValidationFailure(field: "type", rule: "must start with hello") }
        var checks = Checks()
        let body = checks.text(incoming.body, field: "body", max: 5_000)
        let clientID = checks.text(incoming.clientId, field: "clientId", max: 64)
        try checks.finish()
        let service = InboundService(
            config: app.fairdesk.config, now: app.fairdesk.clock.now, actor: Actor(id: nil, label: "Chat widget"),
            catalogs: app.fairdesk.catalog, botOn: app.fairdesk.config.bot.enabled)
        let message = InboundService.Message(
            channel: .chat, identity: identity, name: name, subject: nil, body: body!, caseNumber: nil,
            externalID: "widget:\(clientID!)")
        let outcome = try await service.receive(message, app: app)
        let result = outcome.result
        let known = customer.withLockedValue { $0 }
        customer.withLockedValue { $0 = result.customerId }
        if known == nil { await listen() }
        await service.publish(outcome, app: app)
        await send(Outgoing(type: "ack", clientId: clientID))
    }

    /// Subscribes to new messages of this visitor's customer (once, however often hello comes).
    private func listen() async {
        guard subscription == nil else { return }
        let customer = customer
        let (id, events) = await app.fairdesk.live.subscribe { event in
            event.kind != .supportCase || event.entryId != nil
                ? event.direction != Direction.internal.rawValue && event.customerId == customer.withLockedValue { $0 }
                : false
        }
        subscription = id
        listener = Task { [weak self] in
            for await event in events {
                guard let self, let entryID = event.entryId else { continue }
                await self.deliver(entryID)
            }
        }
    }

    private func deliver(_ entryID: UUID) async {
        guard let entry = try? await TimelineEntry.find(entryID, on: app.db), entry.kind == .message,
            entry.direction != .internal
        else { return }
        await send(Outgoing(type: "message", message: Self.message(entry)))
    }

    static func message(_ entry: TimelineEntry) -> Message {
        Message(
            id: entry.id!, direction: entry.direction.rawValue, author: entry.authorLabel, body: entry.body,
            at: PageTime.iso(entry.occurredAt), cursor: PageCursor(at: entry.occurredAt, id: entry.id!).encoded)
    }

    private func send(_ outgoing: Outgoing) async {
        guard let data = try? JSONEncoder().encode(outgoing) else { return }
        try? await socket.send(String(decoding: data, as: UTF8.self))
    }

    func close() async {
        listener?.cancel()
        if let subscription { await app.fairdesk.live.unsubscribe(subscription) }
        subscription = nil
    }
}
