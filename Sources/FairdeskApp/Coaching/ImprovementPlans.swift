import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// Improvement plans with obligations both ways: the plan's goals and the coaching it promises come
/// from the improvement-plans policy binding the agent; every step (a session booked, held or
/// missed, the agent's comment, an escalation, the agent's written answer) is recorded, told to the
/// agent, and put on the audit log with the policy version. The rules are `FairdeskCore/Coaching`.
struct ImprovementPlans {
    let app: Application
    let viewer: Viewer

    private var now: Date { app.fairdesk.clock.now }

    struct Row: Decodable {
        var id: UUID
        var agentId: UUID
        var leadId: UUID
        var policy: String
        var plan: String
    }

    // MARK: Reading

    /// The plan `id`, for the agent on it or a lead or admin; anyone else is told it does not exist.
    func load(_ id: UUID?) async throws -> (Row, ImprovementPlan) {
        guard let id,
            let row = try await app.db.sql.raw(
                "SELECT id, agent_id, lead_id, policy, plan FROM improvement_plans WHERE id = \(bind: id)"
            ).first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase),
            Role.supervisors.contains(viewer.user.role) || row.agentId == viewer.user.id
        else { throw ApiError.notFound("improvement plan") }
        return (row, try JSONDecoder().decode(ImprovementPlan.self, from: Data(row.plan.utf8)))
    }

    /// Plans the viewer may read: their own, or every plan for leads and admins; newest first.
    func list() async throws -> [PlanDTO] {
        var query: SQLQueryString = "SELECT id, agent_id, lead_id, policy, plan FROM improvement_plans"
        if !Role.supervisors.contains(viewer.user.role) { query += " WHERE agent_id = \(bind: viewer.user.id!)" }
        query += " ORDER BY starts_at DESC LIMIT 200"
        let rows = try await app.db.sql.raw(query).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        var plans: [PlanDTO] = []
        for row in rows {
            plans.append(try await dto(row, try JSONDecoder().decode(ImprovementPlan.self, from: Data(row.plan.utf8))))
        }
        return plans
    }

    func dto(_ row: Row, _ plan: ImprovementPlan) async throws -> PlanDTO {
        let names = try await PolicyQueries.names([plan.agentID, plan.leadID], on: app.db)
        struct EventRow: Decodable {
            var kind: String
            var actorLabel: String
            var text: String
            var level: String?
            var overrideReason: String?
            var at: Date
        }
        let events = try await app.db.sql.raw(
            """
            SELECT kind, actor_label, text, level, override_reason, at FROM plan_events \
            WHERE plan_id = \(bind: row.id) ORDER BY at, id
            """
        ).all(decoding: EventRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        let tally = CoachingTally(plan: plan, at: now)
        return PlanDTO(
            id: plan.id, agentId: plan.agentID, agentName: names[plan.agentID] ?? "", leadId: plan.leadID,
            leadName: names[plan.leadID] ?? "", startsAt: plan.startsAt, endsAt: plan.endsAt, weeks: plan.weeks,
            sessionsPerWeek: plan.sessionsPerWeek, policy: row.policy,
            goals: plan.goals.map {
                PlanDTO.Goal(
                    metric: $0.metric, target: $0.target, direction: $0.direction.rawValue, from: $0.period.start,
                    to: $0.period.end)
            },
            sessions: plan.sessions.sorted { $0.scheduledAt < $1.scheduledAt }.map { session in
                var dto = PlanDTO.Session(
                    id: session.id, scheduledAt: session.scheduledAt, status: "scheduled",
                    comments: session.agentComments.map { PlanDTO.Comment(text: $0.text, at: $0.at) })
                switch session.status {
                case .scheduled: break
                case .held(let at, let notes):
                    dto.status = "held"
                    dto.heldAt = at
                    dto.notes = notes
                case .missed(let by, _):
                    dto.status = "missed"
                    dto.missedBy = by.rawValue
                }
                return dto
            },
            tally: PlanDTO.Tally(
                promised: tally.promised, held: tally.held, missedByLead: tally.missedByLead,
                missedByAgent: tally.missedByAgent, scheduled: tally.scheduled, owed: tally.owed,
                delivered: tally.isDelivered, summary: tally.summary),
            events: events.map {
                PlanDTO.Event(
                    kind: $0.kind, by: $0.actorLabel, text: $0.text, level: $0.level, overrideReason: $0.overrideReason,
                    at: $0.at)
            })
    }

    // MARK: Changes

    /// A lead proposes a plan for an agent under the improvement-plans policy binding the agent.
    func create(_ input: PlanRequest) async throws -> PlanDTO {
        try requireLead()
        var checks = Checks()
        if input.agentId == nil { checks.add("agentId", "is required") }
        if input.startsAt == nil { checks.add("startsAt", "is required") }
        // A goal left without dates runs for the whole plan, whose length the policy sets.
        var drafts: [(metric: String, target: Double, direction: PlanGoal.Direction, period: DateInterval?)] = []
        for (index, goal) in (input.goals ?? []).enumerated() {
            let field = "goals[\(index)]"
            let direction = checks.oneOf(goal.direction, field: "\(field).direction", as: PlanGoal.Direction.self)
            if goal.target == nil { checks.add("\(field).target", "is required") }
            var period: DateInterval?
            switch (goal.from, goal.to) {
            case (nil, nil): break
            case (let from?, let to?) where from < to: period = DateInterval(start: from, end: to)
            default: checks.add("\(field).period", "needs both from and to, with from before to, or neither")
            }
            if let direction, let target = goal.target {
                drafts.append((goal.metric ?? "", target, direction, period))
            }
        }
        try checks.finish()
        guard let agent = try await User.find(input.agentId, on: app.db), agent.role == .agent else {
            throw ApiError.invalid(field: "agentId", rule: "must name an agent")
        }
        guard
            let policy = try await PolicyBook.inForce(
                kind: .improvementPlans, for: PolicyReader(agent), at: input.startsAt!, on: app.db)
        else {
            throw ApiError.invalid(
                field: "agentId",
                rule: "is bound by no improvement-plans policy on \(PageTime.text(input.startsAt!)); a plan needs "
                    + "one for its cadence and length")
        }
        let whole = DateInterval(
            start: input.startsAt!,
            duration: Double(policy.parameters.integer("plan_weeks") ?? 1) * ImprovementPlan.week)
        let goals = drafts.map {
            PlanGoal(metric: $0.metric, target: $0.target, direction: $0.direction, period: $0.period ?? whole)
        }
        let plan = try ImprovementPlan.propose(
            id: UUID(), agentID: try agent.requireID(), leadID: try viewer.user.requireID(), startsAt: input.startsAt!,
            goals: goals, policy: policy.parameters, policyVersion: policy.version.number)
        let citation = policy.citation
        let (actor, now) = (viewer.actor, now)
        let goalsText = plan.goals.map {
            "\($0.metric) \($0.direction == .atLeast ? "at least" : "at most") \($0.target)"
        }
        .joined(separator: "; ")
        try await app.write { db in
            try await db.insertRow(
                "improvement_plans",
                [
                    ("id", plan.id), ("agent_id", plan.agentID), ("lead_id", plan.leadID), ("starts_at", plan.startsAt),
                    ("ends_at", plan.endsAt), ("policy", citation), ("plan", try Self.encode(plan)),
                    ("created_at", now),
                    ("updated_at", now),
                ])
            try await record(
                plan, kind: "proposed",
                text: "Plan of \(plan.weeks) weeks from \(PageTime.text(plan.startsAt)) with "
                    + "\(plan.sessionsPerWeek) coaching sessions a week (\(citation)). Goals: \(goalsText).",
                citation: citation, actor: actor, on: db)
        }
        return try await dto(try await load(plan.id).0, plan)
    }

    func schedule(_ id: UUID?, _ input: SessionRequest) async throws -> PlanDTO {
        try requireLead()
        guard let at = input.scheduledAt else { throw ApiError.invalid(field: "scheduledAt", rule: "is required") }
        return try await change(id) { plan in
            try plan.schedule(sessionID: UUID(), at: at)
            return ("session_scheduled", "Coaching session booked for \(PageTime.text(at)).")
        }
    }

    func outcome(_ id: UUID?, session: UUID?, _ input: SessionOutcomeRequest) async throws -> PlanDTO {
        try requireLead()
        guard let session else { throw ApiError.notFound("session") }
        let now = now
        if let by = input.missedBy {
            guard let party = CoachingParty(rawValue: by) else {
                throw ApiError.invalid(
                    field: "missedBy", rule: "must be one of: lead, agent (got \"\(by.prefix(20))\")")
            }
            return try await change(id) { plan in
                try plan.miss(sessionID: session, by: party, at: now)
                return ("session_missed", "A coaching session was missed by the \(party.rawValue).")
            }
        }
        return try await change(id) { plan in
            try plan.hold(sessionID: session, notes: input.notes ?? "", at: now)
            return ("session_held", "Coaching session held. Notes: \(input.notes ?? "")")
        }
    }

    /// The agent answers a held session's notes in writing.
    func comment(_ id: UUID?, session: UUID?, _ input: PlanTextRequest) async throws -> PlanDTO {
        let (row, _) = try await load(id)
        guard row.agentId == viewer.user.id else {
            throw ApiError.forbidden("only the agent on the plan comments on its sessions")
        }
        guard let session else { throw ApiError.notFound("session") }
        let now = now
        return try await change(id) { plan in
            try plan.comment(sessionID: session, text: input.text ?? "", at: now)
            return ("comment", input.text ?? "")
        }
    }

    /// The agent answers the plan, or a step of it, in writing.
    func respond(_ id: UUID?, _ input: PlanTextRequest) async throws -> PlanDTO {
        let (row, plan) = try await load(id)
        guard row.agentId == viewer.user.id else {
            throw ApiError.forbidden("only the agent on the plan answers it")
        }
        var checks = Checks()
        let text = checks.text(input.text, field: "text", max: CoachingSession.maximumTextLength)
        try checks.finish()
        let (actor, citation) = (viewer.actor, row.policy)
        try await app.write { db in
            try await record(plan, kind: "response", text: text!, citation: citation, actor: actor, on: db)
        }
        return try await dto(row, plan)
    }

    /// A lead escalates the plan to a written or final warning: refused while coaching it promised is
    /// owed, unless the lead overrides with a written reason.
    func escalate(_ id: UUID?, _ input: EscalationRequest) async throws -> PlanDTO {
        try requireLead()
        var checks = Checks()
        let level = checks.oneOf(input.level, field: "level", as: EscalationLevel.self)
        let reason = checks.text(input.reason, field: "reason", max: 2_000)
        var override: EscalationOverride?
        if let text = input.overrideReason, !text.isBlank {
            let lead = try viewer.user.requireID()
            do { override = try EscalationOverride(leadID: lead, reason: text) } catch { checks.add(error) }
        }
        try checks.finish()
        let (row, plan) = try await load(id)
        let decision = EscalationRules.canEscalate(plan, to: level!, at: now, override: override)
        guard decision.allowed else {
            throw ApiError.conflict(decision.reason, field: override == nil ? "overrideReason" : "level")
        }
        let (actor, citation) = (viewer.actor, row.policy)
        try await app.write { db in
            try await record(
                plan, kind: "escalated", text: "Escalated to \(level!.label): \(reason!) (\(decision.reason))",
                citation: citation, actor: actor, level: level!.rawValue, override: decision.override?.reason, on: db)
        }
        return try await dto(row, plan)
    }

    // MARK: Helpers

    private func requireLead() throws {
        guard Role.supervisors.contains(viewer.user.role) else {
            throw ApiError.forbidden("only leads and admins change plans")
        }
    }

    /// Applies `body` to the plan in one transaction, saves it and records the step.
    private func change(
        _ id: UUID?, _ body: @escaping @Sendable (inout ImprovementPlan) throws -> (String, String)
    ) async throws -> PlanDTO {
        let (row, _) = try await load(id)
        let (actor, now, citation) = (viewer.actor, now, row.policy)
        let plan = try await app.write { db in
            // Read again inside the transaction, so two leads' changes never overwrite each other.
            struct Stored: Decodable { var plan: String }
            guard
                let stored = try await db.sql.raw("SELECT plan FROM improvement_plans WHERE id = \(bind: row.id)")
                    .first(decoding: Stored.self)?.plan
            else { throw ApiError.notFound("improvement plan") }
            var plan = try JSONDecoder().decode(ImprovementPlan.self, from: Data(stored.utf8))
            let (kind, text) = try body(&plan)
            try await db.sql.raw(
                """
                UPDATE improvement_plans SET plan = \(bind: try Self.encode(plan)), updated_at = \(bind: now) \
                WHERE id = \(bind: row.id)
                """
            ).run()
            try await record(plan, kind: kind, text: text, citation: citation, actor: actor, on: db)
            return plan
        }
        return try await dto(row, plan)
    }

    /// One step: on the plan's history, on the audit log with the policy version, and told to the
    /// other side (the agent for a lead's step, the lead for the agent's).
    private func record(
        _ plan: ImprovementPlan, kind: String, text: String, citation: String, actor: Actor, level: String? = nil,
        override: String? = nil, on db: any Database
    ) async throws {
        try await db.insertRow(
            "plan_events",
            [
                ("id", TimeOrderedID.next(at: now)), ("plan_id", plan.id), ("kind", kind), ("actor_id", actor.id),
                ("actor_label", actor.label), ("text", text), ("level", level), ("override_reason", override),
                ("at", now),
            ])
        var details = ["kind": kind, "agent": plan.agentID.uuidString]
        if let level { details["level"] = level }
        if let override { details["override"] = override }
        try await AuditLog.append(
            on: db, at: now, actor: actor, action: "plan.\(kind)", subjectType: "improvement_plan", subjectID: plan.id,
            reason: text, details: details, policyVersion: citation)
        let other = actor.id == plan.agentID ? plan.leadID : plan.agentID
        try await Notifications.send(
            to: [other], caseID: nil, kind: "plan.\(kind)", body: "Improvement plan: \(text)",
            link: SitePath.plan(plan.id).path, at: now, on: db)
    }

    static func encode(_ plan: ImprovementPlan) throws -> String {
        String(decoding: try JSONEncoder().encode(plan), as: UTF8.self)
    }
}
