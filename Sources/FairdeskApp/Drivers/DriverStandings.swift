import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// Drivers' standing as a service: takes in the depot's records and leads' excuses, works out the
/// standing with `StandingRules` under the driver policy in force, and issues the written warning
/// `WarningRules` owes, telling the driver by email. Every change is one transaction with its
/// audit entry, which names the policy version used.
struct DriverStandings: Sendable {
    let app: Application

    /// The audit log's subject type for everything about a driver's standing.
    static let auditSubject = "driver"

    /// The driver policy that applied, with the words that cite it.
    struct PolicyUsed: Sendable {
        var policy: DriverPolicy
        /// "driver-standing v1", or "built-in default" when no version binds the driver.
        var citation: String
        var clauses: [PolicyClause]
    }

    /// A driver's standing with the policy and records it came from.
    struct Computed: Sendable {
        var driver: User
        var standing: DriverStanding
        var used: PolicyUsed
        var records: DriverRecords
    }

    // MARK: Reading

    /// The driver policy version that bound `driver` at `instant`; the suggested values, cited as the
    /// built-in default, when none did (a new install before its policy is published).
    static func policy(for driver: User, at instant: Date, on db: any Database) async throws -> PolicyUsed {
        guard
            let found = try await PolicyBook.inForce(
                kind: .driverStanding, for: PolicyReader(driver), at: instant, on: db)
        else { return PolicyUsed(policy: .suggested, citation: "built-in default", clauses: []) }
        return PolicyUsed(
            policy: DriverPolicy(found.parameters, version: found.version.number), citation: found.citation,
            clauses: found.version.version.clauses)
    }

    /// The driver with this id; 404 when there is no such person or they are not a driver.
    static func driver(_ id: UUID?, on db: any Database) async throws -> User {
        guard let id, let user = try await User.find(id, on: db), user.role == .driver else {
            throw ApiError.notFound("driver")
        }
        return user
    }

    /// Works out `driver`'s standing at `now` from their stored records.
    static func compute(_ driver: User, at now: Date, on db: any Database) async throws -> Computed {
        let used = try await policy(for: driver, at: now, on: db)
        let id = try driver.requireID()
        let window = DateInterval(
            start: now.addingTimeInterval(-TimeInterval(used.policy.metricWindowDays) * 86_400), end: now)
        let records = try await DriverRecordStore.records(of: id, in: window, on: db)
        let standing = StandingRules.standing(of: id.uuidString, records: records, policy: used.policy, now: now)
        return Computed(driver: driver, standing: standing, used: used, records: records)
    }

    /// The standing as the API and the pages show it; the customers' identities in disputes only
    /// for `staff`.
    func standing(of driver: User, staff: Bool = false) async throws -> DriverStandingDTO {
        let now = app.fairdesk.clock.now
        let computed = try await Self.compute(driver, at: now, on: app.db)
        let standing = computed.standing
        return DriverStandingDTO(
            driverId: try driver.requireID(), driverName: driver.name, computedAt: now,
            windowStart: standing.window.start, windowEnd: standing.window.end, policy: computed.used.citation,
            policyVersion: computed.used.policy.version, defaultedParameters: computed.used.policy.defaulted,
            tier: standing.tier?.rawValue, tierTitle: standing.tier?.title, explanation: standing.judgement.explanation,
            rule: standing.rule.lines, scanRule: ScanRule(computed.used.policy).text,
            dataNotice: DataNotice(computed.used.policy).lines,
            metrics: standing.metrics.map(DriverMetricDTO.init),
            records: DriverRecordText.describe(computed.records, policy: computed.used.policy),
            warnings: try await Self.warnings(of: try driver.requireID(), now: now, on: app.db),
            decisions: try await DriverDecisions.decisions(of: try driver.requireID(), on: app.db),
            disputes: try await DeliveryDisputes.disputes(of: try driver.requireID(), staff: staff, on: app.db))
    }

    // MARK: Records and excuses

    /// Stores the records the depot sent for `driverID`, then issues the warning they make due.
    func receive(_ input: DriverRecordsRequest, for driverID: UUID?, by viewer: Viewer) async throws
        -> DriverRecordsResultDTO
    {
        let driver = try await Self.driver(driverID, on: app.db)
        let id = try driver.requireID()
        let records = try DriverRecordStore.parse(input, driverID: id.uuidString)
        let now = app.fairdesk.clock.now
        let result = try await app.write { db in
            // Taken first rather than at the warning check: two deliveries of one driver at once
            // count the same days, and on PostgreSQL the second waits for the first.
            try await Self.lockDriver(id, on: db)
            let used = try await Self.policy(for: driver, at: now, on: db)
            // The days the records leave (a re-sent record may move; the days of stored records
            // an excuse on it reaches come along) and those they arrive in.
            let left = try await DriverRecordStore.save(records, driver: id, at: now, on: db)
            var days = left
            days.formUnion(
                records.blocks.map { StandingCounters.day(of: $0.scheduledStart) }
                    + records.packages.map { StandingCounters.day(of: $0.window.start) }
                    + records.feedback.map { StandingCounters.day(of: $0.receivedAt) })
            let numbers = try await DriverStandingCounters.refreshAndRead(
                driver: driver, days: days, newRecords: left.isEmpty ? records : nil, policy: used, at: now, on: db)
            try await AuditLog.append(
                on: db, at: now, actor: viewer.actor, action: "driver.records", subjectType: Self.auditSubject,
                subjectID: id, reason: "records received from the depot",
                details: [
                    "blocks": records.blocks.map(\.id).joined(separator: ", "),
                    "packages": records.packages.map(\.id).joined(separator: ", "),
                    "feedback": records.feedback.map(\.id).joined(separator: ", "),
                ], policyVersion: used.citation)
            let (tier, warning) = try await Self.warnIfAtRisk(
                driver, at: now, on: db, app: app, policy: used, numbers: numbers)
            return DriverRecordsResultDTO(
                driverId: id, blocks: records.blocks.count, packages: records.packages.count,
                feedback: records.feedback.count, tier: tier?.rawValue, warningId: warning)
        }
        // Conditions of a reinstatement are judged on the records as they come in.
        try await AppealConditions.check(driver: id, app: app)
        return result
    }

    /// Leaves one record of the driver out of their metrics, with the code and reason shown to them.
    func excuse(_ input: DriverExcuseRequest, for driverID: UUID?, by viewer: Viewer) async throws -> DriverExcuseDTO {
        let driver = try await Self.driver(driverID, on: app.db)
        let id = try driver.requireID()
        let now = app.fairdesk.clock.now
        var checks = Checks()
        let recordID = checks.text(input.recordId, field: "recordId", max: 80)
        // overturned_on_appeal comes only from a reinstatement on appeal, never by hand.
        let code = checks.oneOf(input.code, field: "code", in: ExcuseCode.applicable)
        let feed = checks.text(input.feed, field: "feed", max: 120, required: false)
        if feed != nil && viewer.role != .admin {
            checks.add("feed", "is for the depot system's own (admin) token; a person applies an excuse by name")
        }
        var start: (kind: String, at: Date)?
        if let recordID {
            start = try await DriverRecordStore.recordStart(recordID, driver: id, on: app.db)
            if start == nil {
                checks.add("recordId", "must be a block, package or feedback of this driver (got \"\(recordID)\")")
            }
        }
        let source: ExcuseSource =
            feed.map { .depotData(feed: $0) }
            ?? .lead(StaffMember(id: viewer.userID.uuidString, name: viewer.user.name, role: viewer.role))
        let excuse = Excuse(
            recordID: recordID ?? "", code: code ?? .weather, source: source,
            reason: (input.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines), appliedAt: now,
            reportedAt: code == .illnessReportedInAdvance ? input.reportedAt : nil)
        if let start, code != nil {
            // The domain's own checks: the reason, who applied it, and illness reported in advance.
            do { try excuse.validate(recordStart: start.at) } catch { checks.add(error) }
        } else {
            checks.text(input.reason, field: "reason", max: 500)
        }
        try checks.finish()
        try await app.write { [excuse, start, feed] db in
            try await DriverRecordStore.insert(
                excuse, driver: id, appliedByID: feed == nil ? viewer.userID : nil, on: db)
            let used = try await Self.policy(for: driver, at: now, on: db)
            try await DriverStandingCounters.refresh(
                driver: id,
                days: try await DriverStandingCounters.days(touching: [excuse.recordID], driver: id, on: db),
                scanRule: ScanRule(used.policy), on: db)
            try await AuditLog.append(
                on: db, at: now, actor: viewer.actor, action: "driver.excused", subjectType: Self.auditSubject,
                subjectID: id, reason: excuse.reason,
                details: [
                    "record": excuse.recordID, "kind": start?.kind ?? "", "code": excuse.code.rawValue,
                    "appliedBy": source.words,
                ], policyVersion: used.citation)
            // A warning that rested on this record may no longer stand.
            try await Self.withdrawUnfounded(driver, at: now, by: viewer.actor, on: db, app: app)
        }
        return DriverExcuseDTO(
            recordId: excuse.recordID, code: excuse.code.rawValue, codeWords: excuse.code.words, reason: excuse.reason,
            appliedBy: source.words, appliedAt: now, reportedAt: excuse.reportedAt)
    }

    // MARK: Warnings

    /// Issues the warning `WarningRules` owes when `driver` stands At risk at `now`, inside the
    /// caller's transaction, unless a standing warning's period to improve is still open: a driver
    /// is warned once per period, and the period is theirs to use. Answers the tier and the new
    /// warning's id.
    /// The numbers come from the kept counters (or are `numbers`, when the caller just read them in
    /// the same transaction); the records are read only to write a warning.
    static func warnIfAtRisk(
        _ driver: User, at now: Date, on db: any Database, app: Application, policy: PolicyUsed? = nil,
        numbers known: StandingNumbers? = nil
    ) async throws -> (StandingTier?, UUID?) {
        let id = try driver.requireID()
        try await lockDriver(id, on: db)
        let numbers: StandingNumbers
        if let known {
            numbers = known
        } else {
            numbers = try await DriverStandingCounters.numbers(of: driver, policy: policy, at: now, on: db).0
        }
        guard numbers.tier == .atRisk else { return (numbers.tier, nil) }
        let computed = try await compute(driver, at: now, on: db)
        let warningID = TimeOrderedID.next(at: now)
        guard
            let warning = WarningRules.warning(
                for: computed.standing, policy: computed.used.policy, id: warningID.uuidString, now: now)
        else { return (computed.standing.tier, nil) }
        if try await openWarning(of: id, kind: "standing", clause: nil, at: now, on: db) {
            return (computed.standing.tier, nil)
        }
        try await store(
            warning, id: warningID, kind: "standing", clause: nil, driver: driver, by: .system,
            reason: computed.standing.judgement.explanation, citation: computed.used.citation, on: db, app: app)
        return (computed.standing.tier, warningID)
    }

    /// A lead's or reviewer's report that the driver broke a clause of the policy in force: a
    /// written warning naming the clause and the evidence. 409 while a warning under the same
    /// clause is open.
    func reportViolation(_ input: DriverViolationRequest, for driverID: UUID?, by viewer: Viewer) async throws
        -> DriverWarningDTO
    {
        let driver = try await Self.driver(driverID, on: app.db)
        let id = try driver.requireID()
        let now = app.fairdesk.clock.now
        let used = try await Self.policy(for: driver, at: now, on: app.db)
        let warningID = TimeOrderedID.next(at: now)
        let evidence = (input.evidence ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter {
            !$0.isEmpty
        }
        let report = PolicyViolationReport(
            id: warningID.uuidString, driverID: id.uuidString,
            clause: (input.clause ?? "").trimmingCharacters(in: .whitespacesAndNewlines), account: input.account ?? "",
            evidence: evidence,
            reportedBy: StaffMember(id: viewer.userID.uuidString, name: viewer.user.name, role: viewer.role),
            reportedAt: now)
        let warning = try WarningRules.warning(
            for: report, policy: used.policy, clauses: used.clauses, id: warningID.uuidString, now: now)
        try await app.write { [app] db in
            try await Self.lockDriver(id, on: db)
            if try await Self.openWarning(of: id, kind: "violation", clause: report.clause, at: now, on: db) {
                throw ApiError.conflict(
                    "a warning under clause \(report.clause) is open for this driver; its period to improve has "
                        + "not ended", field: "clause")
            }
            try await Self.store(
                warning, id: warningID, kind: "violation", clause: report.clause, driver: driver, by: viewer.actor,
                reason: warning.findings.first?.finding ?? report.account, citation: used.citation, on: db, app: app)
        }
        guard let stored = try await Self.warnings(of: id, now: now, on: app.db).first(where: { $0.id == warningID })
        else { throw ApiError.notFound("warning") }
        return stored
    }

    /// Whether a warning of `kind` (and `clause`) is still in its period to improve.
    static func openWarning(of driver: UUID, kind: String, clause: String?, at now: Date, on db: any Database)
        async throws -> Bool
    {
        var query: SQLQueryString =
            """
            SELECT id FROM driver_warnings WHERE driver_id = \(bind: driver) AND kind = \(bind: kind) \
            AND improve_until > \(bind: now) AND withdrawn_at IS NULL
            """
        if let clause { query += " AND clause = \(bind: clause)" }
        query += " LIMIT 1"
        return try await db.sql.raw(query).first() != nil
    }

    /// Withdraws the driver's warnings that no longer stand now that records were corrected (see
    /// ``WarningWithdrawal``): each is kept, marked withdrawn with its reason, audited
    /// `driver.warning_withdrawn` and the driver told by email. Call inside the transaction that
    /// corrected the records. Answers the warnings withdrawn.
    @discardableResult
    static func withdrawUnfounded(
        _ driver: User, at now: Date, by actor: Actor, on db: any Database, app: Application
    ) async throws -> [UUID] {
        struct Row: Decodable {
            var id: UUID
            var kind: String
            var issuedAt: Date
            var findings: String
            var text: String
            var policyVersion: String
        }
        let driverID = try driver.requireID()
        let standing = try await db.sql.raw(
            """
            SELECT id, kind, issued_at, findings, text, policy_version FROM driver_warnings \
            WHERE driver_id = \(bind: driverID) AND withdrawn_at IS NULL
            """
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        guard !standing.isEmpty else { return [] }
        let excused = Dictionary(
            try await DriverRecordStore.excuses(of: driverID, on: db).map { ($0.recordID, $0) },
            uniquingKeysWith: { first, _ in first })
        var withdrawn: [UUID] = []
        for row in standing {
            let reason: String?
            if row.kind == "standing" {
                let again = try await compute(driver, at: row.issuedAt, on: db)
                reason = WarningWithdrawal.reason(standingWarning: again.standing)
            } else {
                let findings = (try? JSONDecoder().decode([WarningFinding].self, from: Data(row.findings.utf8))) ?? []
                reason = WarningWithdrawal.reason(violationEvidence: findings.flatMap(\.evidence), excused: excused)
            }
            guard let reason else { continue }
            try await db.sql.raw(
                """
                UPDATE driver_warnings SET withdrawn_at = \(bind: now), withdrawn_reason = \(bind: reason), \
                withdrawn_by = \(bind: actor.label) WHERE id = \(bind: row.id)
                """
            ).run()
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "driver.warning_withdrawn", subjectType: auditSubject,
                subjectID: driverID, reason: reason, details: ["warning": row.id.uuidString, "kind": row.kind],
                policyVersion: row.policyVersion)
            try await Outbox.queue(
                try await Outbox.recipients([driverID], on: db),
                subject: "A written warning is withdrawn (\(row.policyVersion))",
                body: DriverMail.withdrawn(
                    text: row.text, issuedAt: row.issuedAt, reason: reason, name: driver.name,
                    link: app.fairdesk.config.publicURL + SitePath.myStanding.path),
                kind: "driver_warning", at: now, on: db)
            withdrawn.append(row.id)
        }
        return withdrawn
    }

    /// Makes warnings for one driver take turns on PostgreSQL (two records arriving at once must
    /// not both warn); SQLite's writes take turns already.
    static func lockDriver(_ id: UUID, on db: any Database) async throws {
        guard db.isPostgres else { return }
        try await db.sql.raw("SELECT id FROM users WHERE id = \(bind: id) FOR UPDATE").run()
    }

    /// Stores a warning with its audit entry and the email that tells the driver.
    static func store(
        _ warning: DriverWarning, id: UUID, kind: String, clause: String?, driver: User, by actor: Actor,
        reason: String, citation: String, on db: any Database, app: Application
    ) async throws {
        let driverID = try driver.requireID()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let findings = String(decoding: try encoder.encode(warning.findings), as: UTF8.self)
        try await db.insertRow(
            "driver_warnings",
            [
                ("id", id), ("driver_id", driverID), ("kind", kind), ("clause", clause),
                ("issued_at", warning.issuedAt),
                ("improve_until", warning.improveUntil), ("findings", findings), ("text", warning.text),
                ("policy_version", citation), ("issued_by_id", actor.id), ("issued_by", actor.label),
            ])
        try await AuditLog.append(
            on: db, at: warning.issuedAt, actor: actor, action: "driver.warned", subjectType: auditSubject,
            subjectID: driverID, reason: reason,
            details: [
                "warning": id.uuidString, "kind": kind, "improveUntil": PageTime.iso(warning.improveUntil),
                "evidence": warning.findings.flatMap(\.evidence).joined(separator: ", "),
            ], policyVersion: citation)
        let recipients = try await Outbox.recipients([driverID], on: db)
        let link = app.fairdesk.config.publicURL + SitePath.myStanding.path
        try await Outbox.queue(
            recipients, subject: "A written warning about your standing (\(citation))",
            body: DriverMail.warning(warning, name: driver.name, citation: citation, link: link),
            kind: "driver_warning",
            at: warning.issuedAt, on: db)
    }

    /// The driver's warnings, newest first.
    static func warnings(of driver: UUID, now: Date, on db: any Database) async throws -> [DriverWarningDTO] {
        struct Row: Decodable {
            var id: UUID
            var kind: String
            var clause: String?
            var issuedAt: Date
            var improveUntil: Date
            var findings: String
            var text: String
            var policyVersion: String
            var issuedBy: String
            var withdrawnAt: Date?
            var withdrawnReason: String?
            var withdrawnBy: String?
        }
        return try await db.sql.raw(
            """
            SELECT id, kind, clause, issued_at, improve_until, findings, text, policy_version, issued_by, \
            withdrawn_at, withdrawn_reason, withdrawn_by \
            FROM driver_warnings WHERE driver_id = \(bind: driver) ORDER BY issued_at DESC, id DESC LIMIT 100
            """
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase).map { row in
            let findings = (try? JSONDecoder().decode([WarningFinding].self, from: Data(row.findings.utf8))) ?? []
            return DriverWarningDTO(
                id: row.id, kind: row.kind, clause: row.clause, issuedAt: row.issuedAt, improveUntil: row.improveUntil,
                text: row.text,
                findings: findings.map {
                    .init(
                        metric: $0.metric?.rawValue, clause: $0.clause, subject: $0.subject, finding: $0.finding,
                        evidence: $0.evidence, wayBack: $0.wayBack)
                }, policy: row.policyVersion, issuedBy: row.issuedBy,
                open: row.improveUntil > now && row.withdrawnAt == nil, withdrawnAt: row.withdrawnAt,
                withdrawnReason: row.withdrawnReason, withdrawnBy: row.withdrawnBy)
        }
    }

    // MARK: Sweep

    /// How often every driver's standing is looked at again: records age out of the window even
    /// when none arrive, and a driver can fall into At risk by a good week dropping off.
    static let interval: TimeInterval = 3600

    /// Looks at every active driver's numbers at once from the kept counters (one grouped query),
    /// and warns those At risk without an open warning, each in their own transaction; answers how
    /// many warnings it issued.
    static func sweep(app: Application) async throws -> Int {
        let now = app.fairdesk.clock.now
        let drivers = try await DriverStandingCounters.activeDrivers(on: app.db)
        let numbers = try await DriverStandingCounters.numbers(of: drivers, at: now, on: app.db)
        let warned = Set(
            try await app.db.sql.raw(
                """
                SELECT DISTINCT driver_id FROM driver_warnings WHERE kind = 'standing' AND improve_until > \(bind: now) \
                AND withdrawn_at IS NULL
                """
            ).all().map { try $0.decode(column: "driver_id", as: UUID.self) })
        var issued = 0
        for driver in drivers {
            guard let id = driver.id, numbers[id]?.tier == .atRisk, !warned.contains(id),
                let account = try await User.find(id, on: app.db)
            else { continue }
            let (_, warning) = try await app.write { db in
                try await warnIfAtRisk(account, at: now, on: db, app: app)
            }
            if warning != nil { issued += 1 }
        }
        return issued
    }
}

extension Application {
    /// Drivers' standing, read and written through this application's database.
    var driverStandings: DriverStandings { DriverStandings(app: self) }
}
