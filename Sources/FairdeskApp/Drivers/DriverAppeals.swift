import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// Drivers' appeals against decisions: `AppealRules` decides whether an appeal may be filed and who
/// may review it; this service stores it, assigns a reviewer who did not make the decision, and
/// records, audits and tells the driver about every step.
struct DriverAppeals: Sendable {
    let app: Application

    /// A stored decision with what `AppealRules` needs of it.
    struct StoredDecision: Sendable {
        var decision: DriverDecision
        var driverID: UUID
        /// The row it was read from, for showing it as the driver reads it.
        var row: DriverDecisions.Row
    }

    /// Files the driver's appeal against `decisionID`, with any evidence `files` sent with it;
    /// refused (422, nothing written, no file kept) when `AppealRules.file` refuses it, an appeal is
    /// already on file, or `EvidenceCheck` refuses a file (`files[i]`). The appeal, its files and
    /// their audit entries are one transaction.
    func file(_ input: DriverAppealRequest, against decisionID: UUID?, files: [File] = [], by viewer: Viewer)
        async throws -> DriverAppealDTO
    {
        let stored = try await Self.decision(decisionID, on: app.db)
        guard stored.driverID == viewer.userID else { throw ApiError.notFound("decision") }
        let now = app.fairdesk.clock.now
        let driver = try await DriverStandings.driver(viewer.userID, on: app.db)
        let used = try await DriverStandings.policy(for: driver, at: now, on: app.db)
        let terms = AppealTerms(used.policy)
        let id = TimeOrderedID.next(at: now)
        var checks = Checks()
        var appeal: Appeal?
        do {
            appeal = try AppealRules.file(
                against: stored.decision, by: viewer.userID.uuidString, account: input.account ?? "", evidence: [],
                terms: terms, id: id.uuidString, now: now)
        } catch {
            checks.add(error)
        }
        if try await Self.appealID(of: stored.decision.id, on: app.db) != nil {
            checks.add("decisionID", "already has an appeal on file")
        }
        let typed = Self.check(files, existing: 0, into: &checks)
        try checks.finish()
        guard var appeal else { throw ApiError.invalid(field: "account", rule: "is required") }
        let reviewer = try await reviewer(for: stored.decision)
        if let reviewer { appeal = try AppealRules.assign(reviewer, to: appeal, decision: stored.decision) }
        let citation = used.citation
        let kept = try storeFiles(typed)
        try await removingFiles(kept) {
            try await app.write { [app, appeal] db in
                try await db.insertRow(
                    "driver_appeals",
                    [
                        ("id", id), ("decision_id", decisionID), ("driver_id", viewer.userID),
                        ("account", appeal.account), ("filed_at", now),
                        ("window_closes_at", terms.appealCloses(decidedAt: stored.decision.decidedAt)),
                        ("review_due_at", appeal.reviewDueAt), ("escalate_at", appeal.escalateAt),
                        ("reviewer_id", appeal.reviewer.flatMap { UUID(uuidString: $0.id) }),
                        ("reviewer_name", appeal.reviewer?.name),
                        ("state", appeal.reviewer == nil ? "filed" : "in_review"),
                        ("policy_version", citation),
                    ])
                try await AuditLog.append(
                    on: db, at: now, actor: viewer.actor, action: "driver.appeal_filed",
                    subjectType: DriverStandings.auditSubject, subjectID: viewer.userID, reason: appeal.account,
                    details: [
                        "appeal": id.uuidString, "decision": stored.decision.id,
                        "reviewer": appeal.reviewer?.name ?? "unassigned",
                        "reviewDue": PageTime.text(appeal.reviewDueAt),
                    ], policyVersion: citation)
                let link = SitePath.myStanding.path
                try await Notifications.send(
                    to: [viewer.userID], caseID: nil, kind: "driver.appeal_filed",
                    body: "Your appeal was received; a written answer is due by \(PageTime.text(appeal.reviewDueAt)).",
                    link: link, at: now, on: db)
                if let reviewer = appeal.reviewer.flatMap({ UUID(uuidString: $0.id) }) {
                    try await Notifications.send(
                        to: [reviewer], caseID: nil, kind: "driver.appeal_assigned",
                        body: "An appeal is yours to review by \(PageTime.text(appeal.reviewDueAt)).",
                        link: SitePath.appeal(id).path, at: now, on: db)
                }
                try await Outbox.queue(
                    try await Outbox.recipients([viewer.userID], on: db),
                    subject: "Your appeal was received (\(citation))",
                    body: DriverMail.appealFiled(
                        appeal, name: driver.name, link: app.fairdesk.config.publicURL + link),
                    kind: "driver_appeal", at: now, on: db)
                try await Self.insertEvidence(kept, appealID: id, by: viewer, policyVersion: citation, at: now, on: db)
            }
        }
        return try await read(id, as: viewer)
    }

    /// The appeal as the driver or a staff member reads it; a driver reads only their own.
    func read(_ id: UUID?, as viewer: Viewer) async throws -> DriverAppealDTO {
        try await dto(try await row(id, as: viewer))
    }

    /// The stored appeal `id` if `viewer` may read it: a driver only their own (404 otherwise, as if
    /// there were none).
    func row(_ id: UUID?, as viewer: Viewer) async throws -> Row {
        guard let id, let row = try await Self.row(id, on: app.db) else { throw ApiError.notFound("appeal") }
        if viewer.role == .driver, row.driverId != viewer.userID { throw ApiError.notFound("appeal") }
        return row
    }

    /// The appeal as it is read, with its evidence list (read here unless the caller has it).
    func dto(_ row: Row, evidence: [AppealEvidenceDTO]? = nil) async throws -> DriverAppealDTO {
        let id = row.id
        let status = row.deadline(at: now)
        let conditions = try await AppealConditions.dtos(of: id, now: now, on: app.db)
        let files: [AppealEvidenceDTO]
        if let evidence { files = evidence } else { files = try await Self.evidence(of: id, on: app.db) }
        return DriverAppealDTO(
            id: row.id, decisionId: row.decisionId, driverId: row.driverId, account: row.account,
            evidence: files, filedAt: row.filedAt, reviewDueAt: row.reviewDueAt, escalateAt: row.escalateAt,
            reviewer: row.reviewerName, state: row.state, deadline: status.rawValue,
            outcome: row.outcome, reasons: row.reasons, requirements: row.requirementWords,
            requirementsDueBy: row.requirementsDueAt, decidedBy: row.decidedByName, decidedAt: row.decidedAt,
            policy: row.policyVersion, conditions: conditions)
    }

    /// Adds the driver's evidence files to their undecided appeal. Each is checked by
    /// `EvidenceCheck` (type from name and bytes, size, no programs, archives or markup) and refused
    /// (422, nothing kept) naming `files[i]`; the bytes go to the attachment store, the rows and the
    /// audit entry in one transaction.
    func addEvidence(_ files: [File], to appealID: UUID?, by viewer: Viewer) async throws -> [AppealEvidenceDTO] {
        guard let appealID, let row = try await Self.row(appealID, on: app.db), row.driverId == viewer.userID else {
            throw ApiError.notFound("appeal")
        }
        var checks = Checks()
        if files.isEmpty { checks.add("files", "must include at least one file") }
        if row.state == "decided" { checks.add("appealID", "is decided: evidence can no longer be added") }
        let existing = try await Self.evidence(of: appealID, on: app.db).count
        let typed = Self.check(files, existing: existing, into: &checks)
        try checks.finish()
        let now = now
        let kept = try storeFiles(typed)
        try await removingFiles(kept) {
            try await app.write { db in
                try await Self.insertEvidence(
                    kept, appealID: appealID, by: viewer, policyVersion: row.policyVersion, at: now, on: db)
            }
        }
        return try await Self.evidence(of: appealID, on: app.db)
    }

    /// A file `EvidenceCheck` accepted, with its type; once saved, with its key in the attachment store.
    struct CheckedFile: Sendable {
        var file: File
        var type: EvidenceType
        var key = ""
    }

    /// The files `EvidenceCheck` accepts, each refusal added to `checks` naming `files[i]`, and the
    /// count kept to `AppealRules.maximumEvidence` with the `existing` files.
    static func check(_ files: [File], existing: Int, into checks: inout Checks) -> [CheckedFile] {
        if existing + files.count > AppealRules.maximumEvidence {
            checks.add("files", "must bring the appeal to at most \(AppealRules.maximumEvidence) files")
        }
        var typed: [CheckedFile] = []
        for (index, file) in files.enumerated() {
            do {
                let type = try EvidenceCheck.check(
                    filename: file.filename, data: Data(file.data.readableBytesView), field: "files[\(index)]")
                typed.append(CheckedFile(file: file, type: type))
            } catch {
                checks.add(error)
            }
        }
        return typed
    }

    /// Saves the files to the attachment store before their rows are written, so no row lacks its file.
    private func storeFiles(_ files: [CheckedFile]) throws -> [CheckedFile] {
        let store = app.fairdesk.attachments
        var kept: [CheckedFile] = []
        do {
            for var file in files {
                file.key = "appeal-" + UUID().uuidString.lowercased()
                try store.save(file.file.data, key: file.key)
                kept.append(file)
            }
        } catch {
            for file in kept { store.delete(key: file.key) }
            throw error
        }
        return kept
    }

    /// Runs `write`; if it fails, removes the saved `files` again, so nothing is kept of a refused request.
    private func removingFiles(_ files: [CheckedFile], _ write: () async throws -> Void) async throws {
        do {
            try await write()
        } catch {
            for file in files { app.fairdesk.attachments.delete(key: file.key) }
            throw error
        }
    }

    /// A row per saved file and one audit entry naming them, inside the caller's transaction.
    private static func insertEvidence(
        _ files: [CheckedFile], appealID: UUID, by viewer: Viewer, policyVersion: String, at now: Date,
        on db: any Database
    ) async throws {
        guard !files.isEmpty else { return }
        for file in files {
            try await db.insertRow(
                "appeal_evidence",
                [
                    ("id", TimeOrderedID.next(at: now)), ("appeal_id", appealID), ("file_key", file.key),
                    ("original_name", file.file.filename), ("type", file.type.rawValue),
                    ("size", Int64(file.file.data.readableBytes)), ("uploaded_at", now),
                ])
        }
        try await AuditLog.append(
            on: db, at: now, actor: viewer.actor, action: "driver.appeal_evidence",
            subjectType: DriverStandings.auditSubject, subjectID: viewer.userID,
            reason: files.map(\.file.filename).joined(separator: ", "),
            details: ["appeal": appealID.uuidString, "files": String(files.count)], policyVersion: policyVersion)
    }

    /// The appeal's evidence files, oldest first.
    static func evidence(of appealID: UUID, on db: any Database) async throws -> [AppealEvidenceDTO] {
        try await db.sql.raw(
            """
            SELECT id, original_name, type, size, uploaded_at FROM appeal_evidence \
            WHERE appeal_id = \(bind: appealID) ORDER BY uploaded_at, id
            """
        ).all(decoding: AppealEvidenceDTO.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// The outcomes a reviewer may choose, as stored.
    enum OutcomeName: String, CaseIterable, Sendable {
        case reinstated
        case denied
        case conditionallyReinstated = "conditionally_reinstated"
    }

    /// The reviewer's answer to the appeal: refused (422, nothing written) when `AppealRules.resolve`
    /// refuses it (not the assigned reviewer, the decider, no reasons, untrackable requirements) or
    /// the appeal is already decided. A reinstatement overturns the decision; every outcome is
    /// audited and the driver is told on their page and by email.
    func resolve(_ input: AppealResolutionRequest, appealID: UUID?, by viewer: Viewer) async throws
        -> DriverAppealDTO
    {
        guard let appealID, let row = try await Self.row(appealID, on: app.db) else {
            throw ApiError.notFound("appeal")
        }
        let stored = try await Self.decision(row.decisionId, on: app.db)
        let now = now
        var checks = Checks()
        if row.state == "decided" { checks.add("appealID", "is already decided") }
        let name = checks.oneOf(input.outcome, field: "outcome", as: OutcomeName.self)
        var requirements: [ReinstatementRequirement] = []
        for (index, item) in (input.requirements ?? []).enumerated() {
            switch item.kind {
            case "training_module":
                requirements.append(.trainingModule(id: item.moduleId ?? "", title: item.title ?? ""))
            case "on_time_rate":
                requirements.append(.onTimeRate(minimum: item.minimum ?? -1, blocks: item.blocks ?? 0))
            default:
                checks.add("requirements[\(index)].kind", "must be training_module or on_time_rate")
            }
        }
        let outcome: AppealOutcome =
            switch name ?? .denied {
            case .reinstated: .reinstated
            case .denied: .denied
            case .conditionallyReinstated:
                .conditionallyReinstated(requirements: requirements, dueBy: input.dueBy ?? now)
            }
        let relied = stored.decision.statement.evidence
        let cleared = (input.clearedRecords ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        for (index, record) in cleared.enumerated() where !relied.contains(record) {
            checks.add(
                "clearedRecords[\(index)]",
                "must be a record the decision relied on: \(relied.joined(separator: ", ")) (got \"\(record)\")")
        }
        if name == .denied, !cleared.isEmpty {
            checks.add("clearedRecords", "must be empty when the appeal is denied: nothing is corrected")
        }
        let reviewer = StaffMember(id: viewer.userID.uuidString, name: viewer.user.name, role: viewer.role)
        var resolution: AppealResolution?
        do {
            resolution = try AppealRules.resolve(
                row.appeal, decision: stored.decision, reviewer: reviewer, outcome: outcome,
                reasons: input.reasons ?? "", now: now)
        } catch {
            checks.add(error)
        }
        try checks.finish()
        guard let resolution, let name else { throw ApiError.invalid(field: "outcome", rule: "is required") }
        let driver = try await DriverStandings.driver(row.driverId, on: app.db)
        let requirementsJSON =
            requirements.isEmpty
            ? nil : String(decoding: try JSONEncoder().encode(requirements), as: UTF8.self)
        let words = requirements.map(\.words)
        try await app.write { [app] db in
            try await db.sql.update("driver_appeals")
                .set("state", to: "decided").set("outcome", to: name.rawValue)
                .set("reasons", to: resolution.reasons).set("requirements", to: requirementsJSON)
                .set("requirements_due_at", to: name == .conditionallyReinstated ? input.dueBy : nil)
                .set("decided_by_id", to: viewer.userID).set("decided_by_name", to: viewer.user.name)
                .set("decided_at", to: now)
                .where("id", .equal, appealID).where("state", .notEqual, "decided")
                .run()
            var details = [
                "appeal": appealID.uuidString, "decision": stored.decision.id, "outcome": outcome.title,
                "late": resolution.late ? "yes" : "no",
            ]
            if !words.isEmpty { details["requirements"] = words.joined(separator: "; ") }
            let decisionID = row.decisionId
            switch outcome {
            case .conditionallyReinstated(let requirements, let dueBy):
                try await AppealConditions.open(
                    requirements, dueBy: dueBy, appealID: appealID, driverID: row.driverId,
                    reasons: resolution.reasons, cleared: cleared, by: viewer, at: now, on: db)
                try await DecisionCorrections.lift(
                    decisionID, driver: row.driverId, kind: .conditionallyReinstated, reason: resolution.reasons,
                    by: viewer.actor, policyVersion: row.policyVersion, at: now, on: db)
            case .reinstated:
                try await DecisionCorrections.lift(
                    decisionID, driver: row.driverId, kind: .overturned, reason: resolution.reasons,
                    by: viewer.actor, policyVersion: row.policyVersion, at: now, on: db)
                try await DecisionCorrections.correct(
                    cleared, driver: row.driverId, reviewer: reviewer, reasons: resolution.reasons,
                    appealID: appealID, policyVersion: row.policyVersion, by: viewer.actor, at: now, on: db,
                    app: app)
            case .denied:
                break
            }
            try await AuditLog.append(
                on: db, at: now, actor: viewer.actor, action: "driver.appeal_decided",
                subjectType: DriverStandings.auditSubject, subjectID: row.driverId, reason: resolution.reasons,
                details: details, policyVersion: row.policyVersion)
            let link = SitePath.myStanding.path
            try await Notifications.send(
                to: [row.driverId], caseID: nil, kind: "driver.appeal_decided",
                body: "Your appeal was decided: \(outcome.title).", link: link, at: now, on: db)
            try await Outbox.queue(
                try await Outbox.recipients([row.driverId], on: db),
                subject: "Your appeal: \(outcome.title) (\(row.policyVersion))",
                body: DriverMail.appealDecided(
                    resolution, requirements: words, cleared: cleared, name: driver.name,
                    link: app.fairdesk.config.publicURL + link),
                kind: "driver_appeal", at: now, on: db)
        }
        return try await read(appealID, as: viewer)
    }

    var now: Date { app.fairdesk.clock.now }

    /// The eligible reviewer with the fewest undecided appeals: a reviewer or lead who did not decide.
    func reviewer(for decision: DriverDecision) async throws -> StaffMember? {
        struct Row: Decodable {
            var id: UUID
            var name: String
            var role: String
            var open: Int
        }
        let rows = try await app.db.sql.raw(
            """
            SELECT u.id, u.name, u.role, (SELECT COUNT(*) FROM driver_appeals a WHERE a.reviewer_id = u.id \
            AND a.state <> 'decided') AS open FROM users u WHERE u.role IN ('reviewer', 'lead') \
            ORDER BY open, u.created_at, u.id
            """
        ).all(decoding: Row.self)
        return rows.lazy.compactMap { row -> StaffMember? in
            guard let role = Role(rawValue: row.role), AppealRules.reviewerRoles.contains(role) else { return nil }
            let member = StaffMember(id: row.id.uuidString, name: row.name, role: role)
            return (try? AppealRules.assign(member, to: Self.placeholder, decision: decision)) == nil ? nil : member
        }.first
    }

    /// An appeal only `assign` looks at, to ask whether someone may review a decision.
    private static let placeholder = Appeal(
        id: "", decisionID: "", driverID: "", filedAt: .distantPast, account: "", evidence: [],
        reviewDueAt: .distantPast, escalateAt: .distantPast)

    /// The decision with id `id`, as the domain keeps it.
    static func decision(_ id: UUID?, on db: any Database) async throws -> StoredDecision {
        guard let id,
            let row = try await db.sql.raw(DriverDecisions.Row.columns + " WHERE id = \(bind: id)")
                .first(decoding: DriverDecisions.Row.self, keyDecodingStrategy: .convertFromSnakeCase),
            let action = ActionKind(rawValue: row.action)
        else { throw ApiError.notFound("decision") }
        let decision = DriverDecision(
            id: row.id.uuidString, proposalID: row.id.uuidString, driverID: row.driverId.uuidString, action: action,
            decider: StaffMember(
                id: row.deciderId?.uuidString ?? "", name: row.deciderName,
                role: Role(rawValue: row.deciderRole) ?? .lead),
            statement: StatementOfReasons(
                clause: row.clause, grounds: row.grounds.split(separator: "\n").map(String.init),
                evidence: row.evidence.split(separator: "\n").map(String.init), text: row.statement),
            decidedAt: row.decidedAt, effectiveAt: row.effectiveAt, interimUntil: row.interimUntil, endsAt: row.endsAt,
            // The citation is kept as text (`policy_version`); the appeal rules never read the number.
            policyVersion: 0)
        return StoredDecision(decision: decision, driverID: row.driverId, row: row)
    }

    /// The id of the appeal against `decision`, if one is on file.
    static func appealID(of decision: String, on db: any Database) async throws -> UUID? {
        struct Row: Decodable { var id: UUID }
        guard let id = UUID(uuidString: decision) else { return nil }
        return try await db.sql.raw("SELECT id FROM driver_appeals WHERE decision_id = \(bind: id)")
            .first(decoding: Row.self)?.id
    }

    /// One stored appeal row.
    struct Row: Decodable, Sendable {
        var id: UUID
        var decisionId: UUID
        var driverId: UUID
        var account: String
        var filedAt: Date
        var reviewDueAt: Date
        var escalateAt: Date
        var reviewerId: UUID?
        var reviewerName: String?
        var state: String
        var outcome: String?
        var reasons: String?
        /// The requirements of a conditional reinstatement, as JSON `ReinstatementRequirement`s.
        var requirements: String?
        var requirementsDueAt: Date?
        var decidedByName: String?
        var decidedAt: Date?
        var policyVersion: String

        /// The columns `Row` decodes, each prefixed with `table.` when a query joins other tables.
        static func columns(_ table: String = "") -> String {
            let prefix = table.isEmpty ? "" : table + "."
            return [
                "id", "decision_id", "driver_id", "account", "filed_at", "review_due_at", "escalate_at",
                "reviewer_id", "reviewer_name", "state", "outcome", "reasons", "requirements",
                "requirements_due_at", "decided_by_name", "decided_at", "policy_version",
            ].map { prefix + $0 }.joined(separator: ", ")
        }

        /// The requirements in the words the driver reads; nil when there are none.
        var requirementWords: [String]? {
            guard let requirements,
                let decoded = try? JSONDecoder().decode([ReinstatementRequirement].self, from: Data(requirements.utf8))
            else { return nil }
            return decoded.map(\.words)
        }

        /// Where the appeal stands against its deadline at `now`.
        func deadline(at now: Date) -> AppealDeadlineStatus {
            // A decided appeal's resolution is not rebuilt: only "is it decided" matters for the status.
            outcome == nil ? AppealRules.status(of: appeal, resolution: nil, now: now) : .decided
        }

        /// The appeal as the domain keeps it.
        var appeal: Appeal {
            Appeal(
                id: id.uuidString, decisionID: decisionId.uuidString, driverID: driverId.uuidString, filedAt: filedAt,
                account: account, evidence: [], reviewDueAt: reviewDueAt, escalateAt: escalateAt,
                reviewer: reviewerId.map { StaffMember(id: $0.uuidString, name: reviewerName ?? "", role: .reviewer) })
        }
    }

    static func row(_ id: UUID, on db: any Database) async throws -> Row? {
        try await db.sql.raw("SELECT \(unsafeRaw: Row.columns()) FROM driver_appeals WHERE id = \(bind: id)")
            .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }
}

extension Application {
    /// Drivers' appeals, through this application's database.
    var driverAppeals: DriverAppeals { DriverAppeals(app: self) }
}
