import Foundation
import Testing

@testable import FairdeskCore

@Suite("Policy audiences and notice")
struct PolicyAudienceTests {
    /// The problems `body` threw; empty when it passed.
    func failure(_ body: () throws -> Void) -> [FieldProblem] {
        do {
            try body()
            return []
        } catch let error as ValidationFailure {
            return error.problems
        } catch {
            return [FieldProblem(field: "?", rule: "\(error)")]
        }
    }

    @Test("typed lists parse into roles, teams and upper-case jurisdictions, without duplicates, in order")
    func parse() throws {
        let audience = try PolicyAudience.parse(
            roles: " Agent, lead,agent, policy owner,", teams: "Night shift, night SHIFT , Returns",
            jurisdictions: "fr, US-WA, FR")
        #expect(audience.roles == [.agent, .lead, .policyOwner])
        #expect(audience.teams == ["Night shift", "Returns"])
        #expect(audience.jurisdictions == ["FR", "US-WA"])
        #expect(audience.rolesText == "agent, lead, policy_owner")
        #expect(audience.teamsText == "Night shift, Returns")
        #expect(audience.jurisdictionsText == "FR, US-WA")
        #expect(
            try PolicyAudience.parse(roles: "drivers", teams: "", jurisdictions: "") == PolicyAudience(roles: [.driver])
        )
    }

    @Test("customers, unknown roles, no role, long teams and bad codes are refused, each by field")
    func parseProblems() {
        #expect(
            failure { _ = try PolicyAudience.parse(roles: "customer, pilot", teams: "", jurisdictions: "") } == [
                FieldProblem(
                    field: "roles", rule: "must name staff or driver roles; customer is not bound by policies"),
                FieldProblem(
                    field: "roles",
                    rule: "must name known roles: agent, lead, policy_owner, driver, reviewer, admin (got \"pilot\")"),
            ])
        let long = String(repeating: "t", count: 61)
        let found = failure {
            _ = try PolicyAudience.parse(
                roles: " , ", teams: long, jurisdictions: "FR, U S, \(String(repeating: "A", count: 21))")
        }
        #expect(found.map(\.field) == ["roles", "teams", "jurisdictions", "jurisdictions"])
        #expect(found.first?.rule == "must name at least one role")
        #expect(found[2].rule == "must be codes of letters, digits and dashes, at most 20 characters (got \"U S\")")
    }

    @Test("an audience includes a person by role, and by team and jurisdiction only when it names them")
    func includes() {
        let everyone = PolicyAudience(roles: [.driver])
        #expect(everyone.includes(role: .driver, team: nil, jurisdiction: nil))
        #expect(everyone.includes(role: .driver, team: "Vans", jurisdiction: "DE"))
        #expect(!everyone.includes(role: .agent, team: nil, jurisdiction: nil))
        let narrow = PolicyAudience(roles: [.agent, .lead], teams: ["Night shift"], jurisdictions: ["FR"])
        #expect(narrow.includes(role: .lead, team: "night SHIFT", jurisdiction: "fr"))
        #expect(!narrow.includes(role: .lead, team: "Day shift", jurisdiction: "FR"))
        #expect(!narrow.includes(role: .lead, team: "Night shift", jurisdiction: "DE"))
        #expect(!narrow.includes(role: .lead, team: nil, jurisdiction: "FR"))
        #expect(!narrow.includes(role: .lead, team: "Night shift", jurisdiction: nil))
        #expect(!narrow.includes(role: .driver, team: "Night shift", jurisdiction: "FR"))
    }

    @Test("the summary says who in plain words")
    func summary() {
        #expect(
            PolicyAudience(roles: [.agent, .lead], teams: ["Night shift"], jurisdictions: ["FR"]).summary
                == "agents and leads · team Night shift · FR")
        #expect(PolicyAudience(roles: [.driver]).summary == "drivers · all teams · all jurisdictions")
        #expect(
            PolicyAudience(roles: [.agent, .lead, .policyOwner], teams: ["A", "B"], jurisdictions: ["FR", "US-WA"])
                .summary == "agents, leads and policy owners · teams A, B · FR, US-WA")
    }

    @Test("audiences are coded with role raw values")
    func coding() throws {
        let audience = PolicyAudience(roles: [.policyOwner], teams: ["Returns"], jurisdictions: ["FR"])
        let data = try JSONEncoder().encode(audience)
        #expect(String(decoding: data, as: UTF8.self).contains("\"policy_owner\""))
        #expect(try JSONDecoder().decode(PolicyAudience.self, from: data) == audience)
    }

    let periods = [
        NoticePeriod(role: "*", jurisdiction: "*", days: 14),
        NoticePeriod(role: "driver", jurisdiction: "*", days: 7),
        NoticePeriod(role: "driver", jurisdiction: "FR", days: 30),
    ]

    @Test("the most specific period counts for each role and place; the largest wins")
    func requiredDaysSpecificity() {
        func days(_ roles: [Role], _ jurisdictions: [String] = []) -> Int {
            NoticeRules.requiredDays(for: PolicyAudience(roles: roles, jurisdictions: jurisdictions), periods: periods)
        }
        #expect(days([.driver], ["FR"]) == 30)
        // Drivers somewhere without their own setting: driver+* beats *+*.
        #expect(days([.driver], ["US-WA"]) == 7)
        #expect(days([.driver], ["us-wa", "fr"]) == 30)
        #expect(days([.agent], ["FR"]) == 14)
        #expect(days([.agent, .driver], ["US-WA"]) == 14)
        #expect(days([.agent]) == 14)
        // Drivers everywhere include drivers in FR, who are owed 30 days.
        #expect(days([.driver]) == 30)
        let jurisdictionWide = [
            NoticePeriod(role: "*", jurisdiction: "DE", days: 21),
            NoticePeriod(role: "agent", jurisdiction: "*", days: 3),
        ]
        // role+* comes before *+jurisdiction.
        #expect(
            NoticeRules.requiredDays(
                for: PolicyAudience(roles: [.agent], jurisdictions: ["DE"]), periods: jurisdictionWide) == 3)
        #expect(
            NoticeRules.requiredDays(
                for: PolicyAudience(roles: [.lead], jurisdictions: ["DE"]), periods: jurisdictionWide) == 21)
        #expect(
            NoticeRules.requiredDays(
                for: PolicyAudience(roles: [.lead], jurisdictions: ["IT"]), periods: jurisdictionWide) == 1)
        #expect(NoticeRules.requiredDays(for: PolicyAudience(roles: [.agent]), periods: NoticeRules.defaults) == 14)
    }

    @Test("changes binding drivers owe at least 48 hours, whatever the settings say")
    func driverFloor() {
        let none = [NoticePeriod(role: "*", jurisdiction: "*", days: 0)]
        #expect(NoticeRules.driverFloorDays == 2)
        #expect(NoticeRules.requiredDays(for: PolicyAudience(roles: [.driver]), periods: none) == 2)
        #expect(NoticeRules.requiredDays(for: PolicyAudience(roles: [.driver]), periods: []) == 2)
        #expect(NoticeRules.requiredDays(for: PolicyAudience(roles: [.agent]), periods: none) == 1)
    }

    @Test("a notice setting is checked and normalised")
    func validatePeriod() throws {
        #expect(
            try NoticeRules.validate(NoticePeriod(role: " Driver ", jurisdiction: " us-wa ", days: 2))
                == NoticePeriod(role: "driver", jurisdiction: "US-WA", days: 2))
        #expect(try NoticeRules.validate(NoticePeriod(role: "*", jurisdiction: "*", days: 1)).days == 1)
        #expect(
            failure { _ = try NoticeRules.validate(NoticePeriod(role: "*", jurisdiction: "*", days: 0)) }.map(\.rule)
                == ["must be between 1 and 365 (got 0): only a change marked favourable may apply without notice"])
        #expect(
            failure { _ = try NoticeRules.validate(NoticePeriod(role: "driver", jurisdiction: "*", days: 1)) } == [
                FieldProblem(field: "days", rule: "must be at least 2 days: drivers are owed 48 hours' notice")
            ])
        #expect(
            failure { _ = try NoticeRules.validate(NoticePeriod(role: "customer", jurisdiction: "F R", days: 400)) }
                .map(\.field) == ["role", "jurisdiction", "days"])
        #expect(
            failure { _ = try NoticeRules.validate(NoticePeriod(role: "pilot", jurisdiction: "*", days: 5)) }
                == [
                    FieldProblem(
                        field: "role",
                        rule: "must be * or one of: agent, lead, policy_owner, driver, reviewer, admin (got \"pilot\")")
                ])
    }
}
