import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// What people read of policies: the list, one policy's versions, one version's text, two
/// versions compared, who has acknowledged a version, and the version in force at a time.
/// Everyone reads only what they may (see ``PolicyReader/canRead(_:)``).
struct PolicyQueries {
    let reader: PolicyReader
    let now: Date
    let db: any Database
    /// When the person asking acknowledged each version they were sent, by version id.
    private let mine: [UUID: Date?]

    init(_ req: Request) async throws {
        let viewer = try await req.viewer()
        self.reader = PolicyReader(viewer.user)
        self.now = req.application.fairdesk.clock.now
        self.db = req.db
        struct Row: Decodable {
            var versionId: UUID
            var acknowledgedAt: Date?
        }
        let rows = try await req.db.sql.raw(
            "SELECT version_id, acknowledged_at FROM policy_recipients WHERE user_id = \(bind: viewer.userID)"
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        self.mine = Dictionary(rows.map { ($0.versionId, $0.acknowledgedAt) }, uniquingKeysWith: { first, _ in first })
    }

    var canWrite: Bool { reader.role == .policyOwner }
    var canSeeAcknowledgments: Bool { [.policyOwner, .admin].contains(reader.role) }

    // MARK: Building blocks

    func brief(_ version: StoredVersion, inForce: Int?) -> PolicyVersionBriefDTO {
        let state = version.state(at: now, inForce: inForce)
        let acknowledged = mine[version.id] ?? nil
        let bindsMe = mine[version.id] != nil || reader.isBound(by: version.audience)
        return PolicyVersionBriefDTO(
            number: version.number, summary: version.version.summary, state: state,
            publishedAt: version.version.publishedAt, effectiveAt: version.version.effectiveAt,
            withdrawnAt: version.version.withdrawnAt, favourable: version.version.favourable,
            acknowledgedAt: acknowledged,
            awaitingMyAcknowledgment: bindsMe && acknowledged == nil && (state == "in_force" || state == "upcoming"))
    }

    func summary(_ policy: PolicyRecord, _ versions: [StoredVersion]) -> PolicySummaryDTO {
        let inForce = PolicyStore.inForce(at: now, versions)
        return PolicySummaryDTO(
            key: policy.key, title: policy.title, kind: policy.kind.rawValue, kindTitle: policy.kind.title,
            audience: versions.last.map { PolicyAudienceDTO($0.audience) },
            inForce: inForce.map { brief($0, inForce: $0.number) },
            upcoming: versions.filter { $0.version.withdrawnAt == nil && $0.version.effectiveAt > now }
                .map { brief($0, inForce: inForce?.number) },
            versions: versions.count)
    }

    /// The policy and its versions, if the person asking may read it; 404 or 403 otherwise.
    func load(_ key: String?) async throws -> (PolicyRecord, [StoredVersion]) {
        let policy = try await PolicyStore.require(key: key, on: db)
        let versions = try await PolicyStore.versions(of: policy.id, on: db)
        guard reader.canRead(versions) || mine.keys.contains(where: { id in versions.contains { $0.id == id } }) else {
            throw ApiError.forbidden("policy \(policy.key) does not bind you")
        }
        return (policy, versions)
    }

    // MARK: Reads

    /// Every policy the person asking may read. A policy owner also sees policies with no version yet.
    func list() async throws -> [PolicySummaryDTO] {
        let all = try await PolicyStore.allVersions(on: db)
        return try await PolicyStore.policies(on: db).compactMap { policy in
            let versions = all[policy.id] ?? []
            if versions.isEmpty && !canWrite && reader.role != .admin { return nil }
            guard reader.canRead(versions) || versions.contains(where: { mine[$0.id] != nil }) else { return nil }
            return summary(policy, versions)
        }
    }

    func detail(_ key: String?) async throws -> PolicyDetailDTO {
        let (policy, versions) = try await load(key)
        let inForce = PolicyStore.inForce(at: now, versions)?.number
        return PolicyDetailDTO(
            policy: summary(policy, versions), versions: versions.reversed().map { brief($0, inForce: inForce) })
    }

    func version(_ key: String?, _ number: Int?) async throws -> PolicyVersionDTO {
        let (policy, versions) = try await load(key)
        guard let version = versions.first(where: { $0.number == number }) else {
            throw ApiError.notFound("version \(number.map(String.init) ?? "") of policy \(policy.key)")
        }
        let inForce = PolicyStore.inForce(at: now, versions)?.number
        let names = try await Self.names([version.publishedByID, version.withdrawnByID].compactMap { $0 }, on: db)
        let brief = brief(version, inForce: inForce)
        return PolicyVersionDTO(
            policyKey: policy.key, policyTitle: policy.title, kind: policy.kind.rawValue, number: version.number,
            citation: "\(policy.key) v\(version.number)", summary: version.version.summary, body: version.body,
            preamble: version.document.preamble,
            clauses: version.document.clauses.map {
                PolicyClauseDTO(number: $0.number, title: $0.title, text: $0.text)
            },
            parameters: version.version.parameters, audience: PolicyAudienceDTO(version.audience), state: brief.state,
            favourable: version.version.favourable, noticeDays: version.noticeDays,
            publishedAt: version.version.publishedAt, publishedBy: version.publishedByID.flatMap { names[$0] },
            effectiveAt: version.version.effectiveAt, withdrawnAt: version.version.withdrawnAt,
            withdrawnBy: version.withdrawnByID.flatMap { names[$0] }, withdrawalReason: version.withdrawalReason,
            acknowledgedAt: brief.acknowledgedAt, awaitingMyAcknowledgment: brief.awaitingMyAcknowledgment)
    }

    /// Two versions clause by clause, with each changed clause line by line, and the parameters
    /// that differ.
    func compare(_ key: String?, from: Int?, to: Int?) async throws -> PolicyComparisonDTO {
        let (policy, versions) = try await load(key)
        var checks = Checks()
        let numbers = versions.map(\.number)
        let rule = "must be a version of \(policy.key): " + numbers.map(String.init).joined(separator: ", ")
        let old = versions.first { $0.number == from }
        let new = versions.first { $0.number == to }
        if old == nil { checks.add("from", rule) }
        if new == nil { checks.add("to", rule) }
        try checks.finish()
        func lines(_ before: String, _ after: String) -> [PolicyComparisonDTO.Line] {
            TextDiff.lines(from: before, to: after).map { line in
                switch line {
                case .same(let text): PolicyComparisonDTO.Line(kind: "same", text: text)
                case .added(let text): PolicyComparisonDTO.Line(kind: "added", text: text)
                case .removed(let text): PolicyComparisonDTO.Line(kind: "removed", text: text)
                }
            }
        }
        let clauses = PolicyRules.compare(old!.version, new!.version).map { change in
            PolicyComparisonDTO.Clause(
                number: change.number, change: change.kind.rawValue, titleBefore: change.before?.title,
                titleAfter: change.after?.title,
                titleChanged: change.kind == .changed && change.before?.title != change.after?.title,
                lines: lines(change.before?.text ?? "", change.after?.text ?? ""))
        }
        let preamble =
            old!.document.preamble == new!.document.preamble
            ? nil : lines(old!.document.preamble, new!.document.preamble)
        let before = old!.version.parameters
        let after = new!.version.parameters
        let parameters = Set(before.keys).union(after.keys).sorted().compactMap { name in
            before[name] == after[name]
                ? nil : PolicyComparisonDTO.Parameter(name: name, before: before[name], after: after[name])
        }
        return PolicyComparisonDTO(
            policyKey: policy.key, from: old!.number, to: new!.number, preamble: preamble, clauses: clauses,
            parameters: parameters)
    }

    /// Who a version was sent to and who has acknowledged it: for policy owners and admins.
    func acknowledgments(_ key: String?, _ number: Int?) async throws -> AcknowledgmentsDTO {
        guard canSeeAcknowledgments else {
            throw ApiError.forbidden("only policy owners and admins see who has acknowledged a policy")
        }
        let (policy, version) = try await PolicyActions.find(key: key, number: number, on: db)
        struct Row: Decodable {
            var userId: UUID
            var name: String
            var email: String
            var role: String
            var notifiedAt: Date
            var reminders: Int
            var remindedAt: Date?
            var acknowledgedAt: Date?
        }
        let rows = try await db.sql.raw(
            """
            SELECT r.user_id, u.name, u.email, u.role, r.notified_at, r.reminders, r.reminded_at, r.acknowledged_at \
            FROM policy_recipients r JOIN users u ON u.id = r.user_id \
            WHERE r.version_id = \(bind: version.id) ORDER BY u.name
            """
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        // Not yet acknowledged first: that is who the owner chases.
        let people = rows.sorted {
            ($0.acknowledgedAt == nil ? 0 : 1, $0.name) < ($1.acknowledgedAt == nil ? 0 : 1, $1.name)
        }
        return AcknowledgmentsDTO(
            policyKey: policy.key, number: version.number, bound: rows.count,
            acknowledged: rows.filter { $0.acknowledgedAt != nil }.count,
            people: people.map {
                AcknowledgmentsDTO.Person(
                    userId: $0.userId, name: $0.name, email: $0.email, role: $0.role, notifiedAt: $0.notifiedAt,
                    reminders: $0.reminders, remindedAt: $0.remindedAt, acknowledgedAt: $0.acknowledgedAt)
            })
    }

    /// The version in force at `instant` and its parameters: what code judging an event at that
    /// time reads.
    func inForce(_ key: String?, at instant: Date) async throws -> PolicyInForceDTO {
        let (policy, versions) = try await load(key)
        guard let version = PolicyStore.inForce(at: instant, versions) else {
            throw ApiError.notFound(
                "a version of \(policy.key) in force at \(ISO8601DateFormatter().string(from: instant))")
        }
        return PolicyInForceDTO(
            policyKey: policy.key, at: instant, number: version.number, citation: "\(policy.key) v\(version.number)",
            effectiveAt: version.version.effectiveAt, parameters: version.version.parameters)
    }

    /// Versions that bind the person asking and wait for their acknowledgment, soonest first.
    func awaiting() async throws -> [(PolicySummaryDTO, PolicyVersionBriefDTO)] {
        try await list().flatMap { policy in
            (policy.inForce.map { [$0] } ?? []).appending(contentsOf: policy.upcoming)
                .filter(\.awaitingMyAcknowledgment).map { (policy, $0) }
        }.sorted { $0.1.effectiveAt < $1.1.effectiveAt }
    }

    static func names(_ ids: [UUID], on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let users = try await User.query(on: db).filter(\.$id ~~ ids).all()
        return Dictionary(users.map { ($0.id!, $0.name) }, uniquingKeysWith: { first, _ in first })
    }
}

extension Array {
    fileprivate func appending(contentsOf other: [Element]) -> [Element] { self + other }
}
