import Crypto
import FairdeskCore
import Fluent
import Foundation
import Vapor

/// `/api/v1/cases`: the inbox, a case and its timeline, and everything staff and customers do to it.
struct CaseController: RouteCollection {
    /// Files one message may carry.
    static let maximumAttachments = 5

    func boot(routes: any RoutesBuilder) throws {
        let cases = routes.grouped("cases").grouped(RoleGuard([.agent, .lead, .admin, .customer]))
        cases.grouped(RoleGuard(Role.caseWorkers)).get(use: inbox)
        cases.post(use: create)
        cases.group(":caseID") { one in
            one.get(use: show)
            one.get("timeline", use: timeline)
            one.on(.POST, "messages", body: .collect(maxSize: "64mb"), use: postMessage)
            let staff = one.grouped(RoleGuard(Role.caseWorkers))
            staff.post("notes", use: addNote)
            staff.post("calls", use: logCall)
            staff.post("status", use: changeStatus)
            staff.post("transfer", use: transfer)
            one.get("attachments", ":attachmentID", use: downloadAttachment)
        }
    }

    // MARK: Reading

    /// Loads the case in the URL, checking the viewer may read it (404 otherwise, so ids do not leak).
    static func load(_ req: Request, on db: (any Database)? = nil) async throws -> (SupportCase, Viewer) {
        let viewer = try await req.viewer()
        guard let id = req.parameters.get("caseID", as: UUID.self),
            let supportCase = try await SupportCase.find(id, on: db ?? req.db), viewer.canRead(supportCase)
        else { throw ApiError.notFound("case") }
        return (supportCase, viewer)
    }

    @Sendable func inbox(req: Request) async throws -> ListPage<CaseDTO> {
        let viewer = try await req.viewer(Role.caseWorkers)
        struct Query: Decodable {
            var queueId: String?
            var status: String?
            var channel: String?
            var limit: String?
            var cursor: String?
        }
        let query = try req.query.decode(Query.self)
        var checks = Checks()
        var statuses = CaseStatus.active
        if let raw = query.status, raw != "active" {
            statuses = raw.split(separator: ",").compactMap {
                checks.oneOf(String($0), field: "status", as: CaseStatus.self)
            }
        }
        let channel = checks.oneOf(query.channel, field: "channel", as: ContactChannel.self, required: false)
        var queueFilter: UUID?
        if let raw = query.queueId {
            queueFilter = UUID(uuidString: raw)
            if queueFilter == nil { checks.add("queueId", "must be a queue id (UUID)") }
        }
        try checks.finish()
        let limit = try PageCursor.limit(query.limit)
        let cursor = try PageCursor.decode(query.cursor)

        var queues: [UUID]
        if viewer.isSupervisor {
            if let queueFilter {
                queues = [queueFilter]
            } else {
                queues = try await Queue.query(on: req.db).all().compactMap(\.id)
            }
        } else {
            if let queueFilter, !viewer.queueIDs.contains(queueFilter) {
                throw ApiError.forbidden("you are not a member of that queue")
            }
            queues = queueFilter.map { [$0] } ?? Array(viewer.queueIDs)
        }
        queues.sort { $0.uuidString < $1.uuidString }
        // An agent's inbox also holds the cases they own that sit in other queues.
        let owner = viewer.isSupervisor || queueFilter != nil ? nil : viewer.userID
        let cases = try await CaseQueries(db: req.db).inbox(
            queues: queues, owner: owner, statuses: statuses, channel: channel, limit: limit, after: cursor)
        let next = cases.count == limit ? cases.last.map { PageCursor(at: $0.lastActivityAt, id: $0.id!).encoded } : nil
        return ListPage(items: try cases.map { try CaseDTO($0) }, nextCursor: next)
    }

    @Sendable func show(req: Request) async throws -> CaseDTO {
        let (supportCase, viewer) = try await Self.load(req)
        let owners =
            viewer.role == .customer
            ? nil
            : try await CaseOwner.query(on: req.db).filter(\.$supportCase.$id == supportCase.requireID())
                .sort(\.$startedAt).all()
        return try CaseDTO(supportCase, owners: owners)
    }

    @Sendable func timeline(req: Request) async throws -> ListPage<EntryDTO> {
        let (supportCase, viewer) = try await Self.load(req)
        let limit = try PageCursor.limit(req.query[String.self, at: "limit"])
        let cursor = try PageCursor.decode(req.query["cursor"])
        let queries = CaseQueries(db: req.db)
        let entries = try await queries.caseTimeline(
            caseID: supportCase.requireID(), includeInternal: viewer.isCaseWorker, limit: limit, after: cursor)
        return try await queries.entryPage(entries, limit: limit)
    }

    @Sendable func downloadAttachment(req: Request) async throws -> Response {
        let (supportCase, viewer) = try await Self.load(req)
        guard let id = req.parameters.get("attachmentID", as: UUID.self),
            let attachment = try await Attachment.find(id, on: req.db),
            try attachment.$supportCase.id == supportCase.requireID()
        else { throw ApiError.notFound("attachment") }
        if viewer.role == .customer,
            let entry = try await TimelineEntry.find(attachment.$entry.id, on: req.db), entry.direction == .internal
        {
            throw ApiError.notFound("attachment")
        }
        let data = try req.fairdesk.attachments.load(key: attachment.storageKey)
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: attachment.contentType)
        let safeName = attachment.filename.replacingOccurrences(of: "\"", with: "")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(safeName)\"")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return response
    }

    // MARK: Writing

    @Sendable func create(req: Request) async throws -> Response {
        let viewer = try await req.viewer()
        let input = try req.content.decode(CreateCaseRequest.self)
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
        let now = req.now
        let config = req.fairdesk.config
        let dto = try await req.write { db in
            let directory = CustomerDirectory(db: db, now: now)
            guard let customer = try await directory.current(customerID!) else { throw ApiError.notFound("customer") }
            if let queueId = input.queueId, try await Queue.find(queueId, on: db) == nil {
                throw ApiError.invalid(field: "queueId", rule: "must be an existing queue")
            }
            let work = CaseWork(db: db, now: now, actor: viewer.actor, config: config)
            let supportCase = try await work.openCase(
                customerID: customer.requireID(), subject: subject!, channel: channel, queueID: input.queueId)
            if let body {
                let byCustomer = viewer.role == .customer
                try await work.addEntry(
                    to: supportCase, kind: .message, direction: byCustomer ? .inbound : .outbound, channel: channel,
                    body: body)
            }
            return try CaseDTO(supportCase)
        }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    @Sendable func postMessage(req: Request) async throws -> Response {
        let viewer = try await req.viewer()
        let input = try req.content.decode(MessageRequest.self)
        let config = req.fairdesk.config
        var checks = Checks()
        let body = checks.text(input.body, field: "body", max: 20_000)
        let requestedChannel = checks.oneOf(input.channel, field: "channel", as: ContactChannel.self, required: false)
        let requestedStatus = checks.oneOf(input.status, field: "status", as: CaseStatus.self, required: false)
        if requestedStatus != nil && !viewer.isCaseWorker { checks.add("status", "can only be set by staff") }
        let files = input.attachments ?? []
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
                reason: checks.problems.map(\.sentence).joined(separator: "; "),
                problems: checks.problems)
        }
        try checks.finish()

        // Files go to the store first; if the transaction then fails they are removed again, so
        // no file is kept without its row and no row without its file.
        let store = req.fairdesk.attachments
        let stored = try files.map { file -> (File, String, String) in
            let key = UUID().uuidString.lowercased()
            try store.save(file.data, key: key)
            let digest = SHA256.hash(data: Data(file.data.readableBytesView)).map { String(format: "%02x", $0) }
                .joined()
            return (file, key, digest)
        }
        let now = req.now
        do {
            let dto = try await req.write { db in
                let (supportCase, _) = try await Self.load(req, on: db)
                let byCustomer = viewer.role == .customer
                if !byCustomer && !viewer.canWork(supportCase) {
                    throw ApiError.forbidden("you cannot work on this case")
                }
                if byCustomer && supportCase.status == .closed {
                    throw ApiError.conflict("this case is closed; open a new case instead", field: "caseId")
                }
                let work = CaseWork(db: db, now: now, actor: viewer.actor, config: config)
                let channel = requestedChannel ?? (byCustomer ? .webForm : supportCase.channel)
                let entry = try await work.addEntry(
                    to: supportCase, kind: .message, direction: byCustomer ? .inbound : .outbound, channel: channel,
                    body: body!)
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
                let files = try await Attachment.query(on: db).filter(\.$entry.$id == entry.requireID()).all()
                return try EntryDTO(entry, attachments: files)
            }
            return try await dto.encodeResponse(status: .created, for: req)
        } catch {
            for (_, key, _) in stored { store.delete(key: key) }
            throw error
        }
    }

    @Sendable func addNote(req: Request) async throws -> Response {
        let input = try req.content.decode(NoteRequest.self)
        var checks = Checks()
        let body = checks.text(input.body, field: "body", max: 20_000)
        try checks.finish()
        return try await workOnCase(req) { work, supportCase in
            try await work.addEntry(
                to: supportCase, kind: .note, direction: .internal, channel: supportCase.channel, body: body!)
        }
    }

    @Sendable func logCall(req: Request) async throws -> Response {
        let input = try req.content.decode(CallRequest.self)
        var checks = Checks()
        let direction = checks.oneOf(input.direction, field: "direction", as: Direction.self)
        if direction == .internal { checks.add("direction", "must be inbound or outbound for a call") }
        let day = 86_400
        let talk = checks.integer(input.talkSeconds, field: "talkSeconds", in: 0...day)
        let hold = checks.integer(input.holdSeconds, field: "holdSeconds", in: 0...day)
        let work = checks.integer(input.afterCallWorkSeconds, field: "afterCallWorkSeconds", in: 0...day)
        let summary = checks.text(input.summary, field: "summary", max: 20_000)
        try checks.finish()
        return try await workOnCase(req) { caseWork, supportCase in
            try await caseWork.addEntry(
                to: supportCase, kind: .call, direction: direction!, channel: .phone, body: summary!,
                call: (talk!, hold!, work!))
        }
    }

    @Sendable func changeStatus(req: Request) async throws -> CaseDTO {
        let input = try req.content.decode(StatusRequest.self)
        var checks = Checks()
        let status = checks.oneOf(input.status, field: "status", as: CaseStatus.self)
        let reason = checks.text(input.reason, field: "reason", max: 2_000, required: false)
        try checks.finish()
        let viewer = try await req.viewer()
        let now = req.now
        let config = req.fairdesk.config
        return try await req.write { db in
            let (supportCase, _) = try await Self.load(req, on: db)
            guard viewer.canWork(supportCase) else { throw ApiError.forbidden("you cannot work on this case") }
            try await CaseWork(db: db, now: now, actor: viewer.actor, config: config)
                .changeStatus(supportCase, to: status!, reason: reason)
            return try CaseDTO(supportCase)
        }
    }

    @Sendable func transfer(req: Request) async throws -> CaseDTO {
        let input = try req.content.decode(TransferRequest.self)
        if (input.toAgentId == nil) == (input.toQueueId == nil) {
            throw ApiError.invalid(field: "toAgentId", rule: "or toQueueId must be given (exactly one of the two)")
        }
        let viewer = try await req.viewer()
        let now = req.now
        let config = req.fairdesk.config
        return try await req.write { db in
            let (supportCase, _) = try await Self.load(req, on: db)
            guard viewer.canWork(supportCase) else { throw ApiError.forbidden("you cannot work on this case") }
            var agent: User?
            var queue: Queue?
            if let id = input.toAgentId {
                agent = try await User.find(id, on: db)
                guard let agent, Role.caseWorkers.contains(agent.role), agent.active else {
                    throw ApiError.invalid(field: "toAgentId", rule: "must be an active agent, lead or admin")
                }
            }
            if let id = input.toQueueId {
                queue = try await Queue.find(id, on: db)
                if queue == nil { throw ApiError.invalid(field: "toQueueId", rule: "must be an existing queue") }
            }
            try await CaseWork(db: db, now: now, actor: viewer.actor, config: config).transfer(
                supportCase, toAgent: agent, toQueue: queue, note: input.handoffNote,
                actorIsSupervisor: viewer.isSupervisor)
            return try CaseDTO(supportCase)
        }
    }

    /// Runs a staff change on the case in the URL and answers with the new timeline entry.
    private func workOnCase(
        _ req: Request, _ change: @escaping @Sendable (CaseWork, SupportCase) async throws -> TimelineEntry
    ) async throws -> Response {
        let viewer = try await req.viewer()
        let now = req.now
        let config = req.fairdesk.config
        let dto = try await req.write { db in
            let (supportCase, _) = try await Self.load(req, on: db)
            guard viewer.canWork(supportCase) else { throw ApiError.forbidden("you cannot work on this case") }
            let entry = try await change(CaseWork(db: db, now: now, actor: viewer.actor, config: config), supportCase)
            return try EntryDTO(entry, attachments: [])
        }
        return try await dto.encodeResponse(status: .created, for: req)
    }
}
