import Foundation

/// Who a policy binds: roles, and optionally only some teams and jurisdictions (empty = all).
public struct PolicyAudience: Sendable, Equatable, Codable {
    /// The roles bound; never customers.
    public var roles: [Role]
    /// Team names; empty means every team.
    public var teams: [String]
    /// Upper-case jurisdiction codes ("FR", "US-WA"); empty means everywhere.
    public var jurisdictions: [String]

    /// An audience from its parts.
    public init(roles: [Role], teams: [String] = [], jurisdictions: [String] = []) {
        self.roles = roles
        self.teams = teams
        self.jurisdictions = jurisdictions
    }

    /// Whether the audience binds a person with this role, team and jurisdiction: the role is one of
    /// `roles`, and each of teams and jurisdictions is empty or names theirs (case does not matter).
    /// A person with no team or jurisdiction is bound only by audiences that name none.
    public func includes(role: Role, team: String?, jurisdiction: String?) -> Bool {
        guard roles.contains(role) else { return false }
        return Self.matches(team, teams) && Self.matches(jurisdiction, jurisdictions)
    }

    /// Parses comma-separated lists as typed in a form ("agent, lead"; "Night shift"; "FR, US-WA");
    /// names problems with fields "roles", "teams", "jurisdictions". Roles must be known role raw
    /// values (any case; "policy owner" and plurals like "agents" are understood) except `customer`,
    /// since customers are not bound by staff policies; at least one role. Jurisdiction codes are
    /// letters, digits and dashes, at most 20 characters, stored upper-cased. Teams are at most 60
    /// characters each. Duplicates are removed (teams ignoring case) and the order is kept.
    public static func parse(roles: String, teams: String, jurisdictions: String) throws(ValidationFailure)
        -> PolicyAudience
    {
        var checks = Checks()
        var parsedRoles: [Role] = []
        let roleWords = list(roles)
        if roleWords.isEmpty { checks.add("roles", "must name at least one role") }
        for word in roleWords {
            guard let role = role(named: word) else {
                let known = Role.allCases.filter { $0 != .customer }.map(\.rawValue).joined(separator: ", ")
                checks.add("roles", "must name known roles: \(known) (got \"\(word.prefix(40))\")")
                continue
            }
            if role == .customer {
                checks.add("roles", "must name staff or driver roles; customer is not bound by policies")
            } else if !parsedRoles.contains(role) {
                parsedRoles.append(role)
            }
        }
        var parsedTeams: [String] = []
        for team in list(teams) {
            if team.count > 60 {
                checks.add("teams", "must each be at most 60 characters (got \(team.count): \"\(team.prefix(40))…\")")
            } else if !parsedTeams.contains(where: { $0.caseInsensitiveCompare(team) == .orderedSame }) {
                parsedTeams.append(team)
            }
        }
        var parsedJurisdictions: [String] = []
        for code in list(jurisdictions).map({ $0.uppercased() }) {
            if !isJurisdictionCode(code) {
                checks.add(
                    "jurisdictions",
                    "must be codes of letters, digits and dashes, at most 20 characters (got \"\(code.prefix(40))\")")
            } else if !parsedJurisdictions.contains(code) {
                parsedJurisdictions.append(code)
            }
        }
        try checks.finish()
        return PolicyAudience(roles: parsedRoles, teams: parsedTeams, jurisdictions: parsedJurisdictions)
    }

    /// The roles as a form shows them: "agent, lead".
    public var rolesText: String { roles.map(\.rawValue).joined(separator: ", ") }
    /// The teams as a form shows them: "Night shift, Returns".
    public var teamsText: String { teams.joined(separator: ", ") }
    /// The jurisdictions as a form shows them: "FR, US-WA".
    public var jurisdictionsText: String { jurisdictions.joined(separator: ", ") }

    /// The audience in plain words: "agents and leads · team Night shift · FR", or
    /// "drivers · all teams · all jurisdictions".
    public var summary: String {
        let who = roles.isEmpty ? "nobody" : Self.sentenceList(roles.map(Self.plural))
        let teamWords =
            teams.isEmpty ? "all teams" : (teams.count == 1 ? "team " : "teams ") + teams.joined(separator: ", ")
        let place = jurisdictions.isEmpty ? "all jurisdictions" : jurisdictions.joined(separator: ", ")
        return [who, teamWords, place].joined(separator: " · ")
    }

    /// Whether `code` is a jurisdiction code: ASCII letters, digits and dashes, 1 to 20 of them.
    public static func isJurisdictionCode(_ code: String) -> Bool {
        (1...20).contains(code.count)
            && code.unicodeScalars.allSatisfy {
                ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
            }
    }

    /// The role a person typed: a raw value in any case, with spaces or dashes for _, or its plural.
    static func role(named word: String) -> Role? {
        let key = word.lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
        if let role = Role(rawValue: key) { return role }
        if key.hasSuffix("s") { return Role(rawValue: String(key.dropLast())) }
        return nil
    }

    private static func matches(_ value: String?, _ allowed: [String]) -> Bool {
        if allowed.isEmpty { return true }
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return false }
        return allowed.contains { $0.caseInsensitiveCompare(value) == .orderedSame }
    }

    private static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    private static func plural(_ role: Role) -> String {
        switch role {
        case .customer: "customers"
        case .agent: "agents"
        case .lead: "leads"
        case .policyOwner: "policy owners"
        case .driver: "drivers"
        case .reviewer: "reviewers"
        case .admin: "admins"
        }
    }

    private static func sentenceList(_ words: [String]) -> String {
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " and " + words.last!
    }
}

/// The minimum notice before a policy change applies, set per role and jurisdiction; "*" matches any.
public struct NoticePeriod: Sendable, Equatable, Codable {
    /// A Role raw value or "*".
    public var role: String
    /// An upper-case jurisdiction code or "*".
    public var jurisdiction: String
    /// Whole days between publication and the earliest date a change may apply.
    public var days: Int

    /// A period from its parts; `NoticeRules.validate` checks and normalises one typed in a form.
    public init(role: String, jurisdiction: String, days: Int) {
        self.role = role
        self.jurisdiction = jurisdiction
        self.days = days
    }
}

/// How much notice a policy change owes the people it binds.
public enum NoticeRules {
    /// Starting settings: 14 days for everyone ("*", "*", 14).
    public static let defaults: [NoticePeriod] = [NoticePeriod(role: "*", jurisdiction: "*", days: 14)]

    /// The legal floor for changes binding drivers: 2 days (48 hours), whatever the setting says.
    public static let driverFloorDays: Int = 2
    /// No change that is not favourable applies sooner than a day after it is published, whatever
    /// the settings say: no notice at all is only for changes marked favourable.
    public static let minimumDays: Int = 1

    /// The notice a version binding `audience` needs. For each role in the audience and each place
    /// it binds, the most specific matching period counts (role+jurisdiction, then role+"*", then
    /// "*"+jurisdiction, then "*"+"*"; 0 if none match); the largest of these wins. It is never
    /// below `minimumDays`, nor below `driverFloorDays` when drivers are bound.
    ///
    /// An audience that names jurisdictions binds just those. One that names none binds people
    /// everywhere, including in every jurisdiction that has its own setting, so each of those
    /// settings counts as well as the "*" one: a change for all drivers owes French drivers their
    /// 30 days if FR is set to 30.
    public static func requiredDays(for audience: PolicyAudience, periods: [NoticePeriod]) -> Int {
        let places: [String]
        if audience.jurisdictions.isEmpty {
            let named = periods.map { $0.jurisdiction.uppercased() }.filter { $0 != "*" }
            places = ["*"] + Set(named).sorted()
        } else {
            places = audience.jurisdictions.map { $0.uppercased() }
        }
        var required = minimumDays
        for role in audience.roles {
            for place in places {
                required = max(required, days(for: role.rawValue, in: place, periods: periods))
            }
        }
        if audience.roles.contains(.driver) { required = max(required, driverFloorDays) }
        return required
    }

    /// Checks one setting: role "*" or a known non-customer role; jurisdiction "*" or a code; days
    /// 1...365 (no notice is only for favourable changes); a driver period below `driverFloorDays` is refused. Fields "role", "jurisdiction",
    /// "days". Returns it normalised: trimmed, role lower-case, jurisdiction upper-case.
    public static func validate(_ period: NoticePeriod) throws(ValidationFailure) -> NoticePeriod {
        var checks = Checks()
        let role = period.role.trimmingCharacters(in: .whitespaces).lowercased()
        let jurisdiction = period.jurisdiction.trimmingCharacters(in: .whitespaces).uppercased()
        if role == Role.customer.rawValue {
            checks.add("role", "must name staff or driver roles; customer is not bound by policies")
        } else if role != "*" && Role(rawValue: role) == nil {
            let known = Role.allCases.filter { $0 != .customer }.map(\.rawValue).joined(separator: ", ")
            checks.add("role", "must be * or one of: \(known) (got \"\(role.prefix(40))\")")
        }
        if jurisdiction != "*" && !PolicyAudience.isJurisdictionCode(jurisdiction) {
            checks.add(
                "jurisdiction",
                "must be * or a code of letters, digits and dashes, at most 20 characters "
                    + "(got \"\(jurisdiction.prefix(40))\")")
        }
        if !(minimumDays...365).contains(period.days) {
            checks.add(
                "days",
                "must be between \(minimumDays) and 365 (got \(period.days)): only a change marked favourable "
                    + "may apply without notice")
        } else if role == Role.driver.rawValue && period.days < driverFloorDays {
            checks.add("days", "must be at least \(driverFloorDays) days: drivers are owed 48 hours' notice")
        }
        try checks.finish()
        return NoticePeriod(role: role, jurisdiction: jurisdiction, days: period.days)
    }

    /// The days the most specific period matching `role` in `place` sets; the longest if several
    /// equally specific ones do, 0 if none match.
    private static func days(for role: String, in place: String, periods: [NoticePeriod]) -> Int {
        for (wantedRole, wantedPlace) in [(role, place), (role, "*"), ("*", place), ("*", "*")] {
            let matching = periods.filter {
                $0.role.lowercased() == wantedRole && $0.jurisdiction.uppercased() == wantedPlace
            }
            if let longest = matching.map(\.days).max() { return longest }
        }
        return 0
    }
}
