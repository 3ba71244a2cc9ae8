import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// What counts against an agent from surveys, and the agent's right to dispute it: an agent
/// disputes an attribution with a note inside the window the agent-conduct policy sets; a lead
/// (never the agent) accepts it, rejects it, or puts the answer down to something else, with a
/// reason the agent sees.
enum SurveyDisputes {
    /// When no agent-conduct policy is in force.
    static let defaultWindowDays = 7

    struct ShareRow: Decodable {
        var surveyId: UUID
        var caseId: UUID
        var number: Int64
        var answeredAt: Date
        var reason: String
        var comment: String?
        var attribution: String
        var policy: String?
        var share: Double
        var entries: Int
        var ownedSeconds: Int
        var voided: Bool
    }

    struct DisputeRow: Decodable {
        var id: UUID
        var surveyId: UUID
        var agentId: UUID
        var note: String
        var state: String
        var createdAt: Date
        var decidedById: UUID?
        var decisionReason: String?
        var newAttribution: String?
        var decidedAt: Date?
    }

    /// The window an agent has to dispute an answer given at `answeredAt`, under the policy then.
    static func window(for agent: User, answeredAt: Date, on db: any Database) async throws -> Int {
        try await PolicyBook.inForce(kind: .agentConduct, for: PolicyReader(agent), at: answeredAt, on: db)?
            .parameters.integer("dispute_window_days") ?? defaultWindowDays
    }

    /// Every dissatisfied answer put down to this agent, newest first, with their share and any dispute.
    static func shares(of agent: User, on db: any Database) async throws -> [SurveyShareDTO] {
        let agentID = try agent.requireID()
        let rows = try await db.sql.raw(
            """
            SELECT s.id AS survey_id, s.case_id, c.number, s.answered_at, s.reason, s.comment, s.attribution, \
            s.policy, h.share, h.entries, h.owned_seconds, h.voided FROM survey_shares h \
            JOIN surveys s ON s.id = h.survey_id JOIN cases c ON c.id = s.case_id \
            WHERE h.agent_id = \(bind: agentID) ORDER BY s.answered_at DESC LIMIT 200
            """
        ).all(decoding: ShareRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        var result: [SurveyShareDTO] = []
        for row in rows {
            let dispute = try await disputes(where: "d.survey_id = ", row.surveyId, agent: agentID, on: db).first
            let window = try await window(for: agent, answeredAt: row.answeredAt, on: db)
            result.append(
                SurveyShareDTO(
                    surveyId: row.surveyId, caseId: row.caseId, caseNumber: row.number, answeredAt: row.answeredAt,
                    reason: row.reason, reasonLabel: SurveyReason(rawValue: row.reason)?.label ?? row.reason,
                    comment: row.comment, attribution: row.attribution, policy: row.policy ?? "built-in default",
                    share: row.share, entries: row.entries, ownedSeconds: row.ownedSeconds, counts: !row.voided,
                    dispute: dispute, disputeUntil: row.answeredAt.addingTimeInterval(Double(window) * 86_400)))
        }
        return result
    }

    /// Disputes, joined with what leads need to decide them.
    static func disputes(
        where clause: String? = nil, _ value: UUID? = nil, agent: UUID? = nil, openOnly: Bool = false,
        on db: any Database
    ) async throws -> [DisputeDTO] {
        struct Row: Decodable {
            var id: UUID
            var surveyId: UUID
            var agentId: UUID
            var agentName: String
            var number: Int64
            var reason: String?
            var comment: String?
            var note: String
            var state: String
            var createdAt: Date
            var deciderName: String?
            var decisionReason: String?
            var newAttribution: String?
            var decidedAt: Date?
        }
        var query: SQLQueryString = """
            SELECT d.id, d.survey_id, d.agent_id, u.name AS agent_name, c.number, s.reason, s.comment, d.note, \
            d.state, d.created_at, l.name AS decider_name, d.decision_reason, d.new_attribution, d.decided_at \
            FROM survey_disputes d JOIN users u ON u.id = d.agent_id JOIN surveys s ON s.id = d.survey_id \
            JOIN cases c ON c.id = s.case_id LEFT JOIN users l ON l.id = d.decided_by_id WHERE 1 = 1
            """
        if let clause, let value { query += " AND \(unsafeRaw: clause)\(bind: value)" }
        if let agent { query += " AND d.agent_id = \(bind: agent)" }
        if openOnly { query += " AND d.state = 'open'" }
        query += " ORDER BY d.created_at"
        return try await db.sql.raw(query).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase).map {
            DisputeDTO(
                id: $0.id, surveyId: $0.surveyId, agentId: $0.agentId, agentName: $0.agentName, caseNumber: $0.number,
                reason: $0.reason, comment: $0.comment, note: $0.note, state: $0.state, createdAt: $0.createdAt,
                decidedBy: $0.deciderName, decisionReason: $0.decisionReason, newAttribution: $0.newAttribution,
                decidedAt: $0.decidedAt)
        }
    }

    /// The agent disputes the answer of `surveyID` that counts against them.
    static func dispute(_ surveyID: UUID?, _ input: DisputeRequest, by viewer: Viewer, app: Application) async throws
        -> DisputeDTO
    {
        var checks = Checks()
        let note = checks.text(input.note, field: "note", max: 2_000)
        try checks.finish()
        let now = app.fairdesk.clock.now
        guard
            let share = try await shares(of: viewer.user, on: app.db).first(where: {
                $0.surveyId == surveyID && $0.counts
            })
        else { throw ApiError.notFound("a survey answer that counts against you") }
        if share.dispute != nil { throw ApiError.conflict("you have already disputed this answer") }
        if now > share.disputeUntil {
            throw ApiError.invalid(
                field: "surveyId",
                rule: "could be disputed until \(PageTime.text(share.disputeUntil)) under the agent-conduct policy")
        }
        let id = UUID()
        let actor = viewer.actor
        try await app.write { db in
            try await db.insertRow(
                "survey_disputes",
                [
                    ("id", id), ("survey_id", share.surveyId), ("agent_id", viewer.userID), ("note", note!),
                    ("state", "open"), ("created_at", now), ("decided_by_id", nil), ("decision_reason", nil),
                    ("new_attribution", nil), ("decided_at", nil), ("policy", share.policy),
                ])
            let supportCase = try await SupportCase.find(share.caseId, on: db)
            try await Notifications.send(
                to: try await Notifications.leads(of: supportCase?.$queue.id, on: db), caseID: share.caseId,
                kind: "survey.disputed",
                body: "\(viewer.user.name) disputes a survey answer on case \(share.caseNumber): \(note!)",
                link: SitePath.surveyDisputes.path, at: now, on: db)
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "survey.disputed", subjectType: "survey_dispute", subjectID: id,
                reason: note, details: ["case": String(share.caseNumber), "survey": share.surveyId.uuidString],
                policyVersion: share.policy)
        }
        return try await disputes(where: "d.id = ", id, on: app.db)[0]
    }

    /// A lead decides a dispute, with a reason the agent sees.
    static func decide(_ disputeID: UUID?, _ input: DisputeDecisionRequest, by viewer: Viewer, app: Application)
        async throws -> DisputeDTO
    {
        guard viewer.isSupervisor else { throw ApiError.forbidden("only a lead or an admin decides disputes") }
        var checks = Checks()
        let outcome = input.outcome.trimmingCharacters(in: .whitespaces).lowercased()
        if !["accept", "reject", "reattribute"].contains(outcome) {
            checks.add("outcome", "must be accept, reject or reattribute")
        }
        var attribution: Attribution?
        if outcome == "reattribute" {
            attribution = checks.oneOf(input.attribution, field: "attribution", as: Attribution.self)
            if attribution == .agent { checks.add("attribution", "must be something other than agent") }
        }
        let reason = checks.text(input.reason, field: "reason", max: 2_000)
        try checks.finish()
        guard let disputeID, let dispute = try await disputes(where: "d.id = ", disputeID, on: app.db).first else {
            throw ApiError.notFound("dispute")
        }
        if dispute.agentId == viewer.userID { throw ApiError.forbidden("nobody decides their own dispute") }
        if dispute.state != "open" { throw ApiError.conflict("this dispute was already decided") }
        let now = app.fairdesk.clock.now
        let actor = viewer.actor
        let state = ["accept": "accepted", "reject": "rejected", "reattribute": "reattributed"][outcome]!
        try await app.write { [attribution] db in
            // Two leads deciding at once: the first decision stands, the second hears so.
            let claimed = try await db.sql.raw(
                """
                UPDATE survey_disputes SET state = \(bind: state), decided_by_id = \(bind: viewer.userID), \
                decision_reason = \(bind: reason!), new_attribution = \(bind: attribution?.rawValue), \
                decided_at = \(bind: now) WHERE id = \(bind: disputeID) AND state = 'open' RETURNING id
                """
            ).all()
            if claimed.isEmpty { throw ApiError.conflict("this dispute was already decided") }
            switch outcome {
            case "accept":
                try await db.sql.raw(
                    """
                    UPDATE survey_shares SET voided = \(bind: true) \
                    WHERE survey_id = \(bind: dispute.surveyId) AND agent_id = \(bind: dispute.agentId)
                    """
                ).run()
            case "reattribute":
                // Put down to something else, the answer counts against no agent.
                try await db.sql.raw(
                    "UPDATE surveys SET attribution = \(bind: attribution!.rawValue) WHERE id = \(bind: dispute.surveyId)"
                ).run()
                try await db.sql.raw(
                    "UPDATE survey_shares SET voided = \(bind: true) WHERE survey_id = \(bind: dispute.surveyId)"
                ).run()
            default:
                break
            }
            try await Notifications.send(
                to: [dispute.agentId], caseID: nil, kind: "survey.dispute_decided",
                body: "Your dispute on case \(dispute.caseNumber ?? 0) was \(state)"
                    + (attribution.map { " (now put down to \($0.rawValue))" } ?? "") + ": \(reason!)",
                link: SitePath.mySurveys.path, at: now, on: db)
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "survey.dispute_decided", subjectType: "survey_dispute",
                subjectID: disputeID, reason: reason,
                details: [
                    "outcome": state, "agent": dispute.agentId.uuidString,
                    "attribution": attribution?.rawValue ?? "",
                ])
        }
        return try await disputes(where: "d.id = ", disputeID, on: app.db)[0]
    }
}
