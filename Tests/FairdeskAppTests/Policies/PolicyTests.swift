import FairdeskCore
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

extension TestFairdesk {
    static let day: TimeInterval = 86_400

    /// Creates a policy as the policy owner.
    func createPolicy(_ key: String, kind: PolicyKind = .driverStanding) async throws {
        let response = try await send(
            .POST, "api/v1/policies", as: policyOwner,
            json: CreatePolicyRequest(key: key, title: "Policy \(key)", kind: kind.rawValue))
        #expect(response.status == .created, "\(response.body.string)")
    }

    /// A publication request with the kind's suggested parameters, changed by `changes`.
    func version(
        _ summary: String, body: String = "## 1 Standing\nOn time at least 95%.\n\n## 2 Appeals\nWithin 14 days.",
        kind: PolicyKind = .driverStanding, roles: [String] = ["driver"], jurisdictions: [String]? = nil,
        changes: PolicyParameters = [:], effectiveIn days: Double = 14, favourable: Bool = false
    ) -> PublishVersionRequest {
        PublishVersionRequest(
            summary: summary, body: body, roles: roles, teams: nil, jurisdictions: jurisdictions,
            parameters: ParameterSchema.forKind(kind).suggested.merging(changes) { $1 },
            effectiveAt: clock.now.addingTimeInterval(days * Self.day), favourable: favourable)
    }

    @discardableResult
    func publish(_ key: String, _ request: PublishVersionRequest) async throws -> TestingHTTPResponse {
        try await send(.POST, "api/v1/policies/\(key)/versions", as: policyOwner, json: request)
    }

    func notifications(_ person: Person) async throws -> [NotificationDTO] {
        try decode([NotificationDTO].self, try await send(.GET, "api/v1/notifications", as: person))
    }
}

@Suite("Written, versioned policies")
struct PolicyTests {
    @Test("publishing with too little notice is refused with the earliest allowed date; a past date is refused")
    func noticeIsEnforced() async throws {
        try await TestFairdesk.with { fd in
            try await fd.createPolicy("driver-standing")
            let early = try await fd.publish("driver-standing", fd.version("Stricter standing", effectiveIn: 3))
            #expect(early.status == .unprocessableEntity)
            let earliest = ISO8601DateFormatter().string(from: fd.clock.now.addingTimeInterval(14 * TestFairdesk.day))
            #expect(
                try fd.problems(early) == [
                    "effectiveAt: must give at least 14 days' notice: the earliest allowed is \(earliest)"
                ])
            let past = try await fd.publish("driver-standing", fd.version("Backdated", effectiveIn: -1))
            #expect(try fd.problems(past) == ["effectiveAt: must not be in the past"])
            // Nothing half-written: no version, nobody told.
            #expect(try await fd.count("policy_versions") == 0)
            #expect(try await fd.notifications(fd.driver).isEmpty)

            let favourable = try await fd.publish(
                "driver-standing", fd.version("Longer appeal window", effectiveIn: 0.01, favourable: true))
            #expect(favourable.status == .created)
            let ok = try await fd.publish("driver-standing", fd.version("Standing on a 28-day window"))
            #expect(ok.status == .created)
            let version = try fd.decode(PolicyVersionDTO.self, ok)
            #expect(version.number == 2)
            #expect(version.noticeDays == 14)
            #expect(version.state == "upcoming")
            #expect(version.citation == "driver-standing v2")
        }
    }

    @Test("a longer notice period for one jurisdiction applies to a change binding people there")
    func noticeByJurisdiction() async throws {
        try await TestFairdesk.with { fd in
            let set = try await fd.send(
                .PUT, "api/v1/policy-notice-periods", as: fd.admin,
                json: NoticePeriodRequest(role: "driver", jurisdiction: "fr", days: 30, reason: "French law"))
            #expect(set.status == .ok)
            let tooShort = try await fd.send(
                .PUT, "api/v1/policy-notice-periods", as: fd.admin,
                json: NoticePeriodRequest(role: "driver", jurisdiction: "*", days: 1, reason: "faster"))
            #expect(try fd.problems(tooShort) == ["days: must be at least 2 days: drivers are owed 48 hours' notice"])
            try await fd.createPolicy("driver-standing")
            let refused = try await fd.publish(
                "driver-standing", fd.version("Stricter in France", jurisdictions: ["FR"], effectiveIn: 20))
            #expect(refused.status == .unprocessableEntity)
            #expect(try fd.problems(refused).first?.contains("at least 30 days' notice") == true)
            let accepted = try await fd.publish(
                "driver-standing", fd.version("Stricter in France", jurisdictions: ["FR"], effectiveIn: 31))
            #expect(accepted.status == .created)
            #expect(try fd.decode(PolicyVersionDTO.self, accepted).noticeDays == 30)
        }
    }

    @Test("bad Markdown is neutralised, parameters are checked against their schema, and clauses are numbered")
    func badInput() async throws {
        try await TestFairdesk.with { fd in
            try await fd.createPolicy("driver-standing")
            let refused = try await fd.publish(
                "driver-standing",
                fd.version(
                    "Bad", body: "No clauses here.",
                    changes: [
                        "appeal_window_days": .number(3), "great_on_time_min": .number(0.99), "speed": .number(1),
                    ]))
            #expect(refused.status == .unprocessableEntity)
            let problems = try fd.problems(refused)
            #expect(problems.contains { $0.hasPrefix("body: must hold at least one numbered clause") })
            #expect(
                problems.contains { $0.hasPrefix("parameters.appeal_window_days: must be a whole number from 7 to 90") }
            )
            #expect(
                problems.contains {
                    $0.hasPrefix("parameters.great_on_time_min: must not exceed fantastic_on_time_min")
                })
            #expect(problems.contains { $0.hasPrefix("parameters.speed: is not a parameter") })
            #expect(try await fd.count("policy_versions") == 0)

            let body = """
                Read <script>alert('x')</script> this.

                ## 1 Links
                See [our site](https://example.com) but not [this](javascript:alert(1)) \
                or <img src=x onerror=alert(2)>.
                """
            let published = try await fd.publish("driver-standing", fd.version("Links", body: body))
            #expect(published.status == .created)
            var web = WebSession(fd)
            _ = try await web.logIn("driver@example.com")
            let html = try await web.get("policies/driver-standing/versions/1").body.string
            #expect(!html.contains("<script>alert"))
            #expect(html.contains("&lt;script&gt;alert"))
            #expect(!html.contains("<img src=x"))
            #expect(!html.contains("href=\"javascript"))
            #expect(html.contains("href=\"https://example.com\""))
            #expect(html.contains("id=\"clause-1\""))
        }
    }

    @Test("everyone bound is notified, acknowledges, and the owner sees who has not and reminds them")
    func notifyAcknowledgeRemind() async throws {
        try await TestFairdesk.with { fd in
            try await fd.createPolicy("agent-conduct", kind: .agentConduct)
            let published = try await fd.publish(
                "agent-conduct", fd.version("First version", kind: .agentConduct, roles: ["agent"]))
            #expect(published.status == .created)
            // Both agents are told, with a link; the driver and the lead are not bound.
            let told = try await fd.notifications(fd.agent)
            #expect(told.first?.kind == "policy.published")
            #expect(told.first?.link == "/policies/agent-conduct/versions/1")
            #expect(try await fd.notifications(fd.otherAgent).count == 1)
            #expect(try await fd.notifications(fd.driver).isEmpty)
            #expect(try await fd.notifications(fd.lead).isEmpty)
            // The driver cannot read a policy that does not bind them.
            #expect(try await fd.send(.GET, "api/v1/policies/agent-conduct", as: fd.driver).status == .forbidden)
            #expect(
                try await fd.send(.POST, "api/v1/policies/agent-conduct/versions/1/acknowledge", as: fd.driver).status
                    == .forbidden)

            let acknowledged = try await fd.send(
                .POST, "api/v1/policies/agent-conduct/versions/1/acknowledge", as: fd.agent)
            #expect(acknowledged.status == .ok)
            #expect(try fd.decode(PolicyVersionDTO.self, acknowledged).acknowledgedAt == fd.clock.now)
            var acks = try fd.decode(
                AcknowledgmentsDTO.self,
                try await fd.send(
                    .GET, "api/v1/policies/agent-conduct/versions/1/acknowledgments", as: fd.policyOwner))
            #expect(acks.bound == 2)
            #expect(acks.acknowledged == 1)
            #expect(acks.people.first?.name == "Bo Billing")
            #expect(acks.people.first?.acknowledgedAt == nil)
            #expect(
                try await fd.send(.GET, "api/v1/policies/agent-conduct/versions/1/acknowledgments", as: fd.agent)
                    .status == .forbidden)

            fd.clock.advance(by: 3 * TestFairdesk.day)
            let reminded = try await fd.send(
                .POST, "api/v1/policies/agent-conduct/versions/1/remind", as: fd.policyOwner)
            #expect(reminded.status == .ok)
            acks = try fd.decode(AcknowledgmentsDTO.self, reminded)
            #expect(acks.people.first { $0.name == "Bo Billing" }?.reminders == 1)
            #expect(acks.people.first { $0.name == "Alex Agent" }?.reminders == 0)
            #expect(try await fd.notifications(fd.otherAgent).first?.kind == "policy.reminder")
            #expect(try await fd.notifications(fd.agent).count == 1)

            let audit = try await AuditEntry.query(on: fd.app.db).all().map(\.action)
            #expect(audit.contains("policy.published"))
            #expect(audit.contains("policy.acknowledged"))
            #expect(audit.contains("policy.reminded"))
        }
    }

    @Test("an event before a change is judged by the old version, an event after it by the new one")
    func noRetroactiveRules() async throws {
        try await TestFairdesk.with { fd in
            try await fd.createPolicy("driver-standing")
            let start = fd.clock.now
            #expect(
                try await fd.publish("driver-standing", fd.version("First", effectiveIn: 14)).status == .created)
            fd.clock.advance(by: 20 * TestFairdesk.day)
            #expect(
                try await fd.publish(
                    "driver-standing",
                    fd.version("Shorter appeal window", changes: ["appeal_window_days": .number(10)], effectiveIn: 14)
                ).status == .created)
            let changeAt = fd.clock.now.addingTimeInterval(14 * TestFairdesk.day)
            fd.clock.advance(by: 30 * TestFairdesk.day)

            // Events judged now, each under the version in force when it happened.
            let before = try #require(
                try await PolicyBook.inForce(
                    key: "driver-standing", at: changeAt.addingTimeInterval(-60), on: fd.app.db))
            let after = try #require(
                try await PolicyBook.inForce(key: "driver-standing", at: changeAt.addingTimeInterval(60), on: fd.app.db)
            )
            #expect(before.citation == "driver-standing v1")
            #expect(before.parameters.integer("appeal_window_days") == 14)
            #expect(after.citation == "driver-standing v2")
            #expect(after.parameters.integer("appeal_window_days") == 10)
            // Before the first version took effect, nothing applied.
            #expect(try await PolicyBook.inForce(key: "driver-standing", at: start, on: fd.app.db) == nil)

            // The same answer over the API, and by kind for a given person.
            let iso = ISO8601DateFormatter().string(from: changeAt.addingTimeInterval(-60))
            let api = try fd.decode(
                PolicyInForceDTO.self,
                try await fd.send(.GET, "api/v1/policies/driver-standing/in-force?at=\(iso)", as: fd.driver))
            #expect(api.number == 1)
            let driver = try #require(try await User.find(fd.driver.id, on: fd.app.db))
            let byKind = try await PolicyBook.inForce(
                kind: .driverStanding, for: PolicyReader(driver), at: changeAt.addingTimeInterval(60), on: fd.app.db)
            #expect(byKind?.citation == "driver-standing v2")
        }
    }

    @Test("a version can be withdrawn before it applies, with notice to those told, but not after")
    func withdrawal() async throws {
        try await TestFairdesk.with { fd in
            try await fd.createPolicy("driver-standing")
            #expect(try await fd.publish("driver-standing", fd.version("First")).status == .created)
            let noReason = try await fd.send(
                .POST, "api/v1/policies/driver-standing/versions/1/withdraw", as: fd.policyOwner,
                json: WithdrawVersionRequest(reason: " "))
            #expect(try fd.problems(noReason) == ["reason: must not be empty"])
            fd.clock.advance(by: 3600)
            let withdrawn = try await fd.send(
                .POST, "api/v1/policies/driver-standing/versions/1/withdraw", as: fd.policyOwner,
                json: WithdrawVersionRequest(reason: "Drafted against the wrong metric"))
            #expect(withdrawn.status == .ok)
            #expect(try fd.decode(PolicyVersionDTO.self, withdrawn).state == "withdrawn")
            #expect(try await fd.notifications(fd.driver).first?.kind == "policy.withdrawn")
            fd.clock.advance(by: 30 * TestFairdesk.day)
            #expect(try await PolicyBook.inForce(key: "driver-standing", at: fd.clock.now, on: fd.app.db) == nil)

            #expect(try await fd.publish("driver-standing", fd.version("Second")).status == .created)
            fd.clock.advance(by: 15 * TestFairdesk.day)
            let late = try await fd.send(
                .POST, "api/v1/policies/driver-standing/versions/2/withdraw", as: fd.policyOwner,
                json: WithdrawVersionRequest(reason: "Too late"))
            #expect(late.status == .conflict)
            #expect(
                try await fd.send(
                    .POST, "api/v1/policies/driver-standing/versions/2/withdraw", as: fd.agent,
                    json: WithdrawVersionRequest(reason: "Not mine")
                ).status == .forbidden)
        }
    }

    @Test("two versions compare clause by clause, with the lines and parameters that changed")
    func comparison() async throws {
        try await TestFairdesk.with { fd in
            try await fd.createPolicy("driver-standing")
            let one = "## 1 Standing\nOn time at least 95%.\n\n## 2 Appeals\nWithin 14 days.\n\n## 3 Old\nGone soon."
            let two =
                "Now with an introduction.\n\n## 1 Standing tiers\nOn time at least 95%.\n\n## 2 Appeals\nWithin 10 days."
                + "\n\n## 4 New\nAdded."
            #expect(try await fd.publish("driver-standing", fd.version("One", body: one)).status == .created)
            #expect(
                try await fd.publish(
                    "driver-standing",
                    fd.version("Two", body: two, changes: ["appeal_window_days": .number(10)], effectiveIn: 15)
                ).status == .created)
            let response = try await fd.send(.GET, "api/v1/policies/driver-standing/compare?from=1&to=2", as: fd.driver)
            let comparison = try fd.decode(PolicyComparisonDTO.self, response)
            #expect(
                comparison.clauses.map { "\($0.number) \($0.change)" } == [
                    "1 changed", "2 changed", "4 added", "3 removed",
                ])
            #expect(comparison.clauses.map(\.titleChanged) == [true, false, false, false])
            #expect(comparison.clauses.first?.lines.map(\.kind) == ["same"])
            #expect(comparison.preamble?.map(\.kind) == ["added"])
            let appeals = try #require(comparison.clauses.first { $0.number == "2" })
            #expect(
                appeals.lines.map { "\($0.kind): \($0.text)" } == [
                    "removed: Within 14 days.", "added: Within 10 days.",
                ])
            #expect(comparison.parameters.map(\.name) == ["appeal_window_days"])
            #expect(comparison.parameters.first?.after == .number(10))
            let bad = try await fd.send(.GET, "api/v1/policies/driver-standing/compare?from=1&to=9", as: fd.driver)
            #expect(try fd.problems(bad) == ["to: must be a version of driver-standing: 1, 2"])
        }
    }

    @Test("only a policy owner writes policies; customers read none; keys are checked")
    func roles() async throws {
        try await TestFairdesk.with { fd in
            let byAgent = try await fd.send(
                .POST, "api/v1/policies", as: fd.agent,
                json: CreatePolicyRequest(key: "x", title: "X", kind: "other"))
            #expect(byAgent.status == .forbidden)
            #expect(try await fd.send(.GET, "api/v1/policies", as: fd.customer).status == .forbidden)
            let bad = try await fd.send(
                .POST, "api/v1/policies", as: fd.policyOwner,
                json: CreatePolicyRequest(key: "Driver Standing", title: "", kind: "rules"))
            #expect(
                try fd.problems(bad) == [
                    "key: must be lower-case letters, digits and dashes, like \"driver-standing\"",
                    "title: must not be empty",
                    "kind: must be one of: agent_conduct, survey_attribution, improvement_plans, driver_standing, "
                        + "refunds_replacements, other (got \"rules\")",
                ])
            try await fd.createPolicy("driver-standing")
            let again = try await fd.send(
                .POST, "api/v1/policies", as: fd.policyOwner,
                json: CreatePolicyRequest(key: "driver-standing", title: "Again", kind: "other"))
            #expect(again.status == .conflict)
        }
    }
}
