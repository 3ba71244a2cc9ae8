import FairdeskCore
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Service-level pages")
struct ServiceLevelPagesTests {
    @Test("the case page shows each SLA target with its due time, time left, state and rule")
    func casePageShowsClocks() async throws {
        try await TestFairdesk.with { fd in
            var web = WebSession(fd)
            _ = try await web.logIn("agent@example.com")
            let made = try await fd.inbound(from: "casey@example.com", body: "Help")
            fd.clock.advance(by: 50 * 60)
            let html = try await web.get("cases/\(made.caseId)").body.string
            #expect(html.contains("First response"))
            #expect(html.contains("10 min left"))
            #expect(html.contains(#"<tr class="sla-at_risk">"#))
            #expect(html.contains("premium · email · v1 · 24/7"))
            #expect(html.contains("Resolution"))
        }
    }

    @Test("an agent sets their availability from the inbox; leads see it on Queues now, agents cannot")
    func availabilityAndQueuesNow() async throws {
        try await TestFairdesk.with { fd in
            var agent = WebSession(fd)
            _ = try await agent.logIn("agent@example.com")
            let inbox = try await agent.get("inbox")
            let set = try await agent.post(
                "inbox/availability", ["availability": "available", "_csrf": WebSession.csrf(inbox)])
            #expect(set.status == .seeOther)
            #expect(try await AgentProfile.find(fd.agent.id, on: fd.app.db)?.availability == .available)
            #expect(try await agent.get("queues/now").status == .forbidden)

            _ = try await fd.inbound(from: "someone@example.com", body: "Hi")
            var lead = WebSession(fd)
            _ = try await lead.logIn("lead@example.com")
            let page = try await lead.get("queues/now")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("<td data-label=\"Tier\">standard</td><td data-label=\"Cases waiting\">1</td>"))
            #expect(html.contains(#"<span class="availability-available">available</span>"#))
        }
    }

    @Test("an admin's bad target comes back with the message beside the field; a good one gets a new version")
    func targetForm() async throws {
        try await TestFairdesk.with { fd in
            var web = WebSession(fd)
            _ = try await web.logIn("admin@example.com")
            let page = try await web.get("admin/service-levels")
            #expect(page.status == .ok)
            let token = WebSession.csrf(page)
            let refused = try await web.post(
                "admin/service-levels/target",
                [
                    "tier": "premium", "channel": "chat", "calendar": "24/7", "firstResponseMinutes": "soon",
                    "reason": "", "_csrf": token,
                ])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Must be a whole number of minutes, or empty for no target."))
            let saved = try await web.post(
                "admin/service-levels/target",
                [
                    "tier": "premium", "channel": "chat", "calendar": "24/7", "firstResponseMinutes": "1",
                    "nextResponseMinutes": "3", "resolutionMinutes": "90", "reason": "chat is the premium promise",
                    "_csrf": token,
                ])
            #expect(saved.status == .seeOther)
            let after = try await web.get("admin/service-levels").body.string
            #expect(after.contains("<td data-label=\"First response\">1 min</td>"))
            #expect(after.contains("v2"))
            var lead = WebSession(fd)
            _ = try await lead.logIn("lead@example.com")
            #expect(try await lead.get("admin/service-levels").body.string.contains("Change a target") == false)
            #expect(try await lead.get("admin/jobs").status == .forbidden)
        }
    }

    @Test("a lead sets a queue's required skills and an agent's skills and capacity on the queues page")
    func skillsAndCapacityForms() async throws {
        try await TestFairdesk.with { fd in
            var web = WebSession(fd)
            _ = try await web.logIn("lead@example.com")
            let page = try await web.get("admin/queues")
            let token = WebSession.csrf(page)
            let skills = try await web.post(
                "admin/queues/\(fd.general)/skills", ["requiredSkills": "German, refunds", "_csrf": token])
            #expect(skills.status == .seeOther)
            let refused = try await web.post(
                "admin/agents/\(fd.agent.id)/profile", ["skills": "german", "capacity": "email=lots", "_csrf": token])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains(#"id="agent-capacity-error">Must list channel=number pairs"#))
            #expect(refused.body.string.contains(#"value="email=lots""#))
            let saved = try await web.post(
                "admin/agents/\(fd.agent.id)/profile",
                ["skills": "german, refunds", "capacity": "email=4, chat=2", "_csrf": token])
            #expect(saved.status == .seeOther)
            let after = try await web.get("admin/queues").body.string
            #expect(after.contains(#"name="requiredSkills" value="german, refunds""#))
            #expect(after.contains(#"name="capacity" value="email=4, chat=2""#))
            let profile = try await AgentProfile.find(fd.agent.id, on: fd.app.db)
            #expect(profile?.capacity == [.email: 4, .chat: 2])
        }
    }

    @Test("an admin changes the escalation steps from the page; a bad step list is named beside its field")
    func settingsForm() async throws {
        try await TestFairdesk.with { fd in
            var web = WebSession(fd)
            _ = try await web.logIn("admin@example.com")
            let page = try await web.get("admin/service-levels")
            #expect(
                page.body.string.contains(#"name="escalation" value="notify_owner@75, notify_lead@90, reassign@95""#))
            let token = WebSession.csrf(page)
            let refused = try await web.post(
                "admin/service-levels/settings",
                [
                    "riskPercent": "25", "escalation": "shout@50", "starvationMinutes": "60",
                    "frustrationBonusMinutes": "15", "reason": "try", "_csrf": token,
                ])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains(#"value="shout@50""#))
            #expect(
                refused.body.string.contains(
                    #"id="s-escalation" name="escalation" value="shout@50" aria-invalid="true""#))
            let saved = try await web.post(
                "admin/service-levels/settings",
                [
                    "riskPercent": "20", "escalation": "notify_owner@60, reassign@90", "starvationMinutes": "45",
                    "frustrationBonusMinutes": "10", "reason": "earlier warnings", "_csrf": token,
                ])
            #expect(saved.status == .seeOther)
            let catalog = try await fd.app.serviceCatalog(on: fd.app.db)
            #expect(catalog.settings.ladder.text == "notify_owner@60, reassign@90")
            #expect(catalog.settings.version == 2)
            #expect(catalog.settings.routing.starvationSeconds == 45 * 60)
        }
    }

    @Test("an admin sees a dead job with its last error on the jobs page and retries it")
    func deadJobsPage() async throws {
        try await TestFairdesk.with { fd in
            // setup: a job that fails its only attempt
            struct Down: Error, CustomStringConvertible { var description: String { "mail server refused" } }
            fd.app.fairdesk.jobs.register("test.mail") { _ in throw Down() }
            let now = fd.clock.now
            try await fd.app.write { db in
                try await JobQueue.enqueue(on: db, kind: "test.mail", dueAt: now, now: now, maxAttempts: 1)
            }
            try await JobWorker(app: fd.app).drain()
            var web = WebSession(fd)
            _ = try await web.logIn("admin@example.com")
            // MUT
            let page = try await web.get("admin/jobs")
            let html = page.body.string
            #expect(html.contains(#"<td data-label="Kind">test.mail</td>"#))
            #expect(html.contains("mail server refused"))
            guard let range = html.range(of: #"action="/admin/jobs/"#) else {
                Issue.record("no retry button")
                return
            }
            let action = "admin/jobs/" + html[range.upperBound...].prefix { $0 != "\"" }
            let retried = try await web.post(action, ["_csrf": WebSession.csrf(page)])
            // validate
            #expect(retried.status == .seeOther)
            #expect(try await web.get("admin/jobs").body.string.contains("No dead jobs."))
        }
    }
}
