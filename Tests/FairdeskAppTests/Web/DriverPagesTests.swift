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
        }
    }
}
