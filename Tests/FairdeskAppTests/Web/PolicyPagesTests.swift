import FairdeskCore
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Policy pages")
struct PolicyPagesTests {
    @Test("a policy owner creates a policy and publishes it from the web; refusals stand beside their fields")
    func ownerPublishes() async throws {
        try await TestFairdesk.with { fd in
            var owner = WebSession(fd)
            _ = try await owner.logIn("policy@example.com")
            let list = try await owner.get("policies")
            #expect(list.status == .ok)
            let created = try await owner.post(
                "policies",
                [
                    "title": "Driver standing", "key": "driver-standing", "kind": "driver_standing",
                    "_csrf": WebSession.csrf(list),
                ])
            #expect(created.status == .seeOther)
            #expect(created.headers.first(name: .location) == "/policies/driver-standing/publish")
            let form = try await owner.get("policies/driver-standing/publish")
            #expect(form.status == .ok)
            // The form starts from the kind's parameters and a clause template.
            #expect(form.body.string.contains("appeal_window_days = 14"))
            #expect(form.body.string.contains("## 1 Purpose"))
            let token = WebSession.csrf(form)
            var fields = [
                "summary": "First written version", "body": "## 1 Standing\nOn time at least 95%.",
                "parameters": "appeal_window_days = 3\nmetric_window_days = 28", "roles": "driver", "teams": "",
                "jurisdictions": "", "effectiveAt": "2026-09-25T09:00", "_csrf": token,
            ]
            let refused = try await owner.post("policies/driver-standing/publish", fields)
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            #expect(html.contains("appeal_window_days: Must be a whole number from 7 to 90"))
            #expect(html.contains("fantastic_on_time_min: Is required"))
            #expect(
                html.contains("Must give at least 14 days&#39; notice")
                    || html.contains("Must give at least 14 days' notice"))
            // What was typed is kept.
            #expect(html.contains("First written version"))
            fields["parameters"] = ParameterText.format(ParameterSchema.forKind(.driverStanding).suggested)
            fields["effectiveAt"] = "2026-10-06T09:00"
            let published = try await owner.post("policies/driver-standing/publish", fields)
            #expect(published.status == .seeOther)
            #expect(published.headers.first(name: .location) == "/policies/driver-standing/versions/1")
            let page = try await owner.get("policies/driver-standing/versions/1").body.string
            #expect(page.contains("0 of 1 have acknowledged"))
            #expect(page.contains("Withdraw version 1"))
        }
    }

    @Test("a driver sees what waits for them, reads it, acknowledges it, and compares versions")
    func driverReadsAndAcknowledges() async throws {
        try await TestFairdesk.with { fd in
            try await fd.createPolicy("driver-standing")
            #expect(try await fd.publish("driver-standing", fd.version("First")).status == .created)
            #expect(
                try await fd.publish(
                    "driver-standing",
                    fd.version(
                        "Appeals within 10 days",
                        body: "## 1 Standing\nOn time at least 95%.\n\n## 2 Appeals\nWithin 10 days.",
                        changes: ["appeal_window_days": .number(10)], effectiveIn: 20)
                ).status == .created)
            var driver = WebSession(fd)
            let login = try await driver.logIn("driver@example.com")
            #expect(login.headers.first(name: .location) == "/policies")
            let list = try await driver.get("policies").body.string
            #expect(list.contains("Waiting for you to read"))
            #expect(list.contains("Policy driver-standing, version 1"))
            let version = try await driver.get("policies/driver-standing/versions/1")
            #expect(version.body.string.contains("I have read version 1"))
            #expect(!version.body.string.contains("have acknowledged"))  // owners only
            let done = try await driver.post(
                "policies/driver-standing/versions/1/acknowledge", ["_csrf": WebSession.csrf(version)])
            #expect(done.status == .seeOther)
            let after = try await driver.get("policies/driver-standing/versions/1").body.string
            #expect(after.contains("You acknowledged this version on"))
            #expect(!after.contains("I have read version 1"))
            let compare = try await driver.get("policies/driver-standing/compare?from=1&to=2").body.string
            #expect(compare.contains(#"<span class="diff-removed">- Within 14 days.</span>"#))
            #expect(compare.contains(#"<span class="diff-added">+ Within 10 days.</span>"#))
            #expect(
                compare.contains(
                    "<code>appeal_window_days</code></td><td data-label=\"Before\">14</td><td data-label=\"After\">10</td>"
                ))
            // An agent is not bound by the drivers' policy.
            var agent = WebSession(fd)
            _ = try await agent.logIn("agent@example.com")
            #expect(try await agent.get("policies/driver-standing").status == .forbidden)
            #expect(try await agent.get("policies").body.string.contains("No policy binds you yet."))
        }
    }

    @Test("an admin sets a notice period and a person's jurisdiction from the web")
    func adminSettings() async throws {
        try await TestFairdesk.with { fd in
            var admin = WebSession(fd)
            _ = try await admin.logIn("admin@example.com")
            let list = try await admin.get("policies")
            let refused = try await admin.post(
                "policies/notice-periods",
                ["role": "driver", "jurisdiction": "*", "days": "1", "reason": "", "_csrf": WebSession.csrf(list)])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Must be at least 2 days: drivers are owed 48 hours&#39; notice."))
            let saved = try await admin.post(
                "policies/notice-periods",
                [
                    "role": "driver", "jurisdiction": "fr", "days": "30", "reason": "French law",
                    "_csrf": WebSession.csrf(list),
                ])
            #expect(saved.status == .seeOther)
            #expect(
                try await admin.get("policies").body.string.contains(
                    #"<td data-label="Jurisdiction">FR</td><td data-label="Days">30</td>"#))
            let users = try await admin.get("admin/users")
            let placed = try await admin.post(
                "admin/users/\(fd.driver.id)/placement",
                [
                    "team": "North depot", "jurisdiction": "fr", "reason": "Moved to Lille",
                    "_csrf": WebSession.csrf(users),
                ])
            #expect(placed.status == .seeOther)
            let driver = try #require(try await User.find(fd.driver.id, on: fd.app.db))
            #expect(driver.jurisdiction == "FR")
            #expect(driver.team == "North depot")
        }
    }
}
