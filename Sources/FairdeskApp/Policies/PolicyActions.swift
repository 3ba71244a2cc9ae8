import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// Writing, publishing, withdrawing, acknowledging and chasing policies, the same for the JSON API
/// and the web pages. Each checks its input (naming every broken rule), writes in one
/// transaction, tells the people concerned, and records who did what, when and why.
struct PolicyActions {
    let app: Application
    let viewer: Viewer

    init(_ req: Request) async throws {
        self.app = req.application
        self.viewer = try await req.viewer()
    }

    private var now: Date { app.fairdesk.clock.now }
    private var publicURL: String { app.fairdesk.config.publicURL }

    private func requireOwner() throws {
        guard viewer.role == .policyOwner else { throw ApiError.forbidden("only a policy owner writes policies") }
    }

    /// The page of one version, which notifications link to.
    static func link(_ key: String, _ number: Int) -> String { SitePath.policyVersion(key, number).path }

    // MARK: Writing

    func createPolicy(_ input: CreatePolicyRequest) async throws -> PolicyRecord {
        try requireOwner()
        var checks = Checks()
        let key = checks.text(input.key, field: "key", max: 60)
        if let key,
            key.count < 2
                || !key.allSatisfy({ $0.isASCII && (($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "-") })
                || key.hasPrefix("-") || key.hasSuffix("-")
        {
            checks.add("key", "must be lower-case letters, digits and dashes, like \"driver-standing\"")
        } else if let key, ["notice-periods", "new"].contains(key) {
            checks.add("key", "must not be \"\(key)\": that name is taken by a page")
        }
        let title = checks.text(input.title, field: "title", max: 200)
        let kind = checks.oneOf(input.kind, field: "kind", as: PolicyKind.self)
        try checks.finish()
        let record = PolicyRecord(id: UUID(), key: key!, title: title!, kind: kind!, createdAt: now)
        let actor = viewer.actor
        try await app.write { db in
            if try await PolicyStore.policy(key: record.key, on: db) != nil {
                throw ApiError.conflict("is already the key of a policy", field: "key")
            }
            try await db.insertRow(
                "policies",
                [
                    ("id", record.id), ("key", record.key), ("title", record.title), ("kind", record.kind.rawValue),
                    ("created_by_id", actor.id), ("created_at", record.createdAt),
                ])
            try await AuditLog.append(
                on: db, at: record.createdAt, actor: actor, action: "policy.created", subjectType: "policy",
                subjectID: record.id, reason: nil, details: ["key": record.key, "kind": record.kind.rawValue])
        }
        return record
    }

    /// Publishes a new immutable version. Refused, with every reason at once, when the text has
    /// no numbered clause, the parameters break their schema, the audience is unclear, or the
    /// effective date is in the past or gives less notice than the audience is owed (the message
    /// names the earliest allowed date). Everyone bound is notified in the same transaction.
    func publish(key: String?, _ input: PublishVersionRequest) async throws -> StoredVersion {
        try requireOwner()
        let policy = try await PolicyStore.require(key: key, on: app.db)
        let now = now
        var checks = Checks()
        let summary = checks.text(input.summary, field: "summary", max: 500)
        let body = checks.text(input.body, field: "body", max: 200_000)
        var audience: PolicyAudience?
        do {
            audience = try PolicyAudience.parse(
                roles: input.roles.joined(separator: ", "), teams: (input.teams ?? []).joined(separator: ", "),
                jurisdictions: (input.jurisdictions ?? []).joined(separator: ", "))
        } catch {
            for problem in error.problems { checks.add(problem.field, problem.rule) }
        }
        let parameters = input.parameters ?? [:]
        do { try ParameterSchema.forKind(policy.kind).validate(parameters) } catch {
            for problem in error.problems { checks.add(problem.field, problem.rule) }
        }
        let periods = try await PolicyStore.noticePeriods(on: app.db)
        let noticeDays = audience.map { NoticeRules.requiredDays(for: $0, periods: periods) } ?? 0
        let document = PolicyDocument.parse(body ?? "")
        let versions = try await PolicyStore.versions(of: policy.id, on: app.db)
        let candidate = PolicyVersion(
            number: (versions.last?.number ?? 0) + 1, summary: summary ?? "", clauses: document.clauses,
            parameters: parameters, publishedAt: now, effectiveAt: input.effectiveAt,
            favourable: input.favourable ?? false)
        do { try PolicyRules.checkPublication(candidate, now: now, noticeDays: noticeDays) } catch {
            for problem in error.problems {
                if problem.field == "summary" && summary == nil { continue }
                if problem.field == "clauses" {
                    if body != nil {
                        checks.add("body", "must hold at least one numbered clause: a heading like \"## 1 Purpose\"")
                    }
                } else if problem.field.hasPrefix("clauses[") {
                    checks.add("body", "must give each clause its own number: " + problem.rule)
                } else {
                    checks.add(problem.field, problem.rule)
                }
            }
        }
        if let later = PolicyRules.upcoming(at: now, among: versions.map(\.version)).last,
            input.effectiveAt < later.effectiveAt
        {
            checks.add(
                "effectiveAt",
                "must not come before version \(later.number), which takes effect "
                    + ISO8601DateFormatter().string(from: later.effectiveAt)
                    + "; withdraw that version first, or take effect after it")
        }
        try checks.finish()
        let versionID = UUID()
        let (actor, audienceValue) = (viewer.actor, audience!)
        let stored = StoredVersion(
            id: versionID, policyID: policy.id, body: body!, document: document, version: candidate,
            audience: audienceValue, noticeDays: candidate.favourable ? 0 : noticeDays, publishedByID: actor.id,
            withdrawnByID: nil, withdrawalReason: nil)
        let citation = "\(policy.key) v\(candidate.number)"
        try await app.write { db in
            try await Self.insert(stored, on: db)
            let bound = try await Self.bound(by: audienceValue, on: db)
            try await Self.addRecipients(bound, version: versionID, at: now, on: db)
            try await Notifications.send(
                to: bound, caseID: nil, kind: "policy.published",
                body: "\(policy.title), version \(candidate.number), applies from "
                    + PageTime.text(candidate.effectiveAt) + ": \(candidate.summary) Please read and acknowledge it.",
                link: Self.link(policy.key, candidate.number), at: now, on: db)
            let mail = PolicyMail(publicURL: publicURL, policy: policy)
            try await Outbox.queue(
                try await Outbox.recipients(bound, on: db), subject: mail.publishedSubject(stored),
                body: mail.publishedBody(
                    stored, previous: versions.last(where: { $0.version.withdrawnAt == nil })?.number),
                kind: "policy.published", at: now, on: db)
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "policy.published", subjectType: "policy_version",
                subjectID: versionID, reason: candidate.summary,
                details: [
                    "policy": policy.key, "version": String(candidate.number),
                    "effectiveAt": ISO8601DateFormatter().string(from: candidate.effectiveAt),
                    "noticeDays": String(stored.noticeDays), "favourable": String(candidate.favourable),
                    "audience": audienceValue.summary, "notified": String(bound.count),
                ], policyVersion: citation)
        }
        return stored
    }

    /// Withdraws a version that has not taken effect yet; everyone who was told hears of it.
    func withdraw(key: String?, number: Int?, _ input: WithdrawVersionRequest) async throws {
        try requireOwner()
        let (policy, version) = try await Self.find(key: key, number: number, on: app.db)
        var checks = Checks()
        let reason = checks.text(input.reason, field: "reason", max: 2_000)
        try checks.finish()
        let now = now
        guard PolicyRules.canWithdraw(version.version, at: now) else {
            throw ApiError.conflict(
                version.version.withdrawnAt != nil
                    ? "version \(version.number) was already withdrawn"
                    : "version \(version.number) is already in force; publish a new version to change it")
        }
        let actor = viewer.actor
        try await app.write { db in
            try await db.sql.raw(
                """
                UPDATE policy_versions SET withdrawn_at = \(bind: now), withdrawn_by_id = \(bind: actor.id), \
                withdrawal_reason = \(bind: reason!) WHERE id = \(bind: version.id) AND withdrawn_at IS NULL
                """
            ).run()
            let told = try await Self.recipients(of: version.id, unacknowledgedOnly: false, on: db)
            try await Notifications.send(
                to: told, caseID: nil, kind: "policy.withdrawn",
                body: "\(policy.title), version \(version.number), was withdrawn and will not apply: \(reason!)",
                link: Self.link(policy.key, version.number), at: now, on: db)
            let mail = PolicyMail(publicURL: publicURL, policy: policy)
            try await Outbox.queue(
                try await Outbox.recipients(told, on: db),
                subject: "Withdrawn: \(policy.title), version \(version.number) will not apply",
                body: mail.withdrawnBody(version, reason: reason!), kind: "policy.withdrawn", at: now, on: db)
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "policy.withdrawn", subjectType: "policy_version",
                subjectID: version.id, reason: reason,
                details: ["policy": policy.key, "version": String(version.number), "notified": String(told.count)],
                policyVersion: "\(policy.key) v\(version.number)")
        }
    }

    // MARK: Reading and acknowledging

    /// Records that the person asking has read a version that binds them. Saying it twice keeps
    /// the first time.
    func acknowledge(key: String?, number: Int?) async throws -> Date {
        let (policy, version) = try await Self.find(key: key, number: number, on: app.db)
        let reader = PolicyReader(viewer.user)
        let userID = viewer.userID
        let now = now
        if version.version.withdrawnAt != nil {
            throw ApiError.conflict("version \(version.number) was withdrawn; there is nothing to acknowledge")
        }
        let existing = try await Self.recipient(version: version.id, user: userID, on: app.db)
        guard existing != nil || reader.isBound(by: version.audience) else {
            throw ApiError.forbidden("version \(version.number) of \(policy.title) does not bind you")
        }
        if let done = existing?.acknowledgedAt { return done }
        let actor = viewer.actor
        try await app.write { db in
            if existing == nil {
                try await Self.addRecipients([userID], version: version.id, at: now, on: db)
            }
            try await db.sql.raw(
                """
                UPDATE policy_recipients SET acknowledged_at = \(bind: now) \
                WHERE version_id = \(bind: version.id) AND user_id = \(bind: userID) AND acknowledged_at IS NULL
                """
            ).run()
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "policy.acknowledged", subjectType: "policy_version",
                subjectID: version.id, reason: nil,
                details: ["policy": policy.key, "version": String(version.number)],
                policyVersion: "\(policy.key) v\(version.number)")
        }
        return now
    }

    /// Reminds everyone bound who has not acknowledged yet, including people who joined the
    /// audience after publication (they are told for the first time). Answers how many were reached.
    func remind(key: String?, number: Int?) async throws -> Int {
        try requireOwner()
        let (policy, version) = try await Self.find(key: key, number: number, on: app.db)
        if version.version.withdrawnAt != nil {
            throw ApiError.conflict("version \(version.number) was withdrawn; nobody needs to read it")
        }
        let (actor, now) = (viewer.actor, now)
        return try await app.write { db in
            let bound = Set(try await Self.bound(by: version.audience, on: db))
            let told = Set(try await Self.recipients(of: version.id, unacknowledgedOnly: false, on: db))
            let newcomers = Array(bound.subtracting(told))
            try await Self.addRecipients(newcomers, version: version.id, at: now, on: db)
            let waiting = try await Self.recipients(of: version.id, unacknowledgedOnly: true, on: db)
            if waiting.isEmpty {
                throw ApiError.conflict("everyone bound by version \(version.number) has acknowledged it")
            }
            try await db.sql.raw(
                """
                UPDATE policy_recipients SET reminders = reminders + 1, reminded_at = \(bind: now) \
                WHERE version_id = \(bind: version.id) AND acknowledged_at IS NULL
                """
            ).run()
            try await Notifications.send(
                to: waiting, caseID: nil, kind: "policy.reminder",
                body: "Reminder: please read and acknowledge \(policy.title), version \(version.number), which "
                    + (version.version.effectiveAt > now ? "applies from " : "has applied since ")
                    + PageTime.text(version.version.effectiveAt) + ".",
                link: Self.link(policy.key, version.number), at: now, on: db)
            let mail = PolicyMail(publicURL: publicURL, policy: policy)
            try await Outbox.queue(
                try await Outbox.recipients(waiting, on: db),
                subject: "Reminder: please read \(policy.title), version \(version.number)",
                body: mail.reminderBody(version, now: now), kind: "policy.reminder", at: now, on: db)
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "policy.reminded", subjectType: "policy_version",
                subjectID: version.id, reason: nil,
                details: [
                    "policy": policy.key, "version": String(version.number), "reminded": String(waiting.count),
                    "newlyBound": String(newcomers.count),
                ], policyVersion: "\(policy.key) v\(version.number)")
            return waiting.count
        }
    }

    // MARK: Settings

    /// Sets the notice a change must give people of one role in one jurisdiction.
    func saveNoticePeriod(_ input: NoticePeriodRequest) async throws -> NoticePeriod {
        guard viewer.role == .admin else { throw ApiError.forbidden("only an admin sets notice periods") }
        var checks = Checks()
        var period: NoticePeriod?
        do {
            period = try NoticeRules.validate(
                NoticePeriod(role: input.role, jurisdiction: input.jurisdiction, days: input.days))
        } catch {
            for problem in error.problems { checks.add(problem.field, problem.rule) }
        }
        let reason = checks.text(input.reason, field: "reason", max: 2_000)
        try checks.finish()
        let (actor, now, value) = (viewer.actor, now, period!)
        try await app.write { db in
            struct Found: Decodable {
                var id: UUID
                var days: Int
            }
            let existing = try await db.sql.raw(
                """
                SELECT id, days FROM policy_notice_periods \
                WHERE role = \(bind: value.role) AND jurisdiction = \(bind: value.jurisdiction)
                """
            ).first(decoding: Found.self)
            let id = existing?.id ?? UUID()
            if existing != nil {
                try await db.sql.raw(
                    """
                    UPDATE policy_notice_periods SET days = \(bind: value.days), updated_at = \(bind: now), \
                    updated_by_id = \(bind: actor.id) WHERE id = \(bind: id)
                    """
                ).run()
            } else {
                try await db.insertRow(
                    "policy_notice_periods",
                    [
                        ("id", id), ("role", value.role), ("jurisdiction", value.jurisdiction), ("days", value.days),
                        ("updated_at", now), ("updated_by_id", actor.id),
                    ])
            }
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "policy_notice.changed", subjectType: "policy_notice_period",
                subjectID: id, reason: reason,
                details: [
                    "role": value.role, "jurisdiction": value.jurisdiction, "days": String(value.days),
                    "before": existing.map { String($0.days) } ?? "none",
                ])
        }
        return value
    }

    // MARK: Helpers

    static func find(key: String?, number: Int?, on db: any Database) async throws -> (PolicyRecord, StoredVersion) {
        let policy = try await PolicyStore.require(key: key, on: db)
        guard let number,
            let version = try await PolicyStore.versions(of: policy.id, on: db).first(where: {
                $0.number == number
            })
        else {
            throw ApiError.notFound("version \(number.map(String.init) ?? "") of policy \(policy.key)")
        }
        return (policy, version)
    }

    /// The active people a version binds now.
    static func bound(by audience: PolicyAudience, on db: any Database) async throws -> [UUID] {
        struct Row: Decodable {
            var id: UUID
            var role: String
            var team: String
            var jurisdiction: String
        }
        guard !audience.roles.isEmpty else { return [] }
        var query: SQLQueryString =
            "SELECT id, role, team, jurisdiction FROM users WHERE active = \(bind: true) AND role IN ("
        for (index, role) in audience.roles.enumerated() {
            query += index == 0 ? "\(bind: role.rawValue)" : ", \(bind: role.rawValue)"
        }
        query += ")"
        return try await db.sql.raw(query).all(decoding: Row.self).filter {
            audience.includes(
                role: Role(rawValue: $0.role) ?? .customer, team: $0.team.isEmpty ? nil : $0.team,
                jurisdiction: $0.jurisdiction.isEmpty ? nil : $0.jurisdiction)
        }.map(\.id)
    }

    /// Stores a version as it is, with no checks: `publish` checks first; the demo seeder
    /// stores a history that was published in the past.
    static func insert(_ stored: StoredVersion, on db: any Database) async throws {
        let version = stored.version
        try await db.insertRow(
            "policy_versions",
            [
                ("id", stored.id), ("policy_id", stored.policyID), ("number", version.number),
                ("summary", version.summary), ("body", stored.body),
                ("parameters", PolicyStore.parametersJSON(version.parameters)),
                ("audience_roles", stored.audience.roles.map(\.rawValue).joined(separator: ",")),
                ("audience_teams", stored.audience.teams.joined(separator: ",")),
                ("audience_jurisdictions", stored.audience.jurisdictions.joined(separator: ",")),
                ("favourable", version.favourable), ("notice_days", stored.noticeDays),
                ("published_at", version.publishedAt), ("published_by_id", stored.publishedByID),
                ("effective_at", version.effectiveAt), ("withdrawn_at", version.withdrawnAt),
                ("withdrawn_by_id", stored.withdrawnByID), ("withdrawal_reason", stored.withdrawalReason),
            ])
    }

    static func addRecipients(_ users: [UUID], version: UUID, at now: Date, on db: any Database) async throws {
        let rows: [[(any Encodable & Sendable)?]] = users.map { [UUID(), version, $0, now, 0, nil, nil] }
        for start in stride(from: 0, to: rows.count, by: 500) {
            try await db.insertRows(
                "policy_recipients",
                columns: ["id", "version_id", "user_id", "notified_at", "reminders", "reminded_at", "acknowledged_at"],
                Array(rows[start..<min(start + 500, rows.count)]))
        }
    }

    static func recipients(of version: UUID, unacknowledgedOnly: Bool, on db: any Database) async throws -> [UUID] {
        struct Row: Decodable { var userId: UUID }
        var query: SQLQueryString = "SELECT user_id FROM policy_recipients WHERE version_id = \(bind: version)"
        if unacknowledgedOnly { query += " AND acknowledged_at IS NULL" }
        return try await db.sql.raw(query).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            .map(\.userId)
    }

    struct RecipientRow: Decodable {
        var userId: UUID
        var notifiedAt: Date
        var reminders: Int
        var remindedAt: Date?
        var acknowledgedAt: Date?
    }

    static func recipient(version: UUID, user: UUID, on db: any Database) async throws -> RecipientRow? {
        try await db.sql.raw(
            """
            SELECT user_id, notified_at, reminders, reminded_at, acknowledged_at FROM policy_recipients \
            WHERE version_id = \(bind: version) AND user_id = \(bind: user)
            """
        ).first(decoding: RecipientRow.self, keyDecodingStrategy: .convertFromSnakeCase)
    }
}
