import FairdeskCore
import Fluent
import Foundation
import Vapor

/// `/plans`: improvement plans in the browser. Leads propose plans, book and record coaching and
/// escalate (refused while coaching is owed, unless they override in writing); the agent reads
/// their plan, answers each held session's notes and the plan itself in writing.
struct PlanPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let plans = routes.grouped("plans").grouped(WebGuard([.agent, .lead, .admin]))
        plans.get(use: list)
        plans.post("new", use: create)
        plans.get(":planID", use: show)
        plans.post(":planID", "sessions", use: schedule)
        plans.post(":planID", "sessions", ":sessionID", "outcome", use: outcome)
        plans.post(":planID", "sessions", ":sessionID", "comments", use: comment)
        plans.post(":planID", "responses", use: respond)
        plans.post(":planID", "escalations", use: escalate)
    }

    struct ListPage: Encodable {
        var layout: LayoutContext
        var plans: [Row]
        var empty: Bool
        var isLead: Bool
        var agents: [SelectOption]
        var form: FormState
    }

    struct Row: Encodable {
        var href: String
        var agent: String
        var lead: String
        var period: String
        var tally: String
    }

    func plans(_ req: Request) async throws -> ImprovementPlans {
        ImprovementPlans(app: req.application, viewer: try await req.viewer())
    }

    @Sendable func list(req: Request) async throws -> Response { try await renderList(req, FormState(), .ok) }

    func renderList(_ req: Request, _ form: FormState, _ status: HTTPStatus) async throws -> Response {
        let viewer = try await req.viewer()
        let plans = try await plans(req).list()
        let isLead = Role.supervisors.contains(viewer.user.role)
        let agents = isLead ? try await User.query(on: req.db).filter(\.$role == .agent).sort(\.$name).all() : []
        let page = ListPage(
            layout: LayoutContext(req, title: "Improvement plans", current: .plans),
            plans: plans.map {
                Row(
                    href: SitePath.plan($0.id).path, agent: $0.agentName, lead: $0.leadName,
                    period: "\(PageTime.text($0.startsAt)) to \(PageTime.text($0.endsAt))", tally: $0.tally.summary)
            }, empty: plans.isEmpty, isLead: isLead,
            agents: agents.map { SelectOption($0.id!.uuidString, $0.name, selected: form.values["agentId"]) },
            form: form)
        let response = try await req.view.render("plans", page).encodeResponse(for: req)
        response.status = status
        return response
    }

    @Sendable func create(req: Request) async throws -> Response {
        struct Form: Content {
            var agentId: String?
            var startsAt: String?
            var metric: String?
            var target: String?
            var direction: String?
        }
        let form = try req.content.decode(Form.self)
        let values = [
            "agentId": form.agentId ?? "", "startsAt": form.startsAt ?? "", "metric": form.metric ?? "",
            "target": form.target ?? "", "direction": form.direction ?? "",
        ]
        var made: PlanDTO?
        let response = try await FormSubmission.handle(
            req, form: "plan", values: values, success: "Plan proposed; the agent has been told.",
            redirect: SitePath.plans.path, render: renderList
        ) {
            var checks = Checks()
            let start = PolicyPages.parseLocalInput(form.startsAt ?? "")
            if start == nil { checks.add("startsAt", "must be a date and time, like 2026-12-14T09:00 (UTC)") }
            let target = Double((form.target ?? "").trimmed)
            if target == nil { checks.add("target", "must be a number, like 0.8 or 300") }
            try checks.finish()
            // The goal runs for the whole plan, whose length the policy sets.
            made = try await plans(req).create(
                PlanRequest(
                    agentId: UUID(uuidString: form.agentId ?? ""), startsAt: start,
                    goals: [.init(metric: form.metric, target: target, direction: form.direction)]))
        }
        if let made, response.status == .seeOther { return req.redirect(to: SitePath.plan(made.id).path) }
        return response
    }

    struct PlanPage: Encodable {
        var layout: LayoutContext
        var plan: PlanDTO
        var isLead: Bool
        var isAgent: Bool
        var sessions: [SessionRow]
        var events: [EventRow]
        var form: FormState
        var base: String
    }

    struct SessionRow: Encodable {
        var id: String
        var when: String
        var status: String
        var notes: String
        var comments: [String]
        var open: Bool
        var held: Bool
    }

    struct EventRow: Encodable {
        var when: String
        var by: String
        var text: String
    }

    @Sendable func show(req: Request) async throws -> Response { try await renderPlan(req, FormState(), .ok) }

    func renderPlan(_ req: Request, _ form: FormState, _ status: HTTPStatus) async throws -> Response {
        let plans = try await plans(req)
        let (row, stored) = try await plans.load(req.parameters.get("planID", as: UUID.self))
        let plan = try await plans.dto(row, stored)
        let viewer = try await req.viewer()
        let page = PlanPage(
            layout: LayoutContext(req, title: "Improvement plan: \(plan.agentName)", current: .plans), plan: plan,
            isLead: Role.supervisors.contains(viewer.user.role), isAgent: viewer.user.id == plan.agentId,
            sessions: plan.sessions.map { session in
                SessionRow(
                    id: session.id.uuidString, when: PageTime.text(session.scheduledAt),
                    status: session.status == "missed" ? "missed by the \(session.missedBy ?? "")" : session.status,
                    notes: session.notes ?? "", comments: session.comments.map(\.text),
                    open: session.status == "scheduled", held: session.status == "held")
            },
            events: plan.events.map { EventRow(when: PageTime.text($0.at), by: $0.by, text: $0.text) }, form: form,
            base: SitePath.plan(plan.id).path)
        let response = try await req.view.render("plan", page).encodeResponse(for: req)
        response.status = status
        return response
    }

    /// Runs a step from a form on the plan's page, then shows the page again.
    func step(
        _ req: Request, form: String, values: [String: String], success: String,
        _ action: @escaping (ImprovementPlans, UUID?) async throws -> Void
    ) async throws -> Response {
        let id = req.parameters.get("planID", as: UUID.self)
        let plans = try await plans(req)
        return try await FormSubmission.handle(
            req, form: form, values: values, success: success, redirect: SitePath.plan(id ?? UUID()).path,
            render: renderPlan
        ) { try await action(plans, id) }
    }

    @Sendable func schedule(req: Request) async throws -> Response {
        struct Form: Content { var scheduledAt: String? }
        let form = try req.content.decode(Form.self)
        return try await step(
            req, form: "session", values: ["scheduledAt": form.scheduledAt ?? ""], success: "Session booked."
        ) { plans, id in
            guard let at = PolicyPages.parseLocalInput(form.scheduledAt ?? "") else {
                throw ValidationFailure(
                    field: "scheduledAt", rule: "must be a date and time, like 2026-12-14T09:00 (UTC)")
            }
            _ = try await plans.schedule(id, SessionRequest(scheduledAt: at))
        }
    }

    @Sendable func outcome(req: Request) async throws -> Response {
        struct Form: Content {
            var notes: String?
            var missedBy: String?
        }
        let form = try req.content.decode(Form.self)
        let session = req.parameters.get("sessionID", as: UUID.self)
        let missed = !(form.missedBy ?? "").isEmpty
        return try await step(
            req, form: "outcome", values: ["notes": form.notes ?? ""],
            success: missed ? "Session recorded as missed." : "Session recorded as held; the agent can read the notes."
        ) { plans, id in
            _ = try await plans.outcome(
                id, session: session, SessionOutcomeRequest(notes: form.notes, missedBy: missed ? form.missedBy : nil))
        }
    }

    @Sendable func comment(req: Request) async throws -> Response {
        struct Form: Content { var text: String? }
        let form = try req.content.decode(Form.self)
        let session = req.parameters.get("sessionID", as: UUID.self)
        return try await step(req, form: "comment", values: ["text": form.text ?? ""], success: "Comment saved.") {
            plans, id in
            _ = try await plans.comment(id, session: session, PlanTextRequest(text: form.text))
        }
    }

    @Sendable func respond(req: Request) async throws -> Response {
        struct Form: Content { var text: String? }
        let form = try req.content.decode(Form.self)
        return try await step(
            req, form: "response", values: ["text": form.text ?? ""],
            success: "Your answer is on the plan; your lead has been told."
        ) { plans, id in
            _ = try await plans.respond(id, PlanTextRequest(text: form.text))
        }
    }

    @Sendable func escalate(req: Request) async throws -> Response {
        struct Form: Content {
            var level: String?
            var reason: String?
            var overrideReason: String?
        }
        let form = try req.content.decode(Form.self)
        return try await step(
            req, form: "escalation",
            values: [
                "level": form.level ?? "", "reason": form.reason ?? "", "overrideReason": form.overrideReason ?? "",
            ],
            success: "Escalation recorded; the agent has been told and may answer."
        ) { plans, id in
            _ = try await plans.escalate(
                id, EscalationRequest(level: form.level, reason: form.reason, overrideReason: form.overrideReason))
        }
    }
}
