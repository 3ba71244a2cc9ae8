import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// Restrictions, suspensions and deactivations: Fairdesk only ever proposes; a lead or reviewer
/// decides by name, and `DecisionRules` refuses a decision without a clause of the version in
/// force, evidence, reasons in words and permitted grounds, or before a warning's period has ended.
/// The driver is told at once, on their page and by email, with the statement and the appeal window.
struct DriverDecisions: Sendable {
    let app: Application

    /// Interim suspensions are counted in business days; until jurisdictions set their own calendars,
    /// Monday to Friday in UTC.
    static let businessDays = BusinessCalendar(
        name: "Monday to Friday", timeZoneID: "UTC",
        weekly: Dictionary(uniqueKeysWithValues: (1...5).map { ($0, [OpeningHours(start: 0, end: 24 * 60)]) }))

    /// What a decision form offers: the clauses of the version in force and the grounds it permits.
    struct Choices: Sendable {
        var citation: String
        var clauses: [PolicyClause]
        /// Ground codes a decision may cite (forbidden ones never appear), and which are urgent.
        var grounds: [String]
        var urgent: Set<String>
        /// The longest suspension or restriction, in days.
        var suspensionDaysMax: Int
    }

    /// The choices the driver policy in force gives a decider today.
    func choices(for driver: User) async throws -> Choices {
        let used = try await DriverStandings.policy(for: driver, at: app.fairdesk.clock.now, on: app.db)
        return Choices(
            citation: used.citation, clauses: used.clauses, grounds: used.policy.citableGrounds,
            urgent: Set(used.policy.urgentGrounds), suspensionDaysMax: used.policy.suspensionDaysMax)
    }

    /// Decides `input` on `driverID` as `viewer`; refused (422, nothing written) with every problem
    /// named when `DecisionRules` refuses it.
    func decide(_ input: DriverDecisionRequest, for driverID: UUID?, by viewer: Viewer) async throws
        -> DriverDecisionDTO
    {
        let driver = try await DriverStandings.driver(driverID, on: app.db)
        let id = try driver.requireID()
        let now = app.fairdesk.clock.now
        var checks = Checks()
        let action = checks.oneOf(input.action, field: "action", as: ActionKind.self)
        guard
            let found = try await PolicyBook.inForce(
                kind: .driverStanding, for: PolicyReader(driver), at: now, on: app.db)
        else {
            checks.add("statement.clause", "cannot be cited: no driver policy version binds this driver yet")
            try checks.finish()
            throw ApiError.invalid(field: "statement.clause", rule: "cannot be cited")
        }
        let decisionID = TimeOrderedID.next(at: now)
        let proposal = ActionProposal(
            id: decisionID.uuidString, driverID: id.uuidString, action: action ?? .restriction,
            immediate: input.immediate ?? false, days: input.days, proposedBy: input.proposedBy ?? "system",
            proposedAt: now)
        let statement = StatementOfReasons(
            clause: (input.clause ?? "").trimmingCharacters(in: .whitespacesAndNewlines), grounds: input.grounds ?? [],
            evidence: (input.evidence ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter {
                !$0.isEmpty
            }, text: (input.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
        // A withdrawn warning no longer counts as the warning an action must follow.
        let warnings = try await DriverStandings.warnings(of: id, now: now, on: app.db).filter {
            $0.withdrawnAt == nil
        }.map {
            DriverWarning(
                id: $0.id.uuidString, driverID: id.uuidString, issuedAt: $0.issuedAt, improveUntil: $0.improveUntil,
                findings: [], policyVersion: nil)
        }
        var decision: DriverDecision?
        do {
            decision = try DecisionRules.decide(
                proposal, decider: StaffMember(id: viewer.userID.uuidString, name: viewer.user.name, role: viewer.role),
                statement: statement, version: found.version.version, warnings: warnings,
                calendar: Self.businessDays, id: decisionID.uuidString, now: now)
        } catch {
            checks.add(error)
        }
        try checks.finish()
        guard let decision else { throw ApiError.invalid(field: "action", rule: "is required") }
        let policy = DriverPolicy(found.parameters, version: found.version.number)
        let appealUntil = now.addingTimeInterval(TimeInterval(policy.appealWindowDays) * 86_400)
        let citation = found.citation
        try await app.write { [app] db in
            try await db.insertRow(
                "driver_decisions",
                [
                    ("id", decisionID), ("driver_id", id), ("action", decision.action.rawValue),
                    ("immediate", proposal.immediate), ("proposed_by", proposal.proposedBy),
                    ("decider_id", viewer.userID), ("decider_name", viewer.user.name),
                    ("decider_role", viewer.role.rawValue), ("clause", statement.clause),
                    ("grounds", statement.grounds.joined(separator: "\n")),
                    ("evidence", statement.evidence.joined(separator: "\n")), ("statement", statement.text),
                    ("decided_at", now), ("effective_at", decision.effectiveAt),
                    ("interim_until", decision.interimUntil), ("days", proposal.days), ("ends_at", decision.endsAt),
                    ("appeal_until", appealUntil), ("policy_version", citation),
                ])
            try await AuditLog.append(
                on: db, at: now, actor: viewer.actor, action: "driver.decided",
                subjectType: DriverStandings.auditSubject,
                subjectID: id, reason: statement.text,
                details: [
                    "decision": decisionID.uuidString, "action": decision.action.rawValue,
                    "immediate": proposal.immediate ? "yes" : "no", "days": proposal.days.map(String.init) ?? "",
                    "clause": statement.clause,
                    "grounds": statement.grounds.joined(separator: ", "),
                    "evidence": statement.evidence.joined(separator: ", "), "proposedBy": proposal.proposedBy,
                ], policyVersion: citation)
            try await Outbox.queue(
                try await Outbox.recipients([id], on: db),
                subject: "Decision about your account: \(decision.action.rawValue) (\(citation))",
                body: DriverMail.decision(
                    decision, name: driver.name, citation: citation, appealUntil: appealUntil,
                    reviewDays: policy.reviewDeadlineDays,
                    link: app.fairdesk.config.publicURL + SitePath.myStanding.path),
                kind: "driver_decision", at: now, on: db)
        }
        guard let stored = try await Self.decisions(of: id, on: app.db).first(where: { $0.id == decisionID }) else {
            throw ApiError.notFound("decision")
        }
        return stored
    }

    /// A stored decision, as `decisions(of:)` and the appeals read it.
    struct Row: Decodable, Sendable {
        var id: UUID
        var driverId: UUID
        var action: String
        var immediate: Bool
        var proposedBy: String
        var deciderId: UUID?
        var deciderName: String
        var deciderRole: String
        var clause: String
        var grounds: String
        var evidence: String
        var statement: String
        var decidedAt: Date
        var effectiveAt: Date
        var interimUntil: Date?
        var appealUntil: Date
        var policyVersion: String
        var days: Int?
        var endsAt: Date?

        /// The columns, in the order the fields are listed.
        static var columns: SQLQueryString {
            """
            SELECT id, driver_id, action, immediate, proposed_by, decider_id, decider_name, decider_role, clause, \
            grounds, evidence, statement, decided_at, effective_at, interim_until, appeal_until, policy_version, \
            days, ends_at FROM driver_decisions
            """
        }
    }

    /// The driver's decisions, newest first.
    static func decisions(of driver: UUID, on db: any Database) async throws -> [DriverDecisionDTO] {
        struct Appeal: Decodable {
            var decisionId: UUID
            var state: String
            var outcome: String?
        }
        // A reinstatement overturns the decision: the driver's page must say so beside it.
        let appeals = Dictionary(
            try await db.sql.raw(
                "SELECT decision_id, state, outcome FROM driver_appeals WHERE driver_id = \(bind: driver)"
            ).all(decoding: Appeal.self, keyDecodingStrategy: .convertFromSnakeCase).map { ($0.decisionId, $0) },
            uniquingKeysWith: { first, _ in first })
        let lifts = try await DecisionCorrections.lifts(of: driver, on: db)
        return try await db.sql.raw(
            Row.columns + " WHERE driver_id = \(bind: driver) ORDER BY decided_at DESC, id DESC LIMIT 100"
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase).map { row in
            Self.dto(
                row, appeal: appeals[row.id].map { Self.appealWords(state: $0.state, outcome: $0.outcome) },
                lift: lifts[row.id])
        }
    }

    /// A stored decision as the driver reads it, with where its appeal stands in words.
    static func dto(_ row: Row, appeal: String?, lift: DecisionCorrections.Lift? = nil) -> DriverDecisionDTO {
        let grounds = row.grounds.split(separator: "\n").map(String.init)
        return DriverDecisionDTO(
            id: row.id, action: row.action, immediate: row.immediate,
            decider: "\(row.deciderName) (\(row.deciderRole))", clause: row.clause, grounds: grounds,
            groundsWords: grounds.map(DecisionGrounds.words),
            evidence: row.evidence.split(separator: "\n").map(String.init), text: row.statement,
            decidedAt: row.decidedAt, effectiveAt: row.effectiveAt, interimUntil: row.interimUntil, days: row.days,
            endsAt: row.endsAt, appealUntil: row.appealUntil, policy: row.policyVersion, appeal: appeal,
            liftedAt: lift?.liftedAt,
            lifted: lift?.words)
    }

    /// An appeal's standing in the words the driver's page uses.
    static func appealWords(state: String, outcome: String?) -> String {
        guard state == "decided" else { return "appealed, awaiting review" }
        switch outcome {
        case "reinstated": return "overturned on appeal"
        case "conditionally_reinstated": return "reinstated on appeal, on conditions"
        default: return "upheld on appeal"
        }
    }
}

extension Application {
    /// Decisions on drivers, through this application's database.
    var driverDecisions: DriverDecisions { DriverDecisions(app: self) }
}
