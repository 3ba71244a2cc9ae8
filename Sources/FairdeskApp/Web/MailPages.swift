import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// `/mail/inbound/:id`: one received email as it came, for staff: who sent it, how Fairdesk read
/// it and what was wrong with it, which case it joined and why, its whole text and its raw source.
struct MailPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped("mail", "inbound").grouped(WebGuard(Role.caseWorkers))
        staff.get(":emailID", use: show)
        staff.get(":emailID", "raw", use: raw)
        routes.grouped("mail", "inbound").grouped(WebGuard([.admin])).post(":emailID", "file", use: release)
    }

    /// An admin files held mail as a case after all, saying why.
    @Sendable func release(req: Request) async throws -> Response {
        struct Form: Content { var reason: String? }
        let id = try req.parameters.require("emailID", as: UUID.self)
        let form = try req.content.decode(Form.self)
        do {
            let outcome = try await MailIntakeService(app: req.application, source: .http).release(
                id, by: try await req.viewer().actor, reason: form.reason)
            req.flash("The email is filed in case \(outcome.caseNumber.map(String.init) ?? "").")
            return req.redirect(to: outcome.caseId.map { SitePath.caseView($0).path } ?? SitePath.adminMail.path)
        } catch let error as ValidationFailure {
            return try await render(
                req, row: try await load(req),
                form: FormState(form: "file", values: ["reason": form.reason ?? ""], problems: error.problems),
                status: .unprocessableEntity)
        }
    }

    struct Row: Decodable {
        var id: UUID
        var receivedAt: Date
        var source: String
        var storageKey: String
        var byteSize: Int64
        var messageId: String
        var fromAddress: String?
        var subject: String
        var state: String
        var reason: String?
        var threadedBy: String?
        var caseId: UUID?
        var problems: String
    }

    struct Header: Encodable {
        var name: String
        var value: String
    }

    struct Page: Encodable {
        var layout: LayoutContext
        var subject: String
        var from: String
        var received: String
        var source: String
        var state: String
        var reason: String?
        var threadedBy: String?
        var caseHref: String?
        var caseNumber: String?
        var problems: [String]
        var hasProblems: Bool
        var headers: [Header]
        var text: String
        var files: [String]
        var hasFiles: Bool
        var rawHref: String
        var rawText: String
        var rawCut: Bool
        var size: String
        /// Held mail, seen by an admin, who may file it as a case.
        var canFile: Bool
        var fileAction: String
        var form: FormState
    }

    /// The email, if the viewer may see it: staff who can read its case; admins for mail without a case.
    private func load(_ req: Request) async throws -> Row {
        let id = try req.parameters.require("emailID", as: UUID.self)
        guard
            let row = try await req.db.sql.raw("SELECT * FROM inbound_emails WHERE id = \(bind: id)")
                .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        else { throw Abort(.notFound, reason: "There is no such email.") }
        let viewer = try await req.viewer()
        if let caseID = row.caseId {
            _ = try await CaseActions.load(caseID, for: viewer, on: req.db)
        } else if viewer.role != .admin {
            throw Abort(.notFound, reason: "There is no such email.")
        }
        return row
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await render(req, row: try await load(req))
    }

    private func render(
        _ req: Request, row: Row, form: FormState = FormState(), status: HTTPStatus = .ok
    ) async throws -> Response {
        let bytes = (try? req.fairdesk.attachments.load(key: row.storageKey)) ?? Data()
        let mail = MIMEParser.parse(bytes)
        let limit = 200_000
        let rawText = String(decoding: bytes.prefix(limit), as: UTF8.self)
        var number: String?
        if let caseID = row.caseId, let found = try await SupportCase.find(caseID, on: req.db) {
            number = "#\(found.number)"
        }
        let problems = row.problems.isEmpty ? [] : row.problems.components(separatedBy: "\n")
        let isAdmin = try await req.viewer().role == .admin
        let page = Page(
            layout: LayoutContext(req, title: "Email: \(row.subject)"), subject: row.subject,
            from: mail.from?.header ?? row.fromAddress ?? "(no sender)", received: PageTime.text(row.receivedAt),
            source: row.source, state: row.state, reason: row.reason, threadedBy: row.threadedBy,
            caseHref: row.caseId.map { SitePath.caseView($0).path }, caseNumber: number, problems: problems,
            hasProblems: !problems.isEmpty, headers: mail.headers.map { Header(name: $0.name, value: $0.value) },
            text: mail.text,
            files: mail.attachments.map { "\($0.filename) (\($0.contentType), \($0.data.count) bytes)" },
            hasFiles: !mail.attachments.isEmpty, rawHref: SitePath.inboundEmail(row.id).path + "/raw",
            rawText: bytes.isEmpty ? "(the raw message is missing from the attachment store)" : rawText,
            rawCut: bytes.count > limit,
            size: ByteCountFormatter.string(fromByteCount: row.byteSize, countStyle: .file),
            canFile: row.state == "held" && isAdmin,
            fileAction: SitePath.inboundEmail(row.id).path + "/file", form: form)
        let response = try await req.view.render("inbound-email", page).encodeResponse(for: req)
        response.status = status
        return response
    }

    /// The raw message, byte for byte, to open in a mail client.
    @Sendable func raw(req: Request) async throws -> Response {
        let row = try await load(req)
        guard let bytes = try? req.fairdesk.attachments.load(key: row.storageKey) else {
            throw Abort(.notFound, reason: "The raw message is missing from the attachment store.")
        }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "message", subType: "rfc822")
        headers.add(name: .contentDisposition, value: "attachment; filename=\"email-\(row.id).eml\"")
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        return Response(status: .ok, headers: headers, body: .init(data: bytes))
    }

    /// The newest received emails, for the admin Mail page.
    struct Received: Encodable {
        var from: String
        var subject: String
        var state: String
        var reason: String
        var caseNumber: String
        var caseHref: String
        var hasCase: Bool
        var href: String
        var received: String
        var problems: Int
    }

    static func received(limit: Int = 100, on db: any Database) async throws -> [Received] {
        let rows = try await db.sql.raw(
            "SELECT * FROM inbound_emails ORDER BY received_at DESC, id DESC LIMIT \(literal: limit)"
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        let caseIDs = Array(Set(rows.compactMap(\.caseId)))
        var numbers: [UUID: Int64] = [:]
        if !caseIDs.isEmpty {
            for found in try await SupportCase.query(on: db).filter(\.$id ~~ caseIDs).all() {
                numbers[found.id!] = found.number
            }
        }
        return rows.map { row in
            Received(
                from: row.fromAddress ?? "(no sender)", subject: row.subject, state: row.state,
                reason: row.reason ?? row.threadedBy ?? "",
                caseNumber: row.caseId.flatMap { numbers[$0] }.map { "#\($0)" } ?? "",
                caseHref: row.caseId.map { SitePath.caseView($0).path } ?? "", hasCase: row.caseId != nil,
                href: SitePath.inboundEmail(row.id).path, received: PageTime.text(row.receivedAt),
                problems: row.problems.isEmpty ? 0 : row.problems.components(separatedBy: "\n").count)
        }
    }
}
