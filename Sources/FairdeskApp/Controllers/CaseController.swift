import FairdeskCore
import Fluent
import Foundation
import Vapor

/// `/api/v1/cases`: the inbox, a case and its timeline, and everything staff and customers do to it.
struct CaseController: RouteCollection {
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
    static func load(_ req: Request) async throws -> (SupportCase, Viewer) {
        let viewer = try await req.viewer()
        let supportCase = try await CaseActions.load(
            req.parameters.get("caseID", as: UUID.self), for: viewer, on: req.db)
        return (supportCase, viewer)
    }

    /// The newest cases of the viewer's queues (and those they own), a page at a time. The page is
    /// written as JSON by hand (``JSONText``): it is the most read list of all.
    @Sendable func inbox(req: Request) async throws -> Response {
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
        let rows = try await CaseQueries(db: req.db).inboxRows(
            queues: queues, owner: owner, statuses: statuses, channel: channel, limit: limit, after: cursor)
        let next = rows.count == limit ? rows.last.map { PageCursor(at: $0.lastActivityAt, id: $0.id).encoded } : nil
        return ListPage(items: rows.map(CaseDTO.init(row:)), nextCursor: next).jsonResponse()
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

    private static func caseID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("caseID", as: UUID.self) else { throw ApiError.notFound("case") }
        return id
    }

    @Sendable func create(req: Request) async throws -> Response {
        let input = try req.content.decode(CreateCaseRequest.self)
        let supportCase = try await CaseActions(req).open(input)
        return try await CaseDTO(supportCase).encodeResponse(status: .created, for: req)
    }

    @Sendable func postMessage(req: Request) async throws -> Response {
        let input = try req.content.decode(MessageRequest.self)
        let (entry, attachments) = try await CaseActions(req).postMessage(caseID: Self.caseID(req), input)
        return try await EntryDTO(entry, attachments: attachments).encodeResponse(status: .created, for: req)
    }

    @Sendable func addNote(req: Request) async throws -> Response {
        let input = try req.content.decode(NoteRequest.self)
        let entry = try await CaseActions(req).addNote(caseID: Self.caseID(req), input)
        return try await EntryDTO(entry, attachments: []).encodeResponse(status: .created, for: req)
    }

    @Sendable func logCall(req: Request) async throws -> Response {
        let input = try req.content.decode(CallRequest.self)
        let entry = try await CaseActions(req).logCall(caseID: Self.caseID(req), input)
        return try await EntryDTO(entry, attachments: []).encodeResponse(status: .created, for: req)
    }

    @Sendable func changeStatus(req: Request) async throws -> CaseDTO {
        let input = try req.content.decode(StatusRequest.self)
        return try CaseDTO(try await CaseActions(req).changeStatus(caseID: Self.caseID(req), input))
    }

    @Sendable func transfer(req: Request) async throws -> CaseDTO {
        let input = try req.content.decode(TransferRequest.self)
        return try CaseDTO(try await CaseActions(req).transfer(caseID: Self.caseID(req), input))
    }
}
