import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// Conditional reinstatements tracked to the end. `RequirementEvaluator` judges each requirement
/// from the driver's records since the answer and the training modules recorded as completed; when
/// all are met the appeal closes as reinstated, and when one can no longer be met or the date passes
/// with one open it goes back to a person (the reviewer who set the conditions, or a lead), never to
/// a penalty. Looked at when records arrive, when a module is recorded, and every hour
/// (`appeals.conditions`). Every step is audited and the driver told on their page and by email.
enum AppealConditions {
    /// How often open conditions are looked at again: a date can pass with no record arriving.
    static let interval: TimeInterval = 3600

    /// open, met, back_to_review
    enum State: String, Sendable {
        case open
        case met
        case backToReview = "back_to_review"
    }

    /// One conditional reinstatement as stored.
    struct Row: Decodable, Sendable {
        var id: UUID
        var appealId: UUID
        var driverId: UUID
        var requirements: String
        var since: Date
        var dueBy: Date
        var reasons: String
        var setById: UUID?
        var setByName: String
        var state: String
        var closedAt: Date?
        var note: String?
        var progress: String?
        /// One a line.
        var clearedRecords: String

        static let columns =
            "id, appeal_id, driver_id, requirements, since, due_by, reasons, set_by_id, set_by_name, state, "
            + "closed_at, note, progress, cleared_records"

        var decoded: [ReinstatementRequirement] {
            (try? JSONDecoder().decode([ReinstatementRequirement].self, from: Data(requirements.utf8))) ?? []
        }

        var cleared: [String] { clearedRecords.split(separator: "\n").map(String.init) }

        /// The progress frozen when the conditions closed.
        var frozen: [RequirementProgress]? {
            progress.flatMap { try? JSONDecoder().decode([RequirementProgress].self, from: Data($0.utf8)) }
        }
    }

    // MARK: Opening

    /// Starts tracking a conditional reinstatement, inside the reviewer's answer's transaction.
    static func open(
        _ requirements: [ReinstatementRequirement], dueBy: Date, appealID: UUID, driverID: UUID, reasons: String,
        cleared: [String], by viewer: Viewer, at now: Date, on db: any Database
    ) async throws {
        try await db.insertRow(
            "appeal_conditions",
            [
                ("id", TimeOrderedID.next(at: now)), ("appeal_id", appealID), ("driver_id", driverID),
                ("requirements", json(requirements)), ("since", now), ("due_by", dueBy), ("reasons", reasons),
                ("set_by_id", viewer.userID), ("set_by_name", viewer.user.name), ("state", State.open.rawValue),
                ("cleared_records", cleared.joined(separator: "\n")),
            ])
    }

    // MARK: Reading

    /// Every conditional answer given on the appeal, oldest first.
    static func rows(of appealID: UUID, on db: any Database) async throws -> [Row] {
        try await db.sql.raw(
            """
            SELECT \(unsafeRaw: Row.columns) FROM appeal_conditions WHERE appeal_id = \(bind: appealID) \
            ORDER BY since, id
            """
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    static func row(_ id: UUID, on db: any Database) async throws -> Row? {
        try await db.sql.raw("SELECT \(unsafeRaw: Row.columns) FROM appeal_conditions WHERE id = \(bind: id)")
            .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// The progress of `row`'s requirements: as frozen when they closed, worked out afresh while open.
    static func progress(_ row: Row, now: Date, on db: any Database) async throws -> [RequirementProgress] {
        if row.state != State.open.rawValue, let frozen = row.frozen { return frozen }
        let records = try await DriverRecordStore.records(
            of: row.driverId, in: DateInterval(start: row.since, end: max(row.since, now)), on: db)
        return RequirementEvaluator.evaluate(
            row.decoded, driverID: row.driverId.uuidString, since: row.since, dueBy: row.dueBy,
            completedModules: try await completedModules(of: row.driverId, on: db), records: records, now: now)
    }

    /// The training modules recorded as completed by `driver`.
    static func completedModules(of driver: UUID, on db: any Database) async throws -> Set<String> {
        struct Module: Decodable { var moduleId: String }
        return Set(
            try await db.sql.raw("SELECT module_id FROM driver_training WHERE driver_id = \(bind: driver)")
                .all(decoding: Module.self, keyDecodingStrategy: .convertFromSnakeCase).map(\.moduleId))
    }

    /// The appeal's conditional answers as the API and the pages show them.
    static func dtos(of appealID: UUID, now: Date, on db: any Database) async throws -> [AppealConditionsDTO] {
        var result: [AppealConditionsDTO] = []
        for row in try await rows(of: appealID, on: db) {
            result.append(
                AppealConditionsDTO(
                    id: row.id, setBy: row.setByName, setAt: row.since, dueBy: row.dueBy, reasons: row.reasons,
                    state: row.state, closedAt: row.closedAt, note: row.note,
                    progress: try await progress(row, now: now, on: db).map(RequirementProgressDTO.init),
                    clearedRecords: row.cleared))
        }
        return result
    }

    // MARK: Checking

    /// Looks again at every open conditional reinstatement, 200 at a time, each in its own
    /// transaction; answers how many closed (met or back to review).
    static func sweep(app: Application) async throws -> Int {
        struct IDRow: Decodable { var id: UUID }
        var after = UUID(uuidString: "00000000-0000-0000-0000-000000000000")!
        var closed = 0
        while true {
            let ids = try await app.db.sql.raw(
                """
                SELECT id FROM appeal_conditions WHERE state = 'open' AND id > \(bind: after) ORDER BY id LIMIT 200
                """
            ).all(decoding: IDRow.self).map(\.id)
            for id in ids where try await check(id, app: app) != .open { closed += 1 }
            guard ids.count == 200, let last = ids.last else { break }
            after = last
        }
        return closed
    }

    /// Looks again at the driver's open conditions, after their records changed.
    static func check(driver: UUID, app: Application) async throws {
        struct IDRow: Decodable { var id: UUID }
        let ids = try await app.db.sql.raw(
            "SELECT id FROM appeal_conditions WHERE driver_id = \(bind: driver) AND state = 'open'"
        ).all(decoding: IDRow.self).map(\.id)
        for id in ids { _ = try await check(id, app: app) }
    }

    /// Judges one conditional reinstatement now and, when `RequirementEvaluator.verdict` says so,
    /// closes it as reinstated or sends it back to review, in one transaction. Answers the verdict;
    /// `.open` also when it had already closed.
    @discardableResult
    static func check(_ id: UUID, app: Application) async throws -> RequirementStatus {
        let now = app.fairdesk.clock.now
        return try await app.write { db in
            guard let row = try await row(id, on: db), row.state == State.open.rawValue else { return .open }
            let progress = try await progress(row, now: now, on: db)
            let verdict = RequirementEvaluator.verdict(progress, dueBy: row.dueBy, now: now)
            guard verdict != .open else { return .open }
            let note = RequirementEvaluator.summary(progress, dueBy: row.dueBy, now: now)
            let state: State = verdict == .met ? .met : .backToReview
            // Closed inside the transaction, so two workers never close it twice.
            guard
                try await db.sql.raw(
                    """
                    UPDATE appeal_conditions SET state = \(bind: state.rawValue), closed_at = \(bind: now), \
                    note = \(bind: note), progress = \(bind: json(progress)) WHERE id = \(bind: id) \
                    AND state = 'open' RETURNING id
                    """
                ).first() != nil,
                let appeal = try await DriverAppeals.row(row.appealId, on: db)
            else { return .open }
            if state == .met {
                try await closeReinstated(
                    row, appeal: appeal, note: note, progress: progress, at: now, on: db, app: app)
            } else {
                try await sendBack(row, appeal: appeal, note: note, progress: progress, at: now, on: db, app: app)
            }
            return verdict
        }
    }

    /// Every requirement met: the appeal closes as reinstated, audited, and the driver and the
    /// reviewer are told.
    private static func closeReinstated(
        _ row: Row, appeal: DriverAppeals.Row, note: String, progress: [RequirementProgress], at now: Date,
        on db: any Database, app: Application
    ) async throws {
        try await db.sql.update("driver_appeals").set("outcome", to: DriverAppeals.OutcomeName.reinstated.rawValue)
            .where("id", .equal, appeal.id).run()
        // Ended reinstated: the decision is overturned and the records found in the driver's favour
        // stop counting, in the reviewer's name and words.
        try await DecisionCorrections.lift(
            appeal.decisionId, driver: row.driverId, kind: .overturned, reason: note, by: .system,
            policyVersion: appeal.policyVersion, at: now, on: db)
        try await DecisionCorrections.correct(
            row.cleared, driver: row.driverId,
            reviewer: try await DecisionCorrections.person(row.setById, name: row.setByName, on: db),
            reasons: row.reasons, appealID: appeal.id, policyVersion: appeal.policyVersion, by: .system, at: now,
            on: db, app: app)
        try await AuditLog.append(
            on: db, at: now, actor: .system, action: "driver.appeal_conditions_met",
            subjectType: DriverStandings.auditSubject, subjectID: row.driverId, reason: note,
            details: details(row, appeal: appeal, progress: progress), policyVersion: appeal.policyVersion)
        let driver = try await DriverStandings.driver(row.driverId, on: db)
        let link = SitePath.myStanding.path
        try await Notifications.send(
            to: [row.driverId], caseID: nil, kind: "driver.appeal_conditions_met",
            body: "You met every condition of your reinstatement: your appeal is closed as reinstated.", link: link,
            at: now, on: db)
        if let setBy = row.setById {
            try await Notifications.send(
                to: [setBy], caseID: nil, kind: "driver.appeal_conditions_met",
                body: "\(driver.name) met the conditions you set; the appeal closed as reinstated.",
                link: SitePath.appeal(appeal.id).path, at: now, on: db)
        }
        try await Outbox.queue(
            try await Outbox.recipients([row.driverId], on: db),
            subject: "Your appeal: reinstated, every condition met (\(appeal.policyVersion))",
            body: DriverMail.conditionsMet(
                progress, name: driver.name, link: app.fairdesk.config.publicURL + link),
            kind: "driver_appeal", at: now, on: db)
    }

    /// A requirement failed or the date passed with one open: the appeal goes back to the reviewer
    /// who set the conditions (a lead, or nobody yet, when they cannot take it), with a fresh review
    /// deadline under the terms in force. Nothing is taken from the driver.
    private static func sendBack(
        _ row: Row, appeal: DriverAppeals.Row, note: String, progress: [RequirementProgress], at now: Date,
        on db: any Database, app: Application
    ) async throws {
        let stored = try await DriverAppeals.decision(appeal.decisionId, on: db)
        let driver = try await DriverStandings.driver(row.driverId, on: db)
        let terms = AppealTerms(try await DriverStandings.policy(for: driver, at: now, on: db).policy)
        let reviewer = try await reviewer(setBy: row.setById, decision: stored.decision, on: db)
        let due = terms.reviewDue(filedAt: now)
        try await db.sql.update("driver_appeals")
            .set("state", to: reviewer == nil ? "filed" : "in_review")
            .set("reviewer_id", to: reviewer.flatMap { UUID(uuidString: $0.id) })
            .set("reviewer_name", to: reviewer?.name).set("review_due_at", to: due)
            .set("escalate_at", to: terms.escalateAt(filedAt: now)).set("escalated_at", to: Date?.none)
            .set("outcome", to: String?.none).set("reasons", to: String?.none).set("requirements", to: String?.none)
            .set("requirements_due_at", to: Date?.none).set("decided_by_id", to: UUID?.none)
            .set("decided_by_name", to: String?.none).set("decided_at", to: Date?.none)
            .where("id", .equal, appeal.id).run()
        var details = details(row, appeal: appeal, progress: progress)
        details["reviewer"] = reviewer?.name ?? "unassigned"
        details["reviewDue"] = PageTime.text(due)
        try await AuditLog.append(
            on: db, at: now, actor: .system, action: "driver.appeal_back_to_review",
            subjectType: DriverStandings.auditSubject, subjectID: row.driverId, reason: note, details: details,
            policyVersion: appeal.policyVersion)
        let link = SitePath.myStanding.path
        try await Notifications.send(
            to: [row.driverId], caseID: nil, kind: "driver.appeal_back_to_review",
            body: "The conditions of your reinstatement went back to a reviewer, who answers by "
                + "\(PageTime.text(due)). Nothing is taken from you in the meantime.",
            link: link, at: now, on: db)
        if let id = reviewer.flatMap({ UUID(uuidString: $0.id) }) {
            try await Notifications.send(
                to: [id], caseID: nil, kind: "driver.appeal_assigned",
                body: "\(driver.name)'s conditions are back for review by \(PageTime.text(due)): \(note)",
                link: SitePath.appeal(appeal.id).path, at: now, on: db)
        }
        try await Outbox.queue(
            try await Outbox.recipients([row.driverId], on: db),
            subject: "Your appeal is back with a reviewer (\(appeal.policyVersion))",
            body: DriverMail.conditionsBackToReview(
                note: note, reviewer: reviewer?.name, due: due, name: driver.name,
                link: app.fairdesk.config.publicURL + link),
            kind: "driver_appeal", at: now, on: db)
    }

    /// Who answers a returned appeal: the reviewer who set the conditions while they may still review
    /// it, otherwise the lead with the fewest undecided appeals who did not make the decision.
    private static func reviewer(setBy: UUID?, decision: DriverDecision, on db: any Database) async throws
        -> StaffMember?
    {
        struct Person: Decodable {
            var id: UUID
            var name: String
            var role: String
        }
        let placeholder = Appeal(
            id: "", decisionID: "", driverID: "", filedAt: .distantPast, account: "", evidence: [],
            reviewDueAt: .distantPast, escalateAt: .distantPast)
        func eligible(_ person: Person) -> StaffMember? {
            guard let role = Role(rawValue: person.role) else { return nil }
            let member = StaffMember(id: person.id.uuidString, name: person.name, role: role)
            return (try? AppealRules.assign(member, to: placeholder, decision: decision)) == nil ? nil : member
        }
        if let setBy,
            let person = try await db.sql.raw(
                "SELECT id, name, role FROM users WHERE id = \(bind: setBy) AND active = \(bind: true)"
            ).first(decoding: Person.self), let member = eligible(person)
        {
            return member
        }
        return try await db.sql.raw(
            """
            SELECT u.id, u.name, u.role FROM users u WHERE u.role = 'lead' AND u.active = \(bind: true) \
            ORDER BY (SELECT COUNT(*) FROM driver_appeals a WHERE a.reviewer_id = u.id AND a.state <> 'decided'), \
            u.created_at, u.id
            """
        ).all(decoding: Person.self).lazy.compactMap(eligible).first
    }

    private static func details(_ row: Row, appeal: DriverAppeals.Row, progress: [RequirementProgress])
        -> [String: String]
    {
        [
            "appeal": appeal.id.uuidString, "decision": appeal.decisionId.uuidString,
            "requirements": progress.map { "\($0.requirement.words): \($0.status.rawValue)" }
                .joined(separator: "; "),
            "evidence": progress.flatMap(\.evidence).joined(separator: ", "),
            "dueBy": PageTime.text(row.dueBy),
        ]
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(value)) ?? Data("[]".utf8), as: UTF8.self)
    }
}
