import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// A promise as pages show it.
struct PromiseView: Encodable {
    var id: String
    var headline: String
    var description: String
    var owner: String
    var due: PolicyPages.Time
    var outcome: String
    var outcomeLabel: String
    var open: Bool
    var evidence: String?
    var followUp: String?

    static func label(_ outcome: String) -> String {
        switch outcome {
        case "kept_on_time": "kept"
        case "kept_late": "kept late"
        case "broken": "overdue"
        default: "open"
        }
    }

    static func forCase(_ caseID: UUID, _ req: Request) async throws -> [PromiseView] {
        try await PromiseStore.dtos(try await PromiseStore.forCase(caseID, on: req.db), now: req.now, on: req.db).map {
            PromiseView(
                id: $0.id.uuidString, headline: $0.headline, description: $0.description, owner: $0.ownerName ?? "",
                due: PolicyPages.Time($0.dueAt), outcome: $0.outcome, outcomeLabel: label($0.outcome),
                open: $0.state == "open", evidence: $0.evidence, followUp: $0.followUpAnswer)
        }
    }
}

/// Pages for promises: making and confirming one from the case page, the customer's answer to the
/// follow-up after a promise was kept (no login: the link is the key), and the promises report.
struct PromisePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let workers = routes.grouped(WebGuard(Role.caseWorkers))
        workers.post("cases", ":caseID", "promises", "new", use: make)
        workers.post("cases", ":caseID", "promises", "confirm", use: confirm)
        routes.grouped(WebGuard(Role.supervisors)).get("reports", "promises", use: report)
        routes.get("promises", "follow-up", ":token", use: followUpPage)
        routes.post("promises", "follow-up", ":token", use: followUpAnswer)
    }

    private func caseID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("caseID", as: UUID.self) else { throw ApiError.notFound("case") }
        return id
    }

    @Sendable func make(req: Request) async throws -> Response {
        struct Form: Content {
            var kind: String?
            var amount: String?
            var currency: String?
            var item: String?
            var callbackAt: String?
            var description: String?
            var dueAt: String?
        }
        let form = try req.content.decode(Form.self)
        let id = try caseID(req)
        let values = [
            "kind": form.kind ?? "", "amount": form.amount ?? "", "currency": form.currency ?? "",
            "item": form.item ?? "", "callbackAt": form.callbackAt ?? "", "description": form.description ?? "",
            "dueAt": form.dueAt ?? "",
        ]
        return try await FormSubmission.handle(
            req, form: "promise", values: values, success: "Promise recorded and announced to the customer.",
            redirect: SitePath.caseView(id).path, render: AgentPages().renderCase(_:form:status:)
        ) {
            var checks = Checks()
            var minor: Int?
            let amount = (form.amount ?? "").trimmingCharacters(in: .whitespaces)
            if !amount.isEmpty {
                if let value = Decimal(string: amount), value > 0 {
                    minor = NSDecimalNumber(decimal: value * 100).intValue
                } else {
                    checks.add("amountMinor", "must be an amount like 24.99")
                }
            }
            let due = PolicyPages.parseLocalInput(form.dueAt ?? "")
            if due == nil { checks.add("dueAt", "must be a date and time, like 2026-12-14T09:00 (UTC)") }
            let callback = (form.callbackAt ?? "").isEmpty ? nil : PolicyPages.parseLocalInput(form.callbackAt ?? "")
            if !(form.callbackAt ?? "").isEmpty && callback == nil {
                checks.add("callbackAt", "must be a date and time, like 2026-12-14T09:00 (UTC)")
            }
            try checks.finish()
            _ = try await PromiseActions(app: req.application).make(
                caseID: id,
                PromiseRequest(
                    kind: form.kind ?? "", amountMinor: minor, currency: form.currency, item: form.item,
                    callbackAt: callback, description: form.description ?? "", dueAt: due!, ownerId: nil),
                by: try await req.viewer())
        }
    }

    @Sendable func confirm(req: Request) async throws -> Response {
        struct Form: Content {
            var promiseId: UUID?
            var note: String?
        }
        let form = try req.content.decode(Form.self)
        let id = try caseID(req)
        return try await FormSubmission.handle(
            req, form: "confirm-\(form.promiseId?.uuidString ?? "")", values: ["note": form.note ?? ""],
            success: "Promise marked as kept.", redirect: SitePath.caseView(id).path,
            render: AgentPages().renderCase(_:form:status:)
        ) {
            try await PromiseActions(app: req.application).confirm(
                form.promiseId, note: form.note ?? "", by: try await req.viewer())
        }
    }

    // MARK: Follow-up after a kept promise

    struct FollowUpPage: Encodable {
        var layout: LayoutContext
        var headline: String
        var action: String
        var answered: Bool
        var expired: Bool
        var values: [String: String]
        var errors: [String: String]
    }

    /// The promise the link belongs to; 404 for a link that was never made.
    private func promise(_ req: Request) async throws -> PromiseStore.Row {
        let token = req.parameters.get("token") ?? ""
        guard
            let row = try await req.db.sql.raw(
                "SELECT * FROM promises WHERE follow_up_token_hash = \(bind: AuditLog.sha256(token))"
            ).first(decoding: PromiseStore.Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        else { throw ApiError.notFound("this link") }
        return row
    }

    private func expired(_ row: PromiseStore.Row, _ req: Request) -> Bool {
        let sent = row.followUpSentAt ?? req.now
        return req.now > sent.addingTimeInterval(Double(req.fairdesk.config.surveyLinkDays) * 86_400)
    }

    func renderFollowUp(_ req: Request, form: FormState, status: HTTPStatus) async throws -> Response {
        let row = try await promise(req)
        let page = FollowUpPage(
            layout: LayoutContext(req, title: "Is everything now right?"), headline: row.draft.headline,
            action: SitePath.promiseFollowUp(req.parameters.get("token") ?? "").path,
            answered: row.followUpAnswer != nil, expired: expired(row, req), values: form.values, errors: form.errors)
        let response = try await req.view.render("promise-follow-up", page).encodeResponse(for: req)
        response.status = row.followUpAnswer == nil && expired(row, req) ? .gone : status
        return response
    }

    @Sendable func followUpPage(req: Request) async throws -> Response {
        try await renderFollowUp(req, form: FormState(), status: .ok)
    }

    @Sendable func followUpAnswer(req: Request) async throws -> Response {
        struct Form: Content {
            var solved: String?
            var comment: String?
        }
        let form = try req.content.decode(Form.self)
        let values = ["solved": form.solved ?? "", "comment": form.comment ?? ""]
        let row = try await promise(req)
        if row.followUpAnswer != nil || expired(row, req) {
            return try await renderFollowUp(req, form: FormState(), status: .conflict)
        }
        do {
            var checks = Checks()
            let answer = form.solved?.lowercased()
            if answer != "yes" && answer != "no" { checks.add("solved", "must be answered: yes or no") }
            let comment = checks.text(form.comment, field: "comment", max: 2_000, required: false)
            try checks.finish()
            let now = req.now
            let app = req.application
            try await app.write { db in
                // Only the first answer counts, even when two arrive at once.
                try await db.sql.raw(
                    """
                    UPDATE promises SET follow_up_answer = \(bind: answer!), follow_up_answered_at = \(bind: now) \
                    WHERE id = \(bind: row.id) AND follow_up_answer IS NULL
                    """
                ).run()
                guard let supportCase = try await SupportCase.find(row.caseId, on: db) else { return }
                let customer = Actor(id: nil, label: "the customer")
                let work = try await app.caseWork(on: db, actor: customer)
                let said = answer == "yes" ? "Everything is now right." : "It is not right yet."
                _ = try await work.addEntry(
                    to: supportCase, kind: .message, direction: .inbound, channel: .webForm,
                    body: "Follow-up on \"\(row.draft.headline)\": \(said)" + (comment.map { " \($0)" } ?? ""),
                    author: customer, details: ["promiseId": row.id.uuidString])
                try await PromiseStore.addEvent(
                    row.id, source: "customer", kind: "follow_up_\(answer!)", note: comment, actorID: nil, at: now,
                    on: db)
                if answer == "no" {
                    if [.resolved, .pendingCustomer, .pendingInternal].contains(supportCase.status) {
                        try await work.changeStatus(
                            supportCase, to: .open,
                            reason: "the customer says it is not right after the promise was kept", automatic: true)
                    }
                    try await Notifications.send(
                        to: [row.ownerId] + (try await Notifications.leads(of: supportCase.$queue.id, on: db)),
                        caseID: row.caseId, kind: "promise.not_right",
                        body: "Case \(supportCase.number): after \"\(row.draft.headline)\" the customer says it is "
                            + "not right yet." + (comment.map { " \"\($0)\"" } ?? ""),
                        at: now, on: db)
                }
                try await AuditLog.append(
                    on: db, at: now, actor: customer, action: "promise.follow_up_answered", subjectType: "promise",
                    subjectID: row.id, reason: comment,
                    details: ["case": String(supportCase.number), "answer": answer!], policyVersion: row.policy)
            }
            req.flash("Thank you: your answer is recorded.")
            return req.redirect(to: SitePath.promiseFollowUp(req.parameters.get("token") ?? "").path)
        } catch let error as ValidationFailure {
            return try await renderFollowUp(
                req, form: FormState(form: "follow-up", values: values, problems: error.problems),
                status: .unprocessableEntity)
        }
    }

    // MARK: Report

    struct ReportPage: Encodable {
        var layout: LayoutContext
        var report: PromiseReportDTO
        var from: String
        var to: String
        var chart: String
        var hasChart: Bool
        var rows: [ReportRow]
    }

    struct ReportRow: Encodable {
        var section: String
        var group: String
        var made: Int
        var keptOnTime: Int
        var keptLate: Int
        var broken: Int
        var open: Int
        var rate: String
    }

    @Sendable func report(req: Request) async throws -> View {
        let to = PolicyPages.parseLocalInput(req.query[String.self, at: "to"] ?? "") ?? req.now
        let from =
            PolicyPages.parseLocalInput(req.query[String.self, at: "from"] ?? "")
            ?? to.addingTimeInterval(-30 * 86_400)
        let report = try await PromiseReports.build(from: from, to: to, now: req.now, on: req.db)
        func rows(_ section: String, _ list: [PromiseReportDTO.Row]) -> [ReportRow] {
            list.map {
                ReportRow(
                    section: section, group: $0.group, made: $0.made, keptOnTime: $0.keptOnTime, keptLate: $0.keptLate,
                    broken: $0.broken, open: $0.open,
                    rate: $0.keptOnTimeRate.map { "\(Int(($0 * 100).rounded()))%" } ?? "none due yet")
            }
        }
        return try await req.view.render(
            "promise-report",
            ReportPage(
                layout: LayoutContext(req, title: "Promises", current: .promiseReport), report: report,
                from: PolicyPages.localInput(from), to: PolicyPages.localInput(to),
                chart: PromiseChart.svg(report.byAgent), hasChart: report.total.made > 0,
                rows: rows("Agent", report.byAgent) + rows("Team", report.byTeam) + rows("Kind", report.byKind)))
    }
}

/// A stacked bar per agent: kept on time, kept late, broken and open, drawn as inline SVG so the
/// report needs no script.
enum PromiseChart {
    static func svg(_ rows: [PromiseReportDTO.Row]) -> String {
        guard let most = rows.map(\.made).max(), most > 0 else { return "" }
        let barHeight = 22
        let labelWidth = 160
        let width = 560
        let height = rows.count * (barHeight + 8) + 30
        let colours = [
            ("kept on time", "#4caf6d"), ("kept late", "#e0a800"), ("overdue", "#d9534f"), ("open", "#9fb3c8"),
        ]
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" "
            + "aria-label=\"Promises by agent\" class=\"chart\">"
        for (index, row) in rows.enumerated() {
            let y = index * (barHeight + 8)
            svg += "<text x=\"0\" y=\"\(y + 16)\" font-size=\"13\">\(escape(row.group))</text>"
            var x = Double(labelWidth)
            for (value, colour) in zip([row.keptOnTime, row.keptLate, row.broken, row.open], colours.map(\.1)) {
                let w = Double(value) / Double(most) * Double(width - labelWidth - 40)
                if value > 0 {
                    svg +=
                        "<rect x=\"\(Int(x))\" y=\"\(y)\" width=\"\(max(1, Int(w)))\" height=\"\(barHeight)\" "
                        + "fill=\"\(colour)\"><title>\(value)</title></rect>"
                }
                x += w
            }
            svg += "<text x=\"\(Int(x) + 4)\" y=\"\(y + 16)\" font-size=\"12\">\(row.made)</text>"
        }
        var legendX = 0
        let legendY = rows.count * (barHeight + 8) + 14
        for (label, colour) in colours {
            svg += "<rect x=\"\(legendX)\" y=\"\(legendY - 10)\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>"
            svg += "<text x=\"\(legendX + 16)\" y=\"\(legendY)\" font-size=\"12\">\(label)</text>"
            legendX += 120
        }
        return svg + "</svg>"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
