import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// A policy as stored: its key, title and kind. Its text lives in its versions.
struct PolicyRecord: Sendable, Equatable {
    var id: UUID
    /// "driver-standing": the name in links and citations.
    var key: String
    var title: String
    var kind: PolicyKind
    var createdAt: Date
}

/// A published version as stored: the domain's view of it plus its text, its audience, and who
/// published or withdrew it.
struct StoredVersion: Sendable, Equatable {
    var id: UUID
    var policyID: UUID
    var body: String
    var document: PolicyDocument
    var version: PolicyVersion
    var audience: PolicyAudience
    var noticeDays: Int
    var publishedByID: UUID?
    var withdrawnByID: UUID?
    var withdrawalReason: String?

    var number: Int { version.number }

    /// Where the version is in its life at `now`.
    func state(at now: Date, inForce: Int?) -> String {
        if version.withdrawnAt != nil { return "withdrawn" }
        if version.effectiveAt > now { return "upcoming" }
        return version.number == inForce ? "in_force" : "past"
    }
}

/// Reads policies and their versions.
enum PolicyStore {
    private struct PolicyRow: Decodable {
        var id: UUID
        var key: String
        var title: String
        var kind: String
        var createdAt: Date

        var record: PolicyRecord {
            PolicyRecord(
                id: id, key: key, title: title, kind: PolicyKind(rawValue: kind) ?? .other, createdAt: createdAt)
        }
    }

    private struct VersionRow: Decodable {
        var id: UUID
        var policyId: UUID
        var number: Int
        var summary: String
        var body: String
        var parameters: String
        var audienceRoles: String
        var audienceTeams: String
        var audienceJurisdictions: String
        var favourable: Bool
        var noticeDays: Int
        var publishedAt: Date
        var publishedById: UUID?
        var effectiveAt: Date
        var withdrawnAt: Date?
        var withdrawnById: UUID?
        var withdrawalReason: String?

        var stored: StoredVersion {
            let document = PolicyDocument.parse(body)
            let parameters = (try? JSONDecoder().decode(PolicyParameters.self, from: Data(self.parameters.utf8))) ?? [:]
            func list(_ text: String) -> [String] {
                text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            return StoredVersion(
                id: id, policyID: policyId, body: body, document: document,
                version: PolicyVersion(
                    number: number, summary: summary, clauses: document.clauses, parameters: parameters,
                    publishedAt: publishedAt, effectiveAt: effectiveAt, favourable: favourable,
                    withdrawnAt: withdrawnAt),
                audience: PolicyAudience(
                    roles: list(audienceRoles).compactMap(Role.init(rawValue:)), teams: list(audienceTeams),
                    jurisdictions: list(audienceJurisdictions)),
                noticeDays: noticeDays, publishedByID: publishedById, withdrawnByID: withdrawnById,
                withdrawalReason: withdrawalReason)
        }
    }

    static func policies(on db: any Database) async throws -> [PolicyRecord] {
        try await db.sql.raw("SELECT * FROM policies ORDER BY title")
            .all(decoding: PolicyRow.self, keyDecodingStrategy: .convertFromSnakeCase).map(\.record)
    }

    static func policy(key: String, on db: any Database) async throws -> PolicyRecord? {
        try await db.sql.raw("SELECT * FROM policies WHERE key = \(bind: key)")
            .first(decoding: PolicyRow.self, keyDecodingStrategy: .convertFromSnakeCase)?.record
    }

    /// The policy with this key, or a 404 that names it.
    static func require(key: String?, on db: any Database) async throws -> PolicyRecord {
        guard let key, let policy = try await policy(key: key, on: db) else {
            throw ApiError.notFound("policy \(key ?? "")")
        }
        return policy
    }

    /// A policy's versions, oldest first.
    static func versions(of policyID: UUID, on db: any Database) async throws -> [StoredVersion] {
        try await db.sql.raw("SELECT * FROM policy_versions WHERE policy_id = \(bind: policyID) ORDER BY number")
            .all(decoding: VersionRow.self, keyDecodingStrategy: .convertFromSnakeCase).map(\.stored)
    }

    /// Every version of every policy, by policy, oldest first.
    static func allVersions(on db: any Database) async throws -> [UUID: [StoredVersion]] {
        let rows = try await db.sql.raw("SELECT * FROM policy_versions ORDER BY number")
            .all(decoding: VersionRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        return Dictionary(grouping: rows.map(\.stored), by: \.policyID)
    }

    static func noticePeriods(on db: any Database) async throws -> [NoticePeriod] {
        struct Row: Decodable {
            var role: String
            var jurisdiction: String
            var days: Int
        }
        return try await db.sql.raw(
            "SELECT role, jurisdiction, days FROM policy_notice_periods ORDER BY role, jurisdiction"
        )
        .all(decoding: Row.self).map { NoticePeriod(role: $0.role, jurisdiction: $0.jurisdiction, days: $0.days) }
    }

    /// The version in force at `instant` among `versions`.
    static func inForce(at instant: Date, _ versions: [StoredVersion]) -> StoredVersion? {
        guard let domain = PolicyRules.inForce(at: instant, among: versions.map(\.version)) else { return nil }
        return versions.first { $0.number == domain.number }
    }

    static func parametersJSON(_ parameters: PolicyParameters) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(parameters)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

/// A person as policies see them: who they are, and the role, team and jurisdiction that decide
/// which policies bind them.
struct PolicyReader: Sendable {
    var userID: UUID
    var role: Role
    var team: String
    var jurisdiction: String

    init(_ user: User) {
        self.userID = user.id ?? UUID()
        self.role = user.role
        self.team = user.team
        self.jurisdiction = user.jurisdiction
    }

    /// Anyone in a role, wherever they work: for rules that apply to a role as a whole.
    init(role: Role) {
        self.userID = UUID()
        self.role = role
        self.team = ""
        self.jurisdiction = ""
    }

    /// Whether `audience` binds this person.
    func isBound(by audience: PolicyAudience) -> Bool {
        audience.includes(
            role: role, team: team.isEmpty ? nil : team, jurisdiction: jurisdiction.isEmpty ? nil : jurisdiction)
    }

    /// Policy owners, admins, leads and reviewers read every policy (they write or apply them);
    /// anyone else reads the policies that bind or have bound them.
    func canRead(_ versions: [StoredVersion]) -> Bool {
        if [.policyOwner, .admin, .lead, .reviewer].contains(role) { return true }
        return versions.contains { isBound(by: $0.audience) }
    }
}

/// What code that judges an event reads: the version of a policy in force when the event
/// happened, and the parameters it sets. The decision records `citation`, so it can always be
/// shown which version judged it.
struct PolicyInForce: Sendable {
    var policy: PolicyRecord
    var version: StoredVersion

    var parameters: PolicyParameters { version.version.parameters }
    /// "driver-standing v3".
    var citation: String { "\(policy.key) v\(version.number)" }
}

/// The one way code asks which rules applied to an event: always with the event's time, never
/// with "now", so a policy change never reaches back to events before it took effect.
enum PolicyBook {
    /// The version of the policy `key` in force at `instant`.
    static func inForce(key: String, at instant: Date, on db: any Database) async throws -> PolicyInForce? {
        guard let policy = try await PolicyStore.policy(key: key, on: db) else { return nil }
        let versions = try await PolicyStore.versions(of: policy.id, on: db)
        return PolicyStore.inForce(at: instant, versions).map { PolicyInForce(policy: policy, version: $0) }
    }

    /// The policy of `kind` that bound `person` at `instant`: among the policies of that kind, the
    /// version in force then whose audience includes the person; the most specific audience wins
    /// (one naming the person's jurisdiction or team before one for everybody).
    static func inForce(
        kind: PolicyKind, for person: PolicyReader, at instant: Date, on db: any Database
    ) async throws -> PolicyInForce? {
        let policies = try await PolicyStore.policies(on: db).filter { $0.kind == kind }
        var best: (PolicyInForce, Int)?
        for policy in policies {
            let versions = try await PolicyStore.versions(of: policy.id, on: db)
            guard let version = PolicyStore.inForce(at: instant, versions), person.isBound(by: version.audience)
            else { continue }
            let specificity =
                (version.audience.jurisdictions.isEmpty ? 0 : 2) + (version.audience.teams.isEmpty ? 0 : 1)
            if best == nil || specificity > best!.1 {
                best = (PolicyInForce(policy: policy, version: version), specificity)
            }
        }
        return best?.0
    }
}
