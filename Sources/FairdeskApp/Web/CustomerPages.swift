import FairdeskCore
import Fluent
import Foundation
import Vapor

/// A customer's own pages: their cases, each conversation, replies, and opening a new case.
struct CustomerPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let mine = routes.grouped("my", "cases").grouped(WebGuard([.customer]))
        mine.get(use: list)
        mine.get("new", use: newCasePage)
        mine.post("new", use: openCase)
        mine.get(":caseID", use: show)
        mine.on(.POST, ":caseID", "reply", body: .collect(maxSize: "64mb"), use: reply)
    }

    struct CaseRow: Encodable {
        var number: Int64
        var href: String
        var subject: String
        var status: String
        var iso: String
        var time: String
    }

    struct ListPage: Encodable {
        var layout: LayoutContext
        var cases: [CaseRow]
        var empty: Bool
        var newCase: String
    }

    struct NewCasePage: Encodable {
        var layout: LayoutContext
        var form: FormState
    }

    struct ConversationPage: Encodable {
        var layout: LayoutContext
        var number: Int64
        var subject: String
        var status: String
        var closed: Bool
        var entries: [EntryView]
        var replyAction: String
        var form: FormState
        var back: String
        /// What we promised on this case, and where each promise stands.
        var promises: [PromiseView]
        var hasPromises: Bool
    }

    @Sendable func list(req: Request) async throws -> View {
        let viewer = try await req.viewer()
        guard let customerID = viewer.user.$customer.id else { throw ApiError.notFound("customer record") }
        let cases = try await SupportCase.query(on: req.db).filter(\.$customer.$id == customerID)
            .sort(\.$lastActivityAt, .descending).limit(200).all()
        let rows = cases.map {
            CaseRow(
                number: $0.number, href: SitePath.myCase($0.id!).path, subject: $0.subject,
                status: $0.status.rawValue.replacingOccurrences(of: "_", with: " "),
                iso: PageTime.iso($0.lastActivityAt),
                time: PageTime.text($0.lastActivityAt))
        }
        return try await req.view.render(
            "my-cases",
            ListPage(
                layout: LayoutContext(req, title: "My cases", current: .myCases), cases: rows, empty: rows.isEmpty,
                newCase: SitePath.newCase.path))
    }

    @Sendable func newCasePage(req: Request) async throws -> View {
        try await req.view.render(
            "new-case", NewCasePage(layout: LayoutContext(req, title: "New case", current: .newCase), form: FormState())
        )
    }

    @Sendable func openCase(req: Request) async throws -> Response {
        struct Form: Content {
            var subject: String?
            var body: String?
        }
        let form = try req.content.decode(Form.self)
        do {
            let made = try await CaseActions(req).open(
                CreateCaseRequest(
                    customerId: nil, subject: form.subject ?? "", channel: "web_form", body: form.body ?? "",
                    queueId: nil))
            req.flash("Thank you. Case #\(made.number) is open; we will answer here.")
            return req.redirect(to: SitePath.myCase(made.id!).path)
        } catch let error as ValidationFailure {
            let page = NewCasePage(
                layout: LayoutContext(req, title: "New case", current: .newCase),
                form: FormState(
                    form: "new-case", values: ["subject": form.subject ?? "", "body": form.body ?? ""],
                    problems: error.problems))
            let response = try await req.view.render("new-case", page).encodeResponse(for: req)
            response.status = .unprocessableEntity
            return response
        }
    }

    func render(_ req: Request, form: FormState = FormState(), status: HTTPStatus = .ok) async throws -> Response {
        let viewer = try await req.viewer()
        let supportCase = try await CaseActions.load(
            req.parameters.get("caseID", as: UUID.self), for: viewer, on: req.db)
        // The whole conversation of this case, oldest first, without internal notes.
        let entries = try await TimelineEntry.query(on: req.db).filter(\.$supportCase.$id == supportCase.id!)
            .filter(\.$direction != .internal).sort(\.$occurredAt).sort(\.$id).limit(500).all()
        let promises = try await PromiseView.forCase(supportCase.id!, req)
        let page = ConversationPage(
            layout: LayoutContext(req, title: "Case #\(supportCase.number)", current: .myCases),
            number: supportCase.number, subject: supportCase.subject,
            status: supportCase.status.rawValue.replacingOccurrences(of: "_", with: " "),
            closed: supportCase.status == .closed,
            entries: try await EntryView.make(
                entries, currentCase: supportCase.id, caseHref: { SitePath.myCase($0).path }, on: req.db),
            replyAction: SitePath.myCase(supportCase.id!).path + "/reply", form: form, back: SitePath.myCases.path,
            promises: promises, hasPromises: !promises.isEmpty)
        let response = try await req.view.render("my-case", page).encodeResponse(for: req)
        response.status = status
        return response
    }

    @Sendable func show(req: Request) async throws -> Response { try await render(req) }

    @Sendable func reply(req: Request) async throws -> Response {
        struct Form: Content {
            var body: String?
            var attachments: [File]?
        }
        let form = try req.content.decode(Form.self)
        guard let id = req.parameters.get("caseID", as: UUID.self) else { throw ApiError.notFound("case") }
        do {
            _ = try await CaseActions(req).postMessage(
                caseID: id,
                MessageRequest(body: form.body ?? "", channel: "web_form", status: nil, attachments: form.attachments))
            req.flash("Your message was sent.")
            return req.redirect(to: SitePath.myCase(id).path)
        } catch let error as ValidationFailure {
            return try await render(
                req, form: FormState(form: "reply", values: ["body": form.body ?? ""], problems: error.problems),
                status: .unprocessableEntity)
        } catch let error as ApiError where !error.problems.isEmpty {
            return try await render(
                req, form: FormState(form: "reply", values: ["body": form.body ?? ""], problems: error.problems),
                status: error.status)
        }
    }
}
