import FairdeskCore
import Foundation
import Vapor

/// The forms staff use on a driver's behalf or record: leaving a record out of the metrics because it
/// lay outside the driver's control (`/drivers/{userID}/excuse`: leads, reviewers, admins), and
/// reporting a breach of a clause of the driver policy (`/drivers/{userID}/violation`: leads and
/// reviewers), which issues a written warning. Both do what the API does, under the same rules.
struct DriverStaffForms: RouteCollection {
    /// Who may report a violation: a lead or a reviewer, never the depot's feed.
    static let reporters: Set<Role> = [.lead, .reviewer]

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(WebGuard(DriverController.driverStaff))
        staff.get("drivers", ":userID", "excuse", use: excuseForm)
        staff.post("drivers", ":userID", "excuse", use: excuse)
        let reporters = routes.grouped(WebGuard(Self.reporters))
        reporters.get("drivers", ":userID", "violation", use: violationForm)
        reporters.post("drivers", ":userID", "violation", use: violation)
    }

    typealias Option = DriverPages.Option

    struct FormPage: Encodable {
        var layout: LayoutContext
        var driverName: String
        var standingHref: String
        var action: String
        var policy: String
        /// The driver's records in the window (excuse), or the policy's clauses (violation).
        var choices: [Option]
        var codes: [Option]
        var values: [String: String]
        var errors: [String: String]
        var hasErrors: Bool
    }

    func page(_ req: Request, form: FormState, status: HTTPStatus, violation: Bool) async throws -> Response {
        let driver = try await DriverStandings.driver(req.parameters.get("userID", as: UUID.self), on: req.db)
        let id = try driver.requireID()
        let used = try await DriverStandings.policy(for: driver, at: req.now, on: req.db)
        let choices: [Option]
        if violation {
            choices = used.clauses.map {
                Option(
                    value: $0.number, label: "\($0.number) \($0.title)", selected: form.values["clause"] == $0.number)
            }
        } else {
            let standing = try await req.application.driverStandings.standing(of: driver, staff: true)
            choices = standing.records.map {
                Option(
                    value: $0.id, label: "\($0.id) (\($0.kind)): \($0.description)",
                    selected: form.values["recordId"] == $0.id)
            }
        }
        let page = FormPage(
            layout: LayoutContext(
                req, title: (violation ? "Report a violation by " : "Excuse a record of ") + driver.name,
                current: .drivers),
            driverName: driver.name, standingHref: SitePath.driverStanding(id).path,
            action: "/drivers/\(id)/" + (violation ? "violation" : "excuse"), policy: used.citation,
            choices: choices,
            codes: ExcuseCode.applicable.map {
                Option(value: $0.rawValue, label: $0.words.capitalized, selected: form.values["code"] == $0.rawValue)
            }, values: form.values, errors: form.errors, hasErrors: !form.errors.isEmpty)
        let response = try await req.view.render(violation ? "driver-violation" : "driver-excuse", page)
            .encodeResponse(for: req)
        response.status = status
        return response
    }

    func excusePage(_ req: Request, _ form: FormState, _ status: HTTPStatus) async throws -> Response {
        try await page(req, form: form, status: status, violation: false)
    }

    func violationPage(_ req: Request, _ form: FormState, _ status: HTTPStatus) async throws -> Response {
        try await page(req, form: form, status: status, violation: true)
    }

    @Sendable func excuseForm(req: Request) async throws -> Response {
        try await excusePage(req, FormState(), .ok)
    }

    @Sendable func violationForm(req: Request) async throws -> Response {
        try await violationPage(req, FormState(), .ok)
    }

    @Sendable func excuse(req: Request) async throws -> Response {
        struct Form: Content {
            var recordId: String?
            var code: String?
            var reason: String?
            var reportedAt: String?
        }
        let viewer = try await req.viewer(DriverController.driverStaff)
        let form = try req.content.decode(Form.self)
        let id = req.parameters.get("userID", as: UUID.self)
        let values = [
            "recordId": form.recordId ?? "", "code": form.code ?? "", "reason": form.reason ?? "",
            "reportedAt": form.reportedAt ?? "",
        ]
        return try await FormSubmission.handle(
            req, form: "excuse", values: values,
            success: "The record is left out of the driver's metrics; they see why on their page.",
            redirect: id.map { SitePath.driverStanding($0).path } ?? SitePath.drivers.path,
            render: excusePage
        ) {
            var reportedAt: Date?
            if let text = form.reportedAt, !text.isEmpty {
                guard let parsed = PolicyPages.parseLocalInput(text) else {
                    throw ValidationFailure([FieldProblem(field: "reportedAt", rule: "must be a date and time")])
                }
                reportedAt = parsed
            }
            _ = try await req.application.driverStandings.excuse(
                DriverExcuseRequest(
                    recordId: form.recordId, code: form.code, reason: form.reason, reportedAt: reportedAt, feed: nil),
                for: id, by: viewer)
        }
    }

    @Sendable func violation(req: Request) async throws -> Response {
        struct Form: Content {
            var clause: String?
            var account: String?
            var evidence: String?
        }
        let viewer = try await req.viewer(Self.reporters)
        let form = try req.content.decode(Form.self)
        let id = req.parameters.get("userID", as: UUID.self)
        let values = ["clause": form.clause ?? "", "account": form.account ?? "", "evidence": form.evidence ?? ""]
        return try await FormSubmission.handle(
            req, form: "violation", values: values,
            success: "The written warning is issued; the driver has been told.",
            redirect: id.map { SitePath.driverStanding($0).path } ?? SitePath.drivers.path,
            render: violationPage
        ) {
            let evidence = (form.evidence ?? "").split(whereSeparator: { $0 == "," || $0.isNewline }).map(String.init)
            _ = try await req.application.driverStandings.reportViolation(
                DriverViolationRequest(clause: form.clause, account: form.account, evidence: evidence), for: id,
                by: viewer)
        }
    }
}
