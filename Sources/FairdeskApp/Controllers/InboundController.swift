import FairdeskCore
import Fluent
import Foundation
import Vapor

/// `/api/v1/inbound/messages`: a message from any channel, from any address. The address finds
/// the customer (or makes a new one) and the message joins their open case (or starts one).
struct InboundController: RouteCollection {
    let maximumMailBytes: Int

    func boot(routes: any RoutesBuilder) throws {
        let inbound = routes.grouped("inbound").grouped(RoleGuard(Role.caseWorkers))
        inbound.post("messages", use: receive)
        inbound.post("social", use: receiveSocial)
        inbound.on(.POST, "email", body: .collect(maxSize: ByteCount(value: maximumMailBytes)), use: receiveEmail)
    }

    /// A raw RFC 5322 message from a mail relay (`Content-Type: message/rfc822`).
    @Sendable func receiveEmail(req: Request) async throws -> Response {
        guard let type = req.headers.contentType, type.type == "message", type.subType == "rfc822" else {
            throw ApiError(
                status: .unsupportedMediaType, code: "unsupported_media_type",
                reason: "the body must be one raw email with Content-Type: message/rfc822",
                problems: [FieldProblem(field: "Content-Type", rule: "must be message/rfc822")])
        }
        guard let body = req.body.data, body.readableBytes > 0 else {
            throw ApiError.malformed(field: "body", rule: "must hold the raw email (it was empty)")
        }
        let intake = MailIntakeService(app: req.application, source: .http)
        let outcome = try await intake.ingest([Data(body.readableBytesView)])[0]
        return try await outcome.encodeResponse(status: outcome.duplicate ? .ok : .created, for: req)
    }

    /// A message from a social or messaging network, posted by a bridge: the sender's handle on the
    /// network, the text, the network's name and its id for the message (a repeat is ignored).
    @Sendable func receiveSocial(req: Request) async throws -> Response {
        let input = try req.content.decode(SocialMessageRequest.self)
        var checks = Checks()
        let network = checks.text(input.network, field: "network", max: 40)
        if let network, !network.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            checks.add("network", "must be a name of letters, digits, - and _ (got \(network))")
        }
        let handle = checks.text(input.handle, field: "handle", max: 100)
        let text = checks.text(input.text, field: "text", max: 20_000)
        let externalID = checks.text(input.externalId, field: "externalId", max: 200)
        let name = checks.text(input.name, field: "name", max: 200, required: false)
        var identity: Identity?
        if let network, let handle {
            do {
                identity = try Identity(kind: .social, raw: "\(network.lowercased()):\(handle)", field: "handle")
            } catch {
                checks.add(error)
            }
        }
        try checks.finish()
        let viewer = try await req.viewer()
        let service = InboundService(
            config: req.fairdesk.config, now: req.now, actor: viewer.actor, catalogs: req.fairdesk.catalog,
            botOn: req.fairdesk.config.bot.enabled)
        // The network's ids are only unique on that network.
        let message = InboundService.Message(
            channel: .social, identity: identity!, name: name, subject: nil, body: text!, caseNumber: nil,
            externalID: "\(network!.lowercased()):\(externalID!)", details: ["network": network!.lowercased()])
        let outcome = try await service.receive(message, app: req.application)
        await service.publish(outcome, app: req.application, botInBackground: false)
        var result = outcome.result
        if result.botAnswers {
            // The bridge posts the bot's answer back to the network, so this route waits for it. The
            // message is stored either way: if the bot cannot answer now, its sweep answers later.
            do {
                result.bot = try await BotDesk.answerNow(result.entryId, of: result.caseId, app: req.application)
            } catch {
                req.logger.warning("The bot will answer later: \(String(reflecting: error))")
            }
        }
        return try await result.encodeResponse(status: result.duplicate ? .ok : .created, for: req)
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
            config: req.fairdesk.config, now: req.now, actor: viewer.actor, catalogs: req.fairdesk.catalog,
            botOn: req.fairdesk.config.bot.enabled)
        let message = InboundService.Message(
            channel: channel!, identity: identity!, name: name, subject: subject, body: body!,
            caseNumber: input.caseNumber, externalID: externalID)
        let outcome = try await service.receive(message, app: req.application)
        await service.publish(outcome, app: req.application)
        let result = outcome.result
        return result.jsonResponse(status: result.duplicate ? .ok : .created)
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
        /// The case an email reply names in its headers: it joins that case (if still open or
        /// recently resolved), whichever of the customer's addresses it came from.
        var caseID: UUID? = nil
        /// Kept on the timeline entry, e.g. the id of the raw email it came from.
        var details: [String: String]? = nil
    }

    let config: FairdeskConfig
    let now: Date
    let actor: Actor
    let catalogs: CatalogCache
    /// Whether the bot meets customers (`FAIRDESK_BOT`); off for imports. It answers on chat,
    /// social and email, after the message is stored (see ``BotDesk``).
    var botOn = false

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

    /// What the caller already knows of a message's sender (see ``InboundBatcher/Rounds``).
    enum Sender: Sendable, Equatable {
        /// Look the address up.
        case unknown
        /// Nobody has the address yet.
        case new
        /// The customer who has it.
        case known(CustomerDirectory.Ref)
    }

    /// Receives `message` inside the caller's transaction; new cases go to `defaultQueue`.
    func receive(_ message: Message, sender: Sender = .unknown, defaultQueue: UUID?, on db: any Database) async throws
        -> Outcome
    {
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
        var threaded: SupportCase?
        if let caseID = message.caseID, let found = try await SupportCase.find(caseID, on: db),
            let owner = try await directory.current(found.$customer.id)
        {
            threaded = found
            customer = .init(id: try owner.requireID(), displayName: owner.displayName, tier: owner.tier)
        } else if let known = try await known(sender, message.identity, directory) {
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

        var target = threaded
        if target == nil, let number = message.caseNumber {
            target = try await SupportCase.query(on: db).filter(\.$number == number)
                .filter(\.$customer.$id == customerID).first()
        }
        // A customer made just now has no case yet.
        if target == nil, !customerCreated {
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
            // A new conversation on chat, social or email meets the bot first, unless the customer's
            // tier goes straight to a person.
            let meetsBot =
                botOn && BotOptions.channels.contains(message.channel)
                && !(work.catalog.tier(customer.tier)?.bypassBot ?? false)
            supportCase = try await work.openCase(
                customerID: customerID, subject: subject, channel: message.channel, queueID: defaultQueue,
                tier: customer.tier, newCustomer: customerCreated, withBot: meetsBot)
            if meetsBot { try await BotConversations.start(supportCase, work: work) }
            caseCreated = true
        }
        let entry = try await work.addEntry(
            to: supportCase, kind: .message, direction: .inbound, channel: message.channel, body: message.body,
            author: customerActor, details: message.details, externalID: message.externalID)
        try await work.customerWrote(to: supportCase)
        // The bot answers once this transaction has committed (see ``BotDesk``). A conversation it
        // held while it was switched off (or one an imported email joins) goes to people instead:
        // nobody waits for a bot that will not answer.
        let botAnswers = botOn && supportCase.withBot
        if botAnswers {
            try await BotDesk.hold(entry, on: supportCase, at: now, on: db)
        } else if supportCase.withBot {
            let botWork = CaseWork(
                db: db, now: now, actor: BotConversations.actor, config: config, catalog: work.catalog)
            _ = try await botWork.botCannotAnswer(
                supportCase, why: BotConversations.switchedOffNote)
        }
        var result = InboundResultDTO(
            customerId: customerID, caseId: try supportCase.requireID(), caseNumber: supportCase.number,
            entryId: try entry.requireID(), customerCreated: customerCreated, caseCreated: caseCreated,
            caseReopened: wasResolved && supportCase.status.isActive, duplicate: false)
        result.botAnswers = botAnswers
        // The event is built from what was just written, so publishing it needs no query.
        return Outcome(
            result: result,
            event: LiveEvent(kind: caseCreated ? .supportCase : .entry, supportCase: supportCase, entry: entry))
    }

    private func known(_ sender: Sender, _ identity: Identity, _ directory: CustomerDirectory) async throws
        -> CustomerDirectory.Ref?
    {
        switch sender {
        case .unknown: try await directory.owner(of: identity)
        case .new: nil
        case .known(let customer): customer
        }
    }

    /// Tells live pages about the message (nothing for a duplicate), then lets the bot answer it in
    /// the background, unless the caller answers for it at once.
    func publish(_ outcome: Outcome, app: Application, botInBackground: Bool = true) async {
        guard let event = outcome.event else { return }
        await app.fairdesk.live.publish([event])
        if botInBackground, outcome.result.botAnswers { app.fairdesk.botDesk.nudge(app: app) }
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
