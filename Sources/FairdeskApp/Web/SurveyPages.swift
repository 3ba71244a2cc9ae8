import FairdeskCore
import Fluent
import Foundation
import Vapor

/// Pages for surveys: the customer's answer (no login and no script needed: the link is the key),
/// what counts against an agent with the right to dispute it, and leads' decisions on disputes.
struct SurveyPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("survey", ":token", use: surveyPage)
        routes.post("survey", ":token", use: answer)
        let workers = routes.grouped(WebGuard(Role.caseWorkers))
        workers.get("my", "surveys", use: mine)
        workers.post("my", "surveys", ":surveyID", "dispute", use: dispute)
        let leads = routes.grouped(WebGuard(Role.supervisors))
        leads.get("surveys", "disputes", use: disputes)
        leads.post("surveys", "disputes", ":disputeID", use: decide)
    }

    // MARK: The customer's answer

    struct ReasonOption: Encodable {
        var value: String
        var label: String
        var checked: Bool
    }

    struct SurveyPage: Encodable {
        var layout: LayoutContext
        var subject: String
        var action: String
        /// ask, answered, expired
        var state: String
        var reasons: [ReasonOption]
        var values: [String: String]
        var errors: [String: String]
        var solved: Bool
    }

    func renderSurvey(_ req: Request, form: FormState, status: HTTPStatus) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let survey = try await Surveys.byToken(token, on: req.db),
            let supportCase = try await SupportCase.find(survey.caseId, on: req.db)
        else { throw ApiError.notFound("this survey link") }
        let state =
            survey.state == "answered" ? "answered" : (req.now > survey.expiresAt ? "expired" : "ask")
        let page = SurveyPage(
            layout: LayoutContext(req, title: "Did we solve your problem?"), subject: supportCase.subject,
            action: SitePath.survey(token).path, state: state,
            reasons: SurveyReason.allCases.map {
                ReasonOption(value: $0.rawValue, label: $0.label, checked: form.values["reason"] == $0.rawValue)
            }, values: form.values, errors: form.errors, solved: survey.solved == true)
        let response = try await req.view.render("survey", page).encodeResponse(for: req)
        response.status = state == "expired" ? .gone : status
        return response
    }

    @Sendable func surveyPage(req: Request) async throws -> Response {
        try await renderSurvey(req, form: FormState(), status: .ok)
    }

    @Sendable func answer(req: Request) async throws -> Response {
        struct Form: Content {
            var solved: String?
            var reason: String?
            var comment: String?
        }
        let form = try req.content.decode(Form.self)
        let values = ["solved": form.solved ?? "", "reason": form.reason ?? "", "comment": form.comment ?? ""]
        do {
            let parsed = try SurveyAnswer.parse(solved: form.solved, reason: form.reason, comment: form.comment)
            _ = try await Surveys.answer(token: req.parameters.get("token") ?? "", parsed, app: req.application)
            req.flash(
                parsed.solved ? "Thank you: glad we could help." : "Thank you. We are on it: someone will write to you."
            )
            return req.redirect(to: SitePath.survey(req.parameters.get("token") ?? "").path)
        } catch let error as ValidationFailure {
            return try await renderSurvey(
                req, form: FormState(form: "survey", values: values, problems: error.problems),
                status: .unprocessableEntity)
        } catch Surveys.Refusal.unknown {
            throw ApiError.notFound("this survey link")
        } catch Surveys.Refusal.answered {
            return try await renderSurvey(req, form: FormState(), status: .conflict)
        } catch Surveys.Refusal.expired {
            return try await renderSurvey(req, form: FormState(), status: .gone)
        }
    }

    // MARK: An agent's results and disputes

    struct ShareView: Encodable {
        var share: SurveyShareDTO
        var sharePercent: Int
        var answered: PolicyPages.Time
        var until: PolicyPages.Time
        var canDispute: Bool
        var action: String
        var caseHref: String
    }

    struct MinePage: Encodable {
        var layout: LayoutContext
        var shares: [ShareView]
        var hasShares: Bool
        var counting: String
        var form: FormState
    }

    func renderMine(_ req: Request, form: FormState, status: HTTPStatus) async throws -> Response {
        let viewer = try await req.viewer()
        let shares = try await SurveyDisputes.shares(of: viewer.user, on: req.db)
        let total = shares.filter(\.counts).map(\.share).reduce(0, +)
        let page = MinePage(
            layout: LayoutContext(req, title: "My survey results", current: .mySurveys),
            shares: shares.map {
                ShareView(
                    share: $0, sharePercent: Int(($0.share * 100).rounded()), answered: PolicyPages.Time($0.answeredAt),
                    until: PolicyPages.Time($0.disputeUntil),
                    canDispute: $0.dispute == nil && req.now <= $0.disputeUntil,
                    action: "/my/surveys/\($0.surveyId)/dispute", caseHref: SitePath.caseView($0.caseId).path)
            }, hasShares: !shares.isEmpty,
            counting: String(format: "%.2f", total), form: form)
        let response = try await req.view.render("my-surveys", page).encodeResponse(for: req)
        response.status = status
        return response
    }

    @Sendable func mine(req: Request) async throws -> Response {
        try await renderMine(req, form: FormState(), status: .ok)
    }

    @Sendable func dispute(req: Request) async throws -> Response {
        struct Form: Content { var note: String? }
        let form = try req.content.decode(Form.self)
        let surveyID = req.parameters.get("surveyID", as: UUID.self)
        return try await FormSubmission.handle(
            req, form: "dispute-\(surveyID?.uuidString ?? "")", values: ["note": form.note ?? ""],
            success: "Dispute sent to the leads.", redirect: SitePath.mySurveys.path,
            render: renderMine(_:form:status:)
        ) {
            _ = try await SurveyDisputes.dispute(
                surveyID, DisputeRequest(note: form.note ?? ""), by: try await req.viewer(), app: req.application)
        }
    }

    // MARK: Leads decide

    struct DisputeView: Encodable {
        var dispute: DisputeDTO
        var action: String
        var reasonLabel: String
    }

    struct DisputesPage: Encodable {
        var layout: LayoutContext
        var open: [DisputeView]
        var decided: [DisputeView]
        var hasOpen: Bool
        var attributions: [SelectOption]
        var form: FormState
    }

    func renderDisputes(_ req: Request, form: FormState, status: HTTPStatus) async throws -> Response {
        let all = try await SurveyDisputes.disputes(on: req.db)
        func view(_ dispute: DisputeDTO) -> DisputeView {
            DisputeView(
                dispute: dispute, action: "/surveys/disputes/\(dispute.id)",
                reasonLabel: dispute.reason.flatMap { SurveyReason(rawValue: $0)?.label } ?? "")
        }
        let page = DisputesPage(
            layout: LayoutContext(req, title: "Survey disputes", current: .surveyDisputes),
            open: all.filter { $0.state == "open" }.map(view), decided: all.filter { $0.state != "open" }.map(view),
            hasOpen: all.contains { $0.state == "open" },
            attributions: Attribution.allCases.filter { $0 != .agent }.map {
                SelectOption($0.rawValue, $0.rawValue, selected: form.values["attribution"])
            }, form: form)
        let response = try await req.view.render("survey-disputes", page).encodeResponse(for: req)
        response.status = status
        return response
    }

    @Sendable func disputes(req: Request) async throws -> Response {
        try await renderDisputes(req, form: FormState(), status: .ok)
    }

    @Sendable func decide(req: Request) async throws -> Response {
        struct Form: Content {
            var outcome: String?
            var attribution: String?
            var reason: String?
        }
        let form = try req.content.decode(Form.self)
        let disputeID = req.parameters.get("disputeID", as: UUID.self)
        let values = [
            "outcome": form.outcome ?? "", "attribution": form.attribution ?? "", "reason": form.reason ?? "",
        ]
        return try await FormSubmission.handle(
            req, form: "decide-\(disputeID?.uuidString ?? "")", values: values,
            success: "Decision recorded; the agent is told.",
            redirect: SitePath.surveyDisputes.path, render: renderDisputes(_:form:status:)
        ) {
            _ = try await SurveyDisputes.decide(
                disputeID,
                DisputeDecisionRequest(
                    outcome: form.outcome ?? "", attribution: form.attribution, reason: form.reason ?? ""),
                by: try await req.viewer(), app: req.application)
        }
    }
}
