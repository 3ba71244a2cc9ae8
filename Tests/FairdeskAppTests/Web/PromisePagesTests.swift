import FairdeskCore
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Promise pages")
struct PromisePagesTests {
    @Test("an agent makes a promise from the case page; the customer sees it on theirs; leads see the report")
    func makeSeeReport() async throws {
        try await TestFairdesk.with { fd in
            let caseID = try await fd.caseForPromises()
            var agent = WebSession(fd)
            _ = try await agent.logIn("agent@example.com")
            let page = try await agent.get("cases/\(caseID)")
            #expect(page.body.string.contains("Make the promise"))
            let token = WebSession.csrf(page)
            let refused = try await agent.post(
                "cases/\(caseID)/promises/new",
                ["kind": "refund", "amount": "lots", "currency": "GBP", "description": "", "dueAt": "", "_csrf": token])
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            #expect(html.contains("Must be an amount like 24.99."))
            #expect(html.contains("Must be a date and time, like 2026-12-14T09:00 (UTC)."))
            let due = PolicyPages.localInput(fd.clock.now.addingTimeInterval(3 * 86_400))
            let made = try await agent.post(
                "cases/\(caseID)/promises/new",
                [
                    "kind": "refund", "amount": "24.99", "currency": "GBP", "description": "Refund to your card.",
                    "dueAt": due, "_csrf": token,
                ])
            #expect(made.status == .seeOther)
            let after = try await agent.get("cases/\(caseID)").body.string
            #expect(
                after.contains("<strong>Refund of 24.99 GBP</strong> <span class=\"status promise-open\">open</span>"))

            var customer = WebSession(fd)
            _ = try await customer.logIn("casey@example.com")
            let mine = try await customer.get("my/cases/\(caseID)").body.string
            #expect(mine.contains("What we promised you"))
            #expect(mine.contains("Refund of 24.99 GBP"))
            #expect(mine.contains("We promise: Refund of 24.99 GBP"))

            var lead = WebSession(fd)
            _ = try await lead.logIn("lead@example.com")
            let report = try await lead.get("reports/promises")
            #expect(report.status == .ok)
            #expect(report.body.string.contains(#"<dd id="made">1</dd>"#))
            #expect(report.body.string.contains("<svg"))
            #expect(try await agent.get("reports/promises").status == .forbidden)
        }
    }
}
