import FairdeskCore
import Fluent
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Inbound messages find their customer and case")
struct InboundTests {
    @Test("a new address makes a new customer and case; the same address, spelt differently, joins them")
    func identityResolution() async throws {
        try await TestFairdesk.with { fd in
            let first = try await fd.inbound(from: "New.Person@Example.org", body: "Hi", name: "Nia Person")
            #expect(first.customerCreated && first.caseCreated)
            let again = try await fd.inbound(from: "new.person@example.ORG", body: "Hello again")
            #expect(again.customerId == first.customerId)
            #expect(again.caseId == first.caseId)
            #expect(!again.customerCreated && !again.caseCreated)
            let customer = try fd.decode(
                CustomerDTO.self, try await fd.send(.GET, "api/v1/customers/\(first.customerId)", as: fd.lead))
            #expect(customer.displayName == "Nia Person")
            #expect(customer.identities.map(\.value) == ["new.person@example.org"])
        }
    }

    @Test("a phone number in any common spelling finds the same customer")
    func phoneResolution() async throws {
        try await TestFairdesk.with { fd in
            let first = try await fd.inbound(
                channel: "phone", kind: "phone", from: "+44 20 7946 0958", body: "Call log")
            let second = try await fd.inbound(
                channel: "social", kind: "phone", from: "0044 (20) 7946-0958", body: "WhatsApp")
            #expect(first.customerId == second.customerId)
        }
    }

    @Test("a reply to a resolved case within the window reopens it, with the reason on the audit log")
    func reopenWithinWindow() async throws {
        try await TestFairdesk.with { fd in
            let made = try await fd.inbound(from: "casey@example.com", body: "Broken lid")
            try await fd.send(.POST, "api/v1/cases/\(made.caseId)/status", as: fd.agent, json: ["status": "resolved"])
            fd.clock.advance(by: 2 * 86_400)
            let reply = try await fd.inbound(from: "casey@example.com", body: "It broke again")
            #expect(reply.caseId == made.caseId)
            #expect(reply.caseReopened)
            let shown = try fd.decode(
                CaseDTO.self, try await fd.send(.GET, "api/v1/cases/\(made.caseId)", as: fd.agent))
            #expect(shown.status == "open")
            let reopen = try await AuditEntry.query(on: fd.app.db).filter(\.$action == "case.reopened").first()
            #expect(reopen?.actorID == nil)
            #expect(reopen?.reason == "the customer wrote again after the case was resolved")
        }
    }

    @Test("after the reopen window, or once closed, a message starts a new case for the same customer")
    func newCaseAfterWindow() async throws {
        try await TestFairdesk.with(.set(\.reopenWindowDays, 3)) { fd in
            let made = try await fd.inbound(from: "casey@example.com", body: "First problem")
            try await fd.send(.POST, "api/v1/cases/\(made.caseId)/status", as: fd.agent, json: ["status": "resolved"])
            fd.clock.advance(by: 4 * 86_400)
            let later = try await fd.inbound(from: "casey@example.com", body: "Different problem")
            #expect(later.caseCreated)
            #expect(later.caseId != made.caseId)
            #expect(later.customerId == made.customerId)
        }
    }

    @Test("a message with an external id already received is ignored")
    func duplicateIgnored() async throws {
        try await TestFairdesk.with { fd in
            let first = try await fd.inbound(
                channel: "social", kind: "social", from: "instagram:@casey", body: "hi", externalId: "ig-1")
            let again = try await fd.inbound(
                channel: "social", kind: "social", from: "instagram:@casey", body: "hi", externalId: "ig-1")
            #expect(again.duplicate)
            #expect(again.entryId == first.entryId)
            #expect(try await fd.count("timeline_entries") == 1)
        }
    }
}
