import FairdeskCore
import Fluent
import Foundation
import Vapor

/// `/api/v1/inbound/messages`: a message from any channel, from any address. The address finds
/// the customer (or makes a new one) and the message joins their open case (or starts one).
struct InboundController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("inbound").grouped(RoleGuard(Role.caseWorkers)).post("messages", use: receive)
    }

    @Sendable func receive(req: Request) async throws -> Response {
        let input = try req.content.decode(InboundMessageRequest.self)
        var checks = Checks()
        let channel = checks.oneOf(input.channel, field: "channel", as: ContactChannel.self)
        let identity = input.from.parse(field: "from", into: &checks)
        let body = checks.text(input.body, field: "body", max: 100_000)
        let name = checks.text(input.name, field: "name", max: 200, required: false)
        let subject = checks.text(input.subject, field: "subject", max: 200, required: false)
        let externalID = checks.text(input.externalId, field: "externalId", max: 200, required: false)
        try checks.finish()

        let viewer = try await req.viewer()
        let service = InboundService(
            config: req.fairdesk.config, now: req.now, actor: viewer.actor, catalogs: req.fairdesk.catalog)
        let message = InboundService.Message(
            channel: channel!, identity: identity!, name: name, subject: subject, body: body!,
            caseNumber: input.caseNumber, externalID: externalID)
        let outcome = try await service.receive(message, app: req.application)
        await service.publish(outcome, app: req.application)
        let result = outcome.result
        return try await result.encodeResponse(status: result.duplicate ? .ok : .created, for: req)
    }
}

/// The rules for a message that arrives from outside.
struct InboundService: Sendable {
    struct Message: Sendable {
        var channel: ContactChannel
        var identity: Identity
        var name: String?
        var subject: String?
        var body: String
        var caseNumber: Int64?
        var externalID: String?
    }

    let config: FairdeskConfig
    let now: Date
    let actor: Actor
    let catalogs: CatalogCache

    /// What receiving a message did, and the live event to tell pages about it.
    struct Outcome: Sendable {
        var result: InboundResultDTO
        var event: LiveEvent?
    }

    /// Receives `message`, written together with others arriving at the same time (see ``InboundBatcher``).
    func receive(_ message: Message, app: Application) async throws -> Outcome {
        try await app.fairdesk.inbound.receive(message, with: self)
    }

    /// Receives `message` in a transaction of its own.
    func receiveAlone(_ message: Message, app: Application) async throws -> Outcome {
        do {
            return try await app.write { db in try await receive(message, on: db) }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Two messages from one new address raced to create the customer (or one message was
            // sent twice at once); the second attempt now finds what the first one made.
            return try await app.write { db in try await receive(message, on: db) }
        }
    }

    func receive(_ message: Message, on db: any Database) async throws -> Outcome {
        try await receive(message, defaultQueue: CaseWork.defaultQueue(on: db, config: config), on: db)
    }

    /// Receives `message` inside the caller's transaction; new cases go to `defaultQueue`.
    func receive(_ message: Message, defaultQueue: UUID?, on db: any Database) async throws -> Outcome {
        if let externalID = message.externalID,
            let existing = try await TimelineEntry.query(on: db).filter(\.$channel == message.channel)
                .filter(\.$externalID == externalID).first(),
            let caseID = existing.$supportCase.id, let supportCase = try await SupportCase.find(caseID, on: db)
        {
            let result = InboundResultDTO(
                customerId: existing.$customer.id, caseId: caseID, caseNumber: supportCase.number,
                entryId: try existing.requireID(), customerCreated: false, caseCreated: false, caseReopened: false,
                duplicate: true)
            return Outcome(result: result, event: nil)
        }
        let directory = CustomerDirectory(db: db, now: now)
        var customerCreated = false
        let customer: CustomerDirectory.Ref
        if let known = try await directory.owner(of: message.identity) {
            customer = known
        } else {
            let made = try await directory.create(
                displayName: message.name ?? message.identity.value, tier: "standard", identities: [message.identity])
            customer = .init(id: try made.requireID(), displayName: made.displayName, tier: made.tier)
            customerCreated = true
        }
        let customerID = customer.id
        let customerActor = Actor(id: nil, label: customer.displayName)
        let work = CaseWork(
            db: db, now: now, actor: actor, config: config, catalog: try await catalogs.catalog(on: db, now: now))

        var target: SupportCase?
        if let number = message.caseNumber {
            target = try await SupportCase.query(on: db).filter(\.$number == number)
                .filter(\.$customer.$id == customerID).first()
        }
        if target == nil {
            target = try await SupportCase.latest(of: customerID, on: db)
        }
        if let candidate = target, !accepts(candidate) { target = nil }

        var caseCreated = false
        let wasResolved = target?.status == .resolved
        let supportCase: SupportCase
        if let target {
            supportCase = target
        } else {
            let subject = message.subject ?? String(message.body.prefix(80))
            supportCase = try await work.openCase(
                customerID: customerID, subject: subject, channel: message.channel, queueID: defaultQueue,
                tier: customer.tier, newCustomer: customerCreated)
            caseCreated = true
        }
        let entry = try await work.addEntry(
            to: supportCase, kind: .message, direction: .inbound, channel: message.channel, body: message.body,
            author: customerActor, externalID: message.externalID)
        try await work.customerWrote(to: supportCase)
        let result = InboundResultDTO(
            customerId: customerID, caseId: try supportCase.requireID(), caseNumber: supportCase.number,
            entryId: try entry.requireID(), customerCreated: customerCreated, caseCreated: caseCreated,
            caseReopened: wasResolved && supportCase.status.isActive, duplicate: false)
        // The event is built from what was just written, so publishing it needs no query.
        return Outcome(
            result: result,
            event: LiveEvent(kind: caseCreated ? .supportCase : .entry, supportCase: supportCase, entry: entry))
    }

    /// Tells live pages about the message (nothing for a duplicate).
    func publish(_ outcome: Outcome, app: Application) async {
        guard let event = outcome.event else { return }
        await app.fairdesk.live.publish([event])
    }

    /// A new message joins an active case, or reopens a case resolved within the reopen window;
    /// anything older or closed starts a new case.
    func accepts(_ supportCase: SupportCase) -> Bool {
        switch supportCase.status {
        case .new, .open, .pendingCustomer, .pendingInternal:
            return true
        case .resolved:
            let resolvedAt = supportCase.resolvedAt ?? supportCase.updatedAt
            return now.timeIntervalSince(resolvedAt) <= Double(config.reopenWindowDays) * 86_400
        case .closed:
            return false
        }
    }
}
