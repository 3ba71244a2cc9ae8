import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Driver pages")
struct DriverPagesTests {
    @Test("a driver sees every number, the deliveries behind it, what was excused and the exact rule")
    func myStanding() async throws {
        try await TestFairdesk.with { fd in
            // setup
            try await fd.postRecords(fd.workedBlock("B1", daysAgo: 2, count: 21, late: [7]))
            try await fd.send(
                .POST, "api/v1/drivers/\(fd.driver.id)/excuses", as: fd.lead,
                json: DriverExcuseRequest(recordId: "B1-P3", code: "weather", reason: "Flooded street"))
            var driver = WebSession(fd)
            _ = try await driver.logIn("driver@example.com")

            // MUT
            let page = try await driver.get("my/standing")

            // validate
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains(#"href="/my/standing""#))
            #expect(html.contains("Tier: <span class=\"status tier-great\">Great</span>"))
            #expect(html.contains("<h3>on-time rate: 95% (19 of 20, 1 excused)</h3>"))
            #expect(html.contains("<code>B1-P7</code>"))
            #expect(html.contains("<strong>against you</strong>"))
            #expect(html.contains("<strong>weather</strong>, Flooded street (applied by Lee Lead (lead))"))
            #expect(html.contains("Fantastic: on-time ≥ 98%"))
            #expect(html.contains("built-in default"))
            #expect(html.contains("No warnings."))
            // What is recorded and who decides, with the policy's numbers, under the rule.
            #expect(html.contains(#"<h2 id="data-notice-heading">What Fairdesk records, and who decides</h2>"#))
            #expect(html.contains("over the last 28 days set your tier"))
            #expect(html.contains("Never a reason for any action: declining offers, hours worked"))
            #expect(try await driver.get("drivers").status == .forbidden)
            #expect(try await driver.get("drivers/\(fd.driver.id)").status == .forbidden)
        }
    }

    @Test("leads find drivers and see the same page the driver sees, warnings included")
    func leadsSeeDrivers() async throws {
        try await TestFairdesk.with { fd in
            try await fd.postRecords(fd.workedBlock("B1", daysAgo: 2, count: 20, late: [1, 2, 3, 4]))
            var lead = WebSession(fd)
            _ = try await lead.logIn("lead@example.com")
            let list = try await lead.get("drivers")
            #expect(list.status == .ok)
            #expect(list.body.string.contains(#"<a href="/drivers/\#(fd.driver.id)">Dee Driver</a>"#))
            let page = try await lead.get("drivers/\(fd.driver.id)")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("Standing of Dee Driver"))
            #expect(html.contains("At risk"))
            #expect(html.contains("period to improve open"))
            #expect(html.contains("To restore good standing: an on-time rate of at least 90% over the last 28 days."))
            #expect(try await lead.get("drivers/\(fd.agent.id)").status == .notFound)
            var agent = WebSession(fd)
            _ = try await agent.logIn("agent@example.com")
            #expect(try await agent.get("my/standing").status == .forbidden)
        }
    }

    @Test("the demo driver has a month of records and a standing to show")
    func demo() async throws {
        try await TestFairdesk.with { fd in
            for table in ["queue_members", "api_tokens", "users", "queues", "identities"] {
                try await (fd.app.db as! any SQLDatabase).raw("DELETE FROM \(unsafeRaw: table)").run()
            }
            try await DemoSeeder.seedCompany(app: fd.app, password: "demo-password-1")
            let driver = try #require(
                try await User.query(on: fd.app.db).filter(\.$email == "driver@fairdesk.example").first())
            let standing = try await fd.app.driverStandings.standing(of: driver)
            #expect(standing.policy == "driver-standing v1")
            #expect(standing.tier == "fantastic")
            #expect(standing.metric("on_time")?.excluded.count == 5)
            #expect(standing.metric("missed_blocks")?.against == ["DEMO-B7"])
            #expect(standing.metric("scan_compliance")?.against == ["DEMO-P5-4"])

            // The demo driver's own page shows them, with the depot's weather excuse.
            var session = WebSession(fd)
            let login = try await session.get("login")
            _ = try await session.post(
                "login",
                ["email": "driver@fairdesk.example", "password": "demo-password-1", "_csrf": WebSession.csrf(login)])
            let page = try await session.get("my/standing")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Tier: <span class=\"status tier-fantastic\">Fantastic</span>"))
            #expect(page.body.string.contains("(applied by depot data: Met Office warnings feed)"))
        }
    }
}

@Suite("Driver decision screen")
struct DriverDecisionPagesTests {
    @Test("the screen offers only permitted grounds, refuses a decision without reasons, and the driver sees it")
    func decideOnScreen() async throws {
        try await TestFairdesk.with { fd in
            // setup: a warned driver whose period has ended
            try await DemoPolicies.seed(on: fd.app.db, now: fd.clock.now)
            try await fd.postRecords(fd.workedBlock("B1", daysAgo: 3, count: 20, late: [1, 2, 3, 4, 5]))
            fd.clock.advance(by: 8 * 86_400)
            var lead = WebSession(fd)
            _ = try await lead.logIn("lead@example.com")
            let standing = try await lead.get("drivers/\(fd.driver.id)")
            #expect(standing.body.string.contains(#"href="/drivers/\#(fd.driver.id)/decide""#))

            // MUT + validate
            let form = try await lead.get("drivers/\(fd.driver.id)/decide")
            #expect(form.status == .ok)
            let html = form.body.string
            #expect(html.contains(#"value="on_time_rate""#))
            #expect(html.contains("safety (urgent)"))
            #expect(!html.contains("declining_offers") && !html.contains("hours_worked"))
            let token = WebSession.csrf(form)
            let refused = try await lead.post(
                "drivers/\(fd.driver.id)/decide",
                ["action": "restriction", "days": "ten", "clause": "", "evidence": "", "text": "", "_csrf": token])
            #expect(refused.status == .unprocessableEntity)
            let again = refused.body.string
            #expect(again.contains("The decision was not recorded"))
            #expect(again.contains(#"<p class="error" id="decide-clause-error">Must cite a clause"#))
            #expect(again.contains(#"id="decide-evidence-error">Must list at least one record relied on."#))
            #expect(again.contains(#"id="decide-text-error">Must not be empty."#))
            #expect(again.contains(#"id="decide-grounds-error">Must name at least one ground"#))
            #expect(again.contains(#"id="decide-days-error">Must be a whole number of days."#))
            #expect(again.contains(#"name="days" inputmode="numeric" value="ten""#))
            #expect(try await fd.count("driver_decisions") == 0)
            // A restriction must say how long it lasts, within the policy's longest.
            let endless = try await lead.post(
                "drivers/\(fd.driver.id)/decide",
                [
                    "action": "restriction", "clause": "2", "grounds[]": "on_time_rate", "evidence": "B1-P1",
                    "text": "Late deliveries continued after the warning.", "_csrf": token,
                ])
            #expect(endless.status == .unprocessableEntity)
            #expect(
                endless.body.string.contains(
                    #"id="decide-days-error">Must say how many days the restriction lasts, from 1 to 30."#))
            let made = try await lead.post(
                "drivers/\(fd.driver.id)/decide",
                [
                    "action": "restriction", "days": "10", "clause": "2", "grounds[]": "on_time_rate",
                    "evidence": "B1-P1, B1-P2", "text": "Late deliveries continued after the warning.", "_csrf": token,
                ])
            #expect(made.status == .seeOther)

            var driver = WebSession(fd)
            _ = try await driver.logIn("driver@example.com")
            let mine = try await driver.get("my/standing").body.string
            #expect(mine.contains("restriction, decided by Lee Lead (lead)"))
            #expect(mine.contains("Late deliveries continued after the warning."))
            #expect(mine.contains("<dt>Appeal until</dt>"))
            // An ordinary restriction applies after the policy's 14 days' notice, and the page says when.
            let effective = fd.clock.now.addingTimeInterval(14 * 86_400)
            #expect(mine.contains("<dt>Takes effect</dt>"))
            #expect(mine.contains(PageTime.text(effective) + "</time>, after the notice the policy gives"))
            #expect(mine.contains(PageTime.text(effective.addingTimeInterval(10 * 86_400)) + "</time>, after 10 days"))
            // Beside the decision, where it stands: not yet, in effect during its ten days, then ended.
            #expect(mine.contains(#"decided by Lee Lead (lead) <span class="status" id="in-effect-"#))
            #expect(mine.contains(">not in effect yet</span>"))
            #expect(mine.contains("B1-P1, B1-P2"))
            #expect(!mine.contains("Decide an action"))
            #expect(try await driver.get("drivers/\(fd.driver.id)/decide").status == .forbidden)
            // (a fresh session each time: the clock moves past a session's life)
            func standingPage() async throws -> String {
                var fresh = WebSession(fd)
                _ = try await fresh.logIn("driver@example.com")
                return try await fresh.get("my/standing").body.string
            }
            fd.clock.advance(by: 15 * 86_400)
            #expect(try await standingPage().contains(">in effect</span>"))
            fd.clock.advance(by: 10 * 86_400)
            #expect(try await standingPage().contains(">ended</span>"))
        }
    }

    @Test(
        "an interim suspension is in effect until its lapse date, then ended; a lifted decision is no longer in effect")
    func interimStanding() {
        let decided = Date(timeIntervalSince1970: 1_800_000_000)
        let interim = DriverDecisionDTO(
            id: UUID(), action: "suspension", immediate: true, decider: "Lee Lead (lead)", clause: "3",
            grounds: ["safety"], groundsWords: ["safety"], evidence: ["B1-P1"], text: "Drove on the pavement",
            decidedAt: decided, effectiveAt: decided, interimUntil: decided.addingTimeInterval(9 * 86_400),
            appealUntil: decided.addingTimeInterval(14 * 86_400), policy: "driver-standing v1")
        #expect(interim.appliesLater == nil)
        #expect(DriverPages.inEffect(interim, at: decided.addingTimeInterval(86_400)) == "in effect")
        #expect(DriverPages.inEffect(interim, at: decided.addingTimeInterval(9 * 86_400)) == "ended")
        var lifted = interim
        lifted.liftedAt = decided.addingTimeInterval(2 * 86_400)
        #expect(DriverPages.inEffect(lifted, at: decided.addingTimeInterval(3 * 86_400)) == "no longer in effect")
    }

    @Test("staff excuse a record and report a violation from the driver's page; a refusal names the field")
    func staffForms() async throws {
        try await TestFairdesk.with { fd in
            // setup
            try await DemoPolicies.seed(on: fd.app.db, now: fd.clock.now)
            try await fd.postRecords(fd.workedBlock("B1", daysAgo: 2, count: 21, late: [7]))
            var lead = WebSession(fd)
            _ = try await lead.logIn("lead@example.com")
            let standing = try await lead.get("drivers/\(fd.driver.id)")
            #expect(standing.body.string.contains(#"href="/drivers/\#(fd.driver.id)/excuse""#))
            #expect(standing.body.string.contains(#"href="/drivers/\#(fd.driver.id)/violation""#))

            // MUT: an excuse without a reason is refused and nothing is kept; then one with it.
            let form = try await lead.get("drivers/\(fd.driver.id)/excuse")
            #expect(form.status == .ok)
            #expect(form.body.string.contains(#"<option value="B1-P7" "#))
            let refused = try await lead.post(
                "drivers/\(fd.driver.id)/excuse",
                ["_csrf": WebSession.csrf(form), "recordId": "B1-P7", "code": "depot_delay", "reason": ""])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains(#"id="excuse-reason-error""#))
            #expect(try await fd.count("driver_excuses") == 0)
            let excused = try await lead.post(
                "drivers/\(fd.driver.id)/excuse",
                [
                    "_csrf": WebSession.csrf(form), "recordId": "B1-P7", "code": "depot_delay",
                    "reason": "The van left the depot an hour late",
                ])
            #expect(excused.status == .seeOther)
            let seen = try await fd.standing()
            #expect(seen.metric("on_time")?.against == [])
            #expect(seen.metric("on_time")?.excluded.first?.reason == "The van left the depot an hour late")

            // A violation report names its clause; without one it is refused, naming the field.
            let report = try await lead.get("drivers/\(fd.driver.id)/violation")
            #expect(report.status == .ok)
            let missing = try await lead.post(
                "drivers/\(fd.driver.id)/violation",
                ["_csrf": WebSession.csrf(report), "clause": "", "account": "Left parcels in the rain"])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.body.string.contains(#"id="violation-clause-error""#))
            let issued = try await lead.post(
                "drivers/\(fd.driver.id)/violation",
                [
                    "_csrf": WebSession.csrf(report), "clause": "1", "account": "Left parcels in the rain",
                    "evidence": "B1-P3",
                ])
            #expect(issued.status == .seeOther)
            #expect(try await fd.count("driver_warnings") == 1)

            // validate: the driver may use neither form; an agent neither.
            var driver = WebSession(fd)
            _ = try await driver.logIn("driver@example.com")
            #expect(try await driver.get("drivers/\(fd.driver.id)/excuse").status == .forbidden)
            #expect(try await driver.get("drivers/\(fd.driver.id)/violation").status == .forbidden)
            #expect(!(try await driver.get("my/standing")).body.string.contains("Excuse a record"))
        }
    }
}
