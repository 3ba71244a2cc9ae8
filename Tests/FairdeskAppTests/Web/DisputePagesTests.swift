import FairdeskCore
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Delivery dispute pages")
struct DisputePagesTests {
    @Test("an agent opens a claim; a lead weighs the evidence and records the finding; the driver sees why")
    func pages() async throws {
        try await TestFairdesk.with { fd in
            // setup
            try await fd.disputeRecords([fd.disputedPackage("X1", north: 1200)])
            var agent = WebSession(fd)
            _ = try await agent.logIn("agent@example.com")

            // MUT: the agent's form, refused without the account, then accepted
            let form = try await agent.get("drivers/disputes/new")
            #expect(form.status == .ok)
            #expect(
                form.body.string.contains(#"<a href="/drivers/disputes/new" aria-current="page">Delivery claim</a>"#))
            #expect(form.body.string.contains("Dee Driver (driver@example.com)"))
            let refused = try await agent.post(
                "drivers/disputes/new",
                ["driver": fd.driver.id.uuidString, "packageId": "X1", "account": "", "_csrf": WebSession.csrf(form)])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains(#"id="claim-account-error">Must not be empty."#))
            #expect(refused.body.string.contains(#"value="X1""#))
            let unknown = try await agent.post(
                "drivers/disputes/new",
                [
                    "driver": fd.driver.id.uuidString, "packageId": "NOPE", "account": "Not here",
                    "_csrf": WebSession.csrf(form),
                ])
            #expect(unknown.body.string.contains("Must be a package this driver carried."))
            let sent = try await agent.post(
                "drivers/disputes/new",
                [
                    "driver": fd.driver.id.uuidString, "packageId": "X1", "account": "Nothing on the step.",
                    "_csrf": WebSession.csrf(form),
                ])
            #expect(sent.status == .seeOther)
            #expect(try await fd.count("delivery_disputes") == 1)
            #expect(try await agent.get("drivers/disputes").status == .forbidden)

            // The driver sees the open claim and gives their side from My standing.
            var driver = WebSession(fd)
            _ = try await driver.logIn("driver@example.com")
            let open = try await driver.get("my/standing")
            #expect(open.body.string.contains("Open: nothing counts until a lead or reviewer records a finding"))
            let claimID = try fd.decode(
                [DeliveryDisputeDTO].self,
                try await fd.send(.GET, "api/v1/drivers/\(fd.driver.id)/disputes", as: fd.driver))[0].id
            #expect(open.body.string.contains(#"action="/my/standing/disputes/\#(claimID)/answer""#))
            let emptySide = try await driver.post(
                "my/standing/disputes/\(claimID)/answer", ["account": " ", "_csrf": WebSession.csrf(open)])
            #expect(emptySide.status == .unprocessableEntity)
            #expect(emptySide.body.string.contains(#"id="answer-error-\#(claimID)">Must not be empty."#))
            let gave = try await driver.post(
                "my/standing/disputes/\(claimID)/answer",
                ["account": "Left in the parcel box, photo in the app.", "_csrf": WebSession.csrf(open)])
            #expect(gave.status == .seeOther)
            #expect(!(try await driver.get("my/standing")).body.string.contains("answer-form-"))

            // The lead finds it, sees the evidence and records the finding.
            var lead = WebSession(fd)
            _ = try await lead.logIn("lead@example.com")
            let list = try await lead.get("drivers/disputes")
            #expect(list.status == .ok)
            let listHTML = list.body.string
            #expect(listHTML.contains(#"<a href="/drivers/disputes" aria-current="page">Delivery disputes</a>"#))
            #expect(listHTML.contains("<code>X1</code>") && listHTML.contains("against the driver"))
            let id = try fd.decode(
                DeliveryDisputeListDTO.self, try await fd.send(.GET, "api/v1/drivers/disputes", as: fd.lead)
            ).open[0].id
            let page = try await lead.get("drivers/disputes/\(id)")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("Scan against the 50 m geofence, within 10 min of delivery"))
            #expect(html.contains("1.2 km north of the address (±5 m), outside the 50 m geofence"))
            #expect(html.contains("in the window, 10 min after it opened"))
            #expect(html.contains("None taken"))
            #expect(html.contains("Nothing on the step."))
            #expect(html.contains("Left in the parcel box, photo in the app."))
            #expect(html.contains(#"<option value="against_driver" selected>Against the driver (proposed)</option>"#))
            let token = WebSession.csrf(page)
            let noReason = try await lead.post(
                "drivers/disputes/\(id)", ["finding": "against_driver", "reason": "", "_csrf": token])
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.body.string.contains(#"id="finding-reason-error">Must not be empty."#))
            let done = try await lead.post(
                "drivers/disputes/\(id)",
                ["finding": "against_driver", "reason": "Scanned 1.2 km away, no photo.", "_csrf": token])
            #expect(done.status == .seeOther)
            let after = try await lead.get("drivers/disputes/\(id)")
            #expect(after.body.string.contains("Finding: against the driver"))
            #expect(!after.body.string.contains("finding-form"))

            // The driver sees what counts against them and why.
            let mine = try await driver.get("my/standing")
            let standing = mine.body.string
            #expect(standing.contains("Disputed deliveries"))
            #expect(standing.contains("it counts as not completed in your completion rate"))
            #expect(standing.contains("Recorded by Lee Lead (lead)"))
            #expect(standing.contains("Scanned 1.2 km away, no photo."))
            #expect(
                standing.contains("The customer&#39;s account: Nothing on the step.")
                    || standing.contains("The customer's account: Nothing on the step."))
            #expect(!standing.contains("/drivers/disputes/\(id)"))
            #expect(try await driver.get("drivers/disputes/\(id)").status == .forbidden)
        }
    }
}
