import FairdeskCore
import Fluent
import Foundation
import Vapor

/// The agent's web pages: the inbox and the case view, with the forms that work a case.
struct AgentPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(WebGuard(Role.caseWorkers))
        staff.get("inbox", use: inbox)
        staff.get("inbox", "rows", use: inboxRows)
        staff.group("cases", ":caseID") { one in
            one.get(use: show)
            one.get("entries", use: entries)
            one.get("summary", use: summary)
            one.on(.POST, "reply", body: .collect(maxSize: "64mb"), use: reply)
            one.post("note", use: note)
            one.post("call", use: call)
            one.post("transfer", use: transfer)
            one.post("status", use: status)
        }
    }

    // MARK: Inbox

    struct InboxRow: Encodable {
        var number: Int64
        var href: String
        var subject: String
        var customer: String
        var channel: String
        var status: String
        var queue: String
        var owner: String
        var iso: String
        var time: String
    }

    struct InboxPage: Encodable {
        var layout: LayoutContext
        var rows: [InboxRow]
        var empty: Bool
        /// The viewer's availability for new cases, and where to change it.
        var availability: [SelectOption]
        var availabilityAction: String
        var notifications: [NoticeView]
        var hasNotifications: Bool
        var statuses: [SelectOption]
        var channels: [SelectOption]
        var queues: [SelectOption]
        var sorts: [SelectOption]
        var q: String
        var searching: Bool
        var next: String?
        /// The same list without layout, for live refresh.
        var rowsHref: String
    }

    /// An SLA warning or escalation, as the inbox lists it.
    struct NoticeView: Encodable {
        var body: String
        var at: String
        var href: String?
    }

    /// One SLA clock, as the case page shows it.
    struct ClockView: Encodable {
        var label: String
        var state: String
        var stateText: String
        var due: String?
        var left: String
        var policy: String

        init(_ clock: SLAClockDTO) {
            label = clock.label
            state = clock.state
            stateText = clock.state.replacingOccurrences(of: "_", with: " ")
            due = clock.dueAt.map(PageTime.text)
            let minutes = abs(clock.secondsLeft) / 60
            let amount = minutes >= 120 ? "\(minutes / 60) h \(minutes % 60) min" : "\(minutes) min"
            switch clock.state {
            case "met": left = "met"
            case "breached": left = clock.secondsLeft < 0 ? "\(amount) overdue" : "breached"
            case "paused": left = "\(amount) left, paused while we wait for the customer"
            default: left = clock.secondsLeft < 0 ? "\(amount) overdue" : "\(amount) left"
            }
            policy = clock.policy
        }
    }

    struct InboxFilter: Decodable {
        var status: String?
        var channel: String?
        var queue: String?
        var sort: String?
        var q: String?
        var cursor: String?

        var query: String {
            var items: [URLQueryItem] = []
            for (name, value) in [("status", status), ("channel", channel), ("queue", queue), ("sort", sort), ("q", q)]
            {
                if let value, !value.isEmpty { items.append(URLQueryItem(name: name, value: value)) }
            }
            var parts = URLComponents()
            parts.queryItems = items
            return parts.percentEncodedQuery ?? ""
        }
    }

    /// Reads the inbox the filters ask for: a search, or the newest (or oldest waiting) cases of
    /// the viewer's queues.
    func loadInbox(_ req: Request) async throws -> InboxPage {
        let viewer = try await req.viewer()
        let filter = try req.query.decode(InboxFilter.self)
        let queues = try await Queue.query(on: req.db).sort(\.$name).all()
        let visibleQueues = viewer.isSupervisor ? queues : queues.filter { viewer.queueIDs.contains($0.id!) }
        let statusFilter = filter.status.flatMap { CaseStatus(rawValue: $0) }
        let channel = filter.channel.flatMap { ContactChannel(rawValue: $0) }
        let queueFilter = filter.queue.flatMap(UUID.init(uuidString:)).flatMap { id in
            visibleQueues.contains { $0.id == id } ? id : nil
        }
        let oldestFirst = filter.sort == "oldest"
        let limit = 50
        let queries = CaseQueries(db: req.db)
        var cases: [SupportCase]
        let searching = !(filter.q ?? "").trimmingCharacters(in: .whitespaces).isEmpty
        if searching {
            cases = try await queries.search(filter.q ?? "").filter(viewer.canRead)
        } else {
            cases = try await queries.inbox(
                queues: queueFilter.map { [$0] } ?? visibleQueues.compactMap(\.id),
                owner: viewer.isSupervisor || queueFilter != nil ? nil : viewer.userID,
                statuses: statusFilter.map { [$0] } ?? CaseStatus.active, channel: channel, limit: limit,
                after: try? PageCursor.decode(filter.cursor), oldestFirst: oldestFirst)
        }
        let customers = Dictionary(
            uniqueKeysWithValues: try await Customer.query(on: req.db).filter(\.$id ~~ cases.map { $0.$customer.id })
                .all().map { ($0.id!, $0.displayName) })
        let ownerIDs = cases.compactMap { $0.$owner.id }
        let owners = Dictionary(
            uniqueKeysWithValues: try await User.query(on: req.db).filter(\.$id ~~ ownerIDs).all().map {
                ($0.id!, $0.name)
            })
        let queueNames = Dictionary(uniqueKeysWithValues: queues.map { ($0.id!, $0.name) })
        let rows = cases.map { item in
            InboxRow(
                number: item.number, href: SitePath.caseView(item.id!).path, subject: item.subject,
                customer: customers[item.$customer.id] ?? "", channel: item.channel.rawValue,
                status: item.status.rawValue, queue: item.$queue.id.flatMap { queueNames[$0] } ?? "",
                owner: item.$owner.id.flatMap { owners[$0] } ?? "Unassigned", iso: PageTime.iso(item.lastActivityAt),
                time: PageTime.text(item.lastActivityAt))
        }
        var next: String?
        if !searching, cases.count == limit, let last = cases.last {
            var more = filter
            more.cursor = PageCursor(at: last.lastActivityAt, id: last.id!).encoded
            next = SitePath.inbox.path + "?" + more.query + "&cursor=" + (more.cursor ?? "")
        }
        let profile = try await AgentProfile.find(viewer.userID, on: req.db)
        let notices = try await Notifications.recent(for: viewer.userID, limit: 5, on: req.db)
        return InboxPage(
            layout: LayoutContext(req, title: "Inbox", current: .inbox, live: true), rows: rows, empty: rows.isEmpty,
            availability: AgentAvailability.allCases.map {
                SelectOption(
                    $0.rawValue, $0.rawValue.capitalized, selected: (profile?.availability ?? .offline).rawValue)
            }, availabilityAction: SitePath.availability.path,
            notifications: notices.map {
                NoticeView(
                    body: $0.body, at: PageTime.text($0.createdAt),
                    href: $0.caseId.map { SitePath.caseView($0).path } ?? $0.link)
            }, hasNotifications: !notices.isEmpty,
            statuses: [SelectOption("", "Active (all)", selected: filter.status ?? "")]
                + CaseStatus.allCases.map {
                    SelectOption(
                        $0.rawValue, $0.rawValue.replacingOccurrences(of: "_", with: " "), selected: filter.status)
                },
            channels: [SelectOption("", "All channels", selected: filter.channel ?? "")]
                + ContactChannel.allCases.map {
                    SelectOption(
                        $0.rawValue, $0.rawValue.replacingOccurrences(of: "_", with: " "), selected: filter.channel)
                },
            queues: [SelectOption("", viewer.isSupervisor ? "All queues" : "My queues", selected: filter.queue ?? "")]
                + visibleQueues.map { SelectOption($0.id!.uuidString, $0.name, selected: filter.queue) },
            sorts: [
                SelectOption("newest", "Newest activity first", selected: filter.sort ?? "newest"),
                SelectOption("oldest", "Oldest waiting first", selected: filter.sort),
            ],
            q: filter.q ?? "", searching: searching, next: next,
            rowsHref: SitePath.inboxRows.path + "?" + filter.query)
    }

    @Sendable func inbox(req: Request) async throws -> View {
        try await req.view.render("inbox", try await loadInbox(req))
    }

    @Sendable func inboxRows(req: Request) async throws -> View {
        try await req.view.render("partials/inbox-rows", try await loadInbox(req))
    }

    // MARK: Case view

    struct CaseSummary: Encodable {
        var id: String
        var customerId: String
        var number: Int64
        var subject: String
        var status: String
        var channel: String
        var queue: String
        var owner: String
        var customer: String
        var tier: String
        var identities: [String]
        var bounces: Int
        var owners: Int
        var created: String
        var clocks: [ClockView]
        var hasClocks: Bool
        var frustrated: Bool
    }

    struct CasePage: Encodable {
        var layout: LayoutContext
        var summary: CaseSummary
        var entries: [EntryView]
        var cursor: String
        var entriesHref: String
        var summaryHref: String
        var actions: [String: String]
        var replyStatuses: [SelectOption]
        var statuses: [SelectOption]
        var targets: [SelectOption]
        var directions: [SelectOption]
        var form: FormState
        var promises: [PromiseView]
        var hasPromises: Bool
        var promiseKinds: [SelectOption]
        var makePromiseAction: String
        var confirmPromiseAction: String
    }

    private static func caseID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("caseID", as: UUID.self) else { throw ApiError.notFound("case") }
        return id
    }

    func loadSummary(_ req: Request, _ supportCase: SupportCase) async throws -> CaseSummary {
        let customer = try await Customer.find(supportCase.$customer.id, on: req.db)
        let identities = try await CustomerIdentity.query(on: req.db).filter(
            \.$customer.$id == supportCase.$customer.id
        )
        .all()
        let queue = try await supportCase.$queue.get(on: req.db)
        let owner = try await supportCase.$owner.get(on: req.db)
        let clocks = try await ServiceLevelQueries.clocks(
            of: supportCase.requireID(), app: req.application, on: req.db)
        return CaseSummary(
            id: supportCase.id!.uuidString, customerId: supportCase.$customer.id.uuidString, number: supportCase.number,
            subject: supportCase.subject,
            status: supportCase.status.rawValue, channel: supportCase.channel.rawValue, queue: queue?.name ?? "none",
            owner: owner?.name ?? "Unassigned", customer: customer?.displayName ?? "", tier: customer?.tier ?? "",
            identities: identities.map { "\($0.kind.rawValue): \($0.shownValue)" }, bounces: supportCase.bounceCount,
            owners: supportCase.ownerCount, created: PageTime.text(supportCase.createdAt),
            clocks: clocks.map(ClockView.init), hasClocks: !clocks.isEmpty, frustrated: supportCase.frustrated)
    }

    /// The customer's timeline as this viewer may see it, oldest first, newest 100 entries.
    func loadTimeline(_ req: Request, _ supportCase: SupportCase, viewer: Viewer) async throws -> [TimelineEntry] {
        let visibleCases = try await CaseQueries(db: req.db).visibleCaseIDs(of: supportCase.$customer.id, for: viewer)
        let entries = try await CaseQueries(db: req.db).timeline(
            customerID: supportCase.$customer.id, caseIDs: visibleCases, includeInternal: true, limit: 100, after: nil)
        return entries.reversed()
    }

    func renderCase(_ req: Request, form: FormState = FormState(), status: HTTPStatus = .ok) async throws -> Response {
        let viewer = try await req.viewer()
        let supportCase = try await CaseActions.load(try Self.caseID(req), for: viewer, on: req.db)
        let id = supportCase.id!
        let entries = try await loadTimeline(req, supportCase, viewer: viewer)
        let agents = try await User.query(on: req.db).filter(\.$role ~~ Array(Role.caseWorkers)).filter(
            \.$active == true
        )
        .sort(\.$name).all()
        let queues = try await Queue.query(on: req.db).sort(\.$name).all()
        let target = form.values["target"]
        let promises = try await PromiseView.forCase(id, req)
        let page = CasePage(
            layout: LayoutContext(req, title: "Case #\(supportCase.number)", live: true),
            summary: try await loadSummary(req, supportCase),
            entries: try await EntryView.make(
                entries, currentCase: id, caseHref: { SitePath.caseView($0).path }, staff: true, on: req.db),
            cursor: EntryView.cursor(after: entries, or: req.now), entriesHref: SitePath.caseEntries(id).path,
            summaryHref: SitePath.caseSummary(id).path,
            actions: Dictionary(
                uniqueKeysWithValues: ["reply", "note", "call", "transfer", "status"].map {
                    ($0, SitePath.caseAction(id, $0).path)
                }),
            replyStatuses: [
                SelectOption("", "Keep status", selected: form.values["status"] ?? ""),
                SelectOption("pending_customer", "Wait for the customer", selected: form.values["status"]),
                SelectOption("resolved", "Resolve", selected: form.values["status"]),
            ],
            statuses: supportCase.status.allowedMoves.sorted { $0.rawValue < $1.rawValue }.map {
                SelectOption(
                    $0.rawValue, $0.rawValue.replacingOccurrences(of: "_", with: " "), selected: form.values["status"])
            },
            targets: [SelectOption("", "Choose a person or queue…", selected: target ?? "")]
                + agents.filter { $0.id != supportCase.$owner.id }.map {
                    SelectOption("agent:\($0.id!)", "\($0.name) (\($0.role.rawValue))", selected: target)
                } + queues.map { SelectOption("queue:\($0.id!)", "Queue: \($0.name)", selected: target) },
            directions: [
                SelectOption("inbound", "The customer called", selected: form.values["direction"] ?? "inbound"),
                SelectOption("outbound", "We called the customer", selected: form.values["direction"]),
            ],
            form: form, promises: promises, hasPromises: !promises.isEmpty,
            promiseKinds: PromiseKind.allCases.map {
                SelectOption($0.rawValue, $0.label, selected: form.values["kind"] ?? "refund")
            }, makePromiseAction: SitePath.casePromiseAction(id, "new").path,
            confirmPromiseAction: SitePath.casePromiseAction(id, "confirm").path)
        let response = try await req.view.render("case", page).encodeResponse(for: req)
        response.status = status
        return response
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await renderCase(req)
    }

    struct EntriesFragment: Encodable {
        var entries: [EntryView]
    }

    /// New entries since `after`, as HTML to append, with the next cursor in a header.
    @Sendable func entries(req: Request) async throws -> Response {
        let viewer = try await req.viewer()
        let supportCase = try await CaseActions.load(try Self.caseID(req), for: viewer, on: req.db)
        guard let cursor = try PageCursor.decode(req.query[String.self, at: "after"], field: "after") else {
            throw ApiError.invalid(field: "after", rule: "is required")
        }
        let visibleCases = try await CaseQueries(db: req.db).visibleCaseIDs(of: supportCase.$customer.id, for: viewer)
        let fresh = try await CaseQueries(db: req.db).timeline(
            customerID: supportCase.$customer.id, caseIDs: visibleCases, includeInternal: true, since: cursor)
        let views = try await EntryView.make(
            fresh, currentCase: supportCase.id, caseHref: { SitePath.caseView($0).path }, staff: true, on: req.db)
        let response = try await req.view.render("partials/entries", EntriesFragment(entries: views)).encodeResponse(
            for: req)
        response.headers.replaceOrAdd(
            name: "X-Fairdesk-Cursor",
            value: fresh.isEmpty ? cursor.encoded : EntryView.cursor(after: fresh, or: req.now))
        return response
    }

    struct SummaryFragment: Encodable {
        var summary: CaseSummary
    }

    @Sendable func summary(req: Request) async throws -> View {
        let viewer = try await req.viewer()
        let supportCase = try await CaseActions.load(try Self.caseID(req), for: viewer, on: req.db)
        return try await req.view.render(
            "partials/case-summary", SummaryFragment(summary: try await loadSummary(req, supportCase)))
    }

    // MARK: Actions

    /// Runs a form's action: on success back to the case with a notice; on bad input the case page
    /// again, with the form as typed and each message beside its field.
    private func act(
        _ req: Request, form name: String, values: [String: String], success: String,
        _ action: (CaseActions, UUID) async throws -> Void
    ) async throws -> Response {
        let id = try Self.caseID(req)
        func perform() async throws { try await action(try await CaseActions(req), id) }
        return try await FormSubmission.handle(
            req, form: name, values: values, success: success, redirect: SitePath.caseView(id).path,
            render: renderCase(_:form:status:), perform)
    }

    @Sendable func reply(req: Request) async throws -> Response {
        struct Form: Content {
            var body: String?
            var status: String?
            var attachments: [File]?
        }
        let form = try req.content.decode(Form.self)
        let status = form.status.flatMap { $0.isEmpty ? nil : $0 }
        return try await act(
            req, form: "reply", values: ["body": form.body ?? "", "status": status ?? ""],
            success: status == "resolved" ? "Reply sent and case resolved." : "Reply sent."
        ) { actions, id in
            _ = try await actions.postMessage(
                caseID: id,
                MessageRequest(body: form.body ?? "", channel: nil, status: status, attachments: form.attachments))
        }
    }

    @Sendable func note(req: Request) async throws -> Response {
        struct Form: Content { var body: String? }
        let form = try req.content.decode(Form.self)
        return try await act(req, form: "note", values: ["body": form.body ?? ""], success: "Note added.") {
            actions, id in
            _ = try await actions.addNote(caseID: id, NoteRequest(body: form.body ?? ""))
        }
    }

    @Sendable func call(req: Request) async throws -> Response {
        struct Form: Content {
            var direction: String?
            var talkSeconds: String?
            var holdSeconds: String?
            var afterCallWorkSeconds: String?
            var summary: String?
        }
        let form = try req.content.decode(Form.self)
        let values = [
            "direction": form.direction ?? "", "talkSeconds": form.talkSeconds ?? "",
            "holdSeconds": form.holdSeconds ?? "",
            "afterCallWorkSeconds": form.afterCallWorkSeconds ?? "", "summary": form.summary ?? "",
        ]
        return try await act(req, form: "call", values: values, success: "Call logged.") { actions, id in
            var checks = Checks()
            // An empty time is none spent.
            func seconds(_ text: String?, _ field: String) -> Int {
                checks.typedNumber(text, field: field, rule: "must be a whole number of seconds") ?? 0
            }
            let request = CallRequest(
                direction: form.direction ?? "", talkSeconds: seconds(form.talkSeconds, "talkSeconds"),
                holdSeconds: seconds(form.holdSeconds, "holdSeconds"),
                afterCallWorkSeconds: seconds(form.afterCallWorkSeconds, "afterCallWorkSeconds"),
                summary: form.summary ?? "")
            try checks.finish()
            _ = try await actions.logCall(caseID: id, request)
        }
    }

    @Sendable func transfer(req: Request) async throws -> Response {
        struct Form: Content {
            var target: String?
            var handoffNote: String?
        }
        let form = try req.content.decode(Form.self)
        let target = form.target ?? ""
        return try await act(
            req, form: "transfer", values: ["target": target, "handoffNote": form.handoffNote ?? ""],
            success: "Case transferred with your handoff note."
        ) { actions, id in
            let parts = target.split(separator: ":", maxSplits: 1).map(String.init)
            let chosen = parts.count == 2 ? UUID(uuidString: parts[1]) : nil
            var request = TransferRequest(toAgentId: nil, toQueueId: nil, handoffNote: form.handoffNote)
            if parts.first == "agent" { request.toAgentId = chosen }
            if parts.first == "queue" { request.toQueueId = chosen }
            do {
                _ = try await actions.transfer(caseID: id, request)
            } catch let error as ValidationFailure {
                // The form has one "target" field where the API has two.
                throw ValidationFailure(
                    error.problems.map {
                        ["toAgentId", "toQueueId"].contains($0.field)
                            ? FieldProblem(field: "target", rule: "must name a person or a queue to hand the case to")
                            : $0
                    })
            } catch let error as ApiError where error.problems.contains(where: { $0.field.hasPrefix("to") }) {
                throw ValidationFailure(
                    error.problems.map { $0.field.hasPrefix("to") ? FieldProblem(field: "target", rule: $0.rule) : $0 })
            }
        }
    }

    @Sendable func status(req: Request) async throws -> Response {
        struct Form: Content {
            var status: String?
            var reason: String?
        }
        let form = try req.content.decode(Form.self)
        return try await act(
            req, form: "status", values: ["status": form.status ?? "", "reason": form.reason ?? ""],
            success: "Status changed to \((form.status ?? "").replacingOccurrences(of: "_", with: " "))."
        ) { actions, id in
            _ = try await actions.changeStatus(
                caseID: id, StatusRequest(status: form.status ?? "", reason: form.reason))
        }
    }
}
