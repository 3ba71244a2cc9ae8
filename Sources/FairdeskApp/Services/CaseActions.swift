import Crypto
import FairdeskCore
import Fluent
import Foundation
import Vapor

/// What staff and customers do to cases, the same for the JSON API and the web pages: each action
/// checks the input (naming every broken rule), makes its change in one transaction, and then tells
/// the live pages.
struct CaseActions {
    /// Files one message may carry.
    static let maximumAttachments = 5

    let app: Application
    let viewer: Viewer

    init(_ req: Request) async throws {
        self.app = req.application
        self.viewer = try await req.viewer()
    }

    private var now: Date { app.fairdesk.clock.now }
    private var config: FairdeskConfig { app.fairdesk.config }

    /// The case `id` if the viewer may read it; 404 otherwise, so ids do not leak.
    static func load(_ id: UUID?, for viewer: Viewer, on db: any Database) async throws -> SupportCase {
        guard let id, let supportCase = try await SupportCase.find(id, on: db), viewer.canRead(supportCase) else {
            throw ApiError.notFound("case")
        }
        return supportCase
    }

    private func loadForWork(_ id: UUID, on db: any Database) async throws -> SupportCase {
        let supportCase = try await Self.load(id, for: viewer, on: db)
        guard viewer.canWork(supportCase) else { throw ApiError.forbidden("you cannot work on this case") }
        return supportCase
    }

    private func publish(_ events: [LiveEvent]) async {
        await app.fairdesk.live.publish(events)
    }

    // MARK: Actions

    func open(_ input: CreateCaseRequest) async throws -> SupportCase {
        let viewer = viewer
        var checks = Checks()
        let subject = checks.text(input.subject, field: "subject", max: 200)
        let body = checks.text(input.body, field: "body", max: 20_000, required: viewer.role == .customer)
        let channel =
            checks.oneOf(input.channel, field: "channel", as: ContactChannel.self, required: false)
            ?? (viewer.role == .customer ? .webForm : .phone)
        let customerID: UUID?
        if viewer.role == .customer {
            customerID = viewer.user.$customer.id
            if customerID == nil { checks.add("customerId", "your login is not linked to a customer record") }
            if input.customerId != nil && input.customerId != customerID {
                checks.add("customerId", "must be left out: customers open cases for themselves")
            }
        } else {
            customerID = input.customerId
            if customerID == nil { checks.add("customerId", "is required") }
        }
        try checks.finish()
        let now = now
        let (supportCase, entry) = try await app.write { db in
            let directory = CustomerDirectory(db: db, now: now)
            guard let customer = try await directory.current(customerID!) else { throw ApiError.notFound("customer") }
            if let queueId = input.queueId {
                if try await Queue.find(queueId, on: db) == nil {
                    throw ApiError.invalid(field: "queueId", rule: "must be an existing queue")
                }
                if viewer.role == .agent && !viewer.queueIDs.contains(queueId) {
                    throw ApiError.invalid(field: "queueId", rule: "must be one of your queues")
                }
            }
            let work = try await app.caseWork(on: db, actor: viewer.actor)
            let supportCase = try await work.openCase(
                customerID: customer.requireID(), subject: subject!, channel: channel, queueID: input.queueId)
            var entry: TimelineEntry?
            if let body {
                entry = try await work.addEntry(
                    to: supportCase, kind: .message, direction: viewer.role == .customer ? .inbound : .outbound,
                    channel: channel, body: body)
            }
            return (supportCase, entry)
        }
        await publish([LiveEvent(kind: .supportCase, supportCase: supportCase, entry: entry)])
        return supportCase
    }

    /// A reply from staff, or a message from the customer, with up to five files.
    func postMessage(caseID: UUID, _ input: MessageRequest) async throws -> (TimelineEntry, [Attachment]) {
        let viewer = viewer
        let config = config
        var checks = Checks()
        let body = checks.text(input.body, field: "body", max: 20_000)
        let requestedChannel = checks.oneOf(input.channel, field: "channel", as: ContactChannel.self, required: false)
        let requestedStatus = checks.oneOf(input.status, field: "status", as: CaseStatus.self, required: false)
        if requestedStatus != nil && !viewer.isCaseWorker { checks.add("status", "can only be set by staff") }
        let files = (input.attachments ?? []).filter { $0.data.readableBytes > 0 || !$0.filename.isEmpty }
        if files.count > Self.maximumAttachments {
            checks.add("attachments", "must be at most \(Self.maximumAttachments) files (got \(files.count))")
        }
        for (index, file) in files.enumerated() {
            if file.data.readableBytes > config.maximumAttachmentBytes {
                checks.add(
                    "attachments[\(index)]",
                    "must be at most \(config.maximumAttachmentBytes) bytes (got \(file.data.readableBytes))")
            }
            if file.filename.isEmpty || file.filename.count > 255 {
                checks.add("attachments[\(index)].filename", "must be 1 to 255 characters")
            }
        }
        if files.contains(where: { $0.data.readableBytes > config.maximumAttachmentBytes }) {
            throw ApiError(
                status: .payloadTooLarge, code: "too_large",
                reason: checks.problems.map(\.sentence).joined(separator: "; "), problems: checks.problems)
        }
        try checks.finish()

        // Files go to the store first; if the transaction then fails they are removed again, so
        // no file is kept without its row and no row without its file.
        let store = app.fairdesk.attachments
        let stored = try files.map { file -> (File, String, String) in
            let key = UUID().uuidString.lowercased()
            try store.save(file.data, key: key)
            let digest = Digest.sha256(Data(file.data.readableBytesView))
            return (file, key, digest)
        }
        let now = now
        do {
            let (supportCase, entry, attachments) = try await app.write { db in
                let byCustomer = viewer.role == .customer
                let supportCase = try await Self.load(caseID, for: viewer, on: db)
                if !byCustomer && !viewer.canWork(supportCase) {
                    throw ApiError.forbidden("you cannot work on this case")
                }
                if byCustomer && supportCase.status == .closed {
                    throw ApiError.conflict("this case is closed; open a new case instead", field: "caseId")
                }
                let work = try await app.caseWork(on: db, actor: viewer.actor)
                let channel = requestedChannel ?? (byCustomer ? .webForm : supportCase.channel)
                let entry = try await work.addEntry(
                    to: supportCase, kind: .message, direction: byCustomer ? .inbound : .outbound, channel: channel,
                    body: body!)
                var attachments: [Attachment] = []
                for (file, key, digest) in stored {
                    let attachment = Attachment()
                    attachment.$supportCase.id = try supportCase.requireID()
                    attachment.$entry.id = try entry.requireID()
                    attachment.filename = file.filename
                    attachment.contentType = file.contentType?.serialize() ?? "application/octet-stream"
                    attachment.byteSize = Int64(file.data.readableBytes)
                    attachment.sha256 = digest
                    attachment.storageKey = key
                    attachment.createdAt = now
                    try await attachment.create(on: db)
                    attachments.append(attachment)
                }
                if !byCustomer && channel == .email {
                    // The reply goes to the customer by email, in the thread of their mail client.
                    try await CustomerMail.reply(on: supportCase, entry: entry, at: now, on: db)
                }
                if byCustomer {
                    try await work.customerWrote(to: supportCase)
                } else if let requestedStatus {
                    if requestedStatus != supportCase.status {
                        try await work.changeStatus(supportCase, to: requestedStatus, reason: "set with a reply")
                    }
                } else if supportCase.status == .new {
                    try await work.changeStatus(supportCase, to: .open, reason: "first reply sent")
                }
                return (supportCase, entry, attachments)
            }
            await publish([LiveEvent(kind: .entry, supportCase: supportCase, entry: entry)])
            return (entry, attachments)
        } catch {
            for (_, key, _) in stored { store.delete(key: key) }
            throw error
        }
    }

    func addNote(caseID: UUID, _ input: NoteRequest) async throws -> TimelineEntry {
        var checks = Checks()
        let body = checks.text(input.body, field: "body", max: 20_000)
        try checks.finish()
        return try await addEntry(caseID: caseID) { work, supportCase in
            try await work.addEntry(
                to: supportCase, kind: .note, direction: .internal, channel: supportCase.channel, body: body!)
        }
    }

    func logCall(caseID: UUID, _ input: CallRequest) async throws -> TimelineEntry {
        var checks = Checks()
        let direction = checks.oneOf(input.direction, field: "direction", as: Direction.self)
        if direction == .internal { checks.add("direction", "must be inbound or outbound for a call") }
        let day = 86_400
        let talk = checks.integer(input.talkSeconds, field: "talkSeconds", in: 0...day)
        let hold = checks.integer(input.holdSeconds, field: "holdSeconds", in: 0...day)
        let work = checks.integer(input.afterCallWorkSeconds, field: "afterCallWorkSeconds", in: 0...day)
        let summary = checks.text(input.summary, field: "summary", max: 20_000)
        try checks.finish()
        return try await addEntry(caseID: caseID) { caseWork, supportCase in
            try await caseWork.addEntry(
                to: supportCase, kind: .call, direction: direction!, channel: .phone, body: summary!,
                call: (talk!, hold!, work!))
        }
    }

    func changeStatus(caseID: UUID, _ input: StatusRequest) async throws -> SupportCase {
        var checks = Checks()
        let status = checks.oneOf(input.status, field: "status", as: CaseStatus.self)
        let reason = checks.text(input.reason, field: "reason", max: 2_000, required: false)
        try checks.finish()
        return try await changeCase(caseID: caseID) { work, supportCase in
            try await work.changeStatus(supportCase, to: status!, reason: reason)
        }
    }

    func transfer(caseID: UUID, _ input: TransferRequest) async throws -> SupportCase {
        if (input.toAgentId == nil) == (input.toQueueId == nil) {
            var checks = Checks()
            if (input.handoffNote ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                checks.add("handoffNote", "is required: write what is known and what was tried")
            }
            checks.add("toAgentId", "or toQueueId must be given (exactly one of the two)")
            throw ValidationFailure(checks.problems)
        }
        let isSupervisor = viewer.isSupervisor
        return try await changeCase(caseID: caseID) { work, supportCase in
            var agent: User?
            var queue: Queue?
            if let id = input.toAgentId {
                agent = try await User.find(id, on: work.db)
                guard let agent, Role.caseWorkers.contains(agent.role), agent.active else {
                    throw ApiError.invalid(field: "toAgentId", rule: "must be an active agent, lead or admin")
                }
            }
            if let id = input.toQueueId {
                queue = try await Queue.find(id, on: work.db)
                if queue == nil { throw ApiError.invalid(field: "toQueueId", rule: "must be an existing queue") }
            }
            try await work.transfer(
                supportCase, toAgent: agent, toQueue: queue, note: input.handoffNote, actorIsSupervisor: isSupervisor)
        }
    }

    // MARK: Shared steps

    private func addEntry(
        caseID: UUID, _ change: @escaping @Sendable (CaseWork, SupportCase) async throws -> TimelineEntry
    ) async throws -> TimelineEntry {
        let viewer = viewer
        let (supportCase, entry) = try await app.write { db in
            let supportCase = try await Self.load(caseID, for: viewer, on: db)
            guard viewer.canWork(supportCase) else { throw ApiError.forbidden("you cannot work on this case") }
            let entry = try await change(try await app.caseWork(on: db, actor: viewer.actor), supportCase)
            return (supportCase, entry)
        }
        await publish([LiveEvent(kind: .entry, supportCase: supportCase, entry: entry)])
        return entry
    }

    private func changeCase(caseID: UUID, _ change: @escaping @Sendable (CaseWork, SupportCase) async throws -> Void)
        async throws -> SupportCase
    {
        let viewer = viewer
        let before = try await Self.load(caseID, for: viewer, on: app.db)
        let supportCase = try await app.write { db in
            let supportCase = try await Self.load(caseID, for: viewer, on: db)
            guard viewer.canWork(supportCase) else { throw ApiError.forbidden("you cannot work on this case") }
            try await change(try await app.caseWork(on: db, actor: viewer.actor), supportCase)
            return supportCase
        }
        // Those who could see the case before the change hear of it too (it may have left their queue).
        var events = [LiveEvent(kind: .supportCase, supportCase: supportCase)]
        let earlier = LiveEvent(kind: .supportCase, supportCase: before)
        if earlier.queueId != events[0].queueId || earlier.ownerId != events[0].ownerId { events.append(earlier) }
        await publish(events)
        return supportCase
    }
}
