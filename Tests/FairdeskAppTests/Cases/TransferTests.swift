import FairdeskCore
import Fluent
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Transfers carry a handoff note")
struct TransferTests {
    @Test("a transfer without a handoff note is refused with 422 and changes nothing")
    func refusedWithoutNote() async throws {
        try await TestFairdesk.with { fd in
            let made = try await fd.inbound(from: "casey@example.com", body: "Charged twice")
            let response = try await fd.send(
                .POST, "api/v1/cases/\(made.caseId)/transfer", as: fd.agent, json: ["toQueueId": fd.billing.uuidString])
            #expect(response.status == .unprocessableEntity)
            #expect(try fd.problems(response).first?.hasPrefix("handoffNote: is required") == true)
            let shown = try fd.decode(
                CaseDTO.self, try await fd.send(.GET, "api/v1/cases/\(made.caseId)", as: fd.agent))
            #expect(shown.queueId == fd.general)
            #expect(shown.bounceCount == 0)
            #expect(try await fd.count("audit_entries") == 0)
        }
    }

    @Test("a transfer moves the case, counts the bounce, keeps the owner list and shows the note to the next agent")
    func transferWithNote() async throws {
        try await TestFairdesk.with { fd in
            let made = try await fd.inbound(from: "casey@example.com", body: "Charged twice for premium")
            let note = "Customer was charged twice on 3 Nov; card ending 4242. Needs a billing refund."
            // to a person first, then to the billing queue
            let toLead = try await fd.send(
                .POST, "api/v1/cases/\(made.caseId)/transfer", as: fd.agent,
                json: ["toAgentId": fd.lead.id.uuidString, "handoffNote": note])
            #expect(toLead.status == .ok)
            let toBilling = try await fd.send(
                .POST, "api/v1/cases/\(made.caseId)/transfer", as: fd.lead,
                json: ["toQueueId": fd.billing.uuidString, "handoffNote": "Over to billing. " + note])
            #expect(toBilling.status == .ok)

            let shown = try fd.decode(
                CaseDTO.self, try await fd.send(.GET, "api/v1/cases/\(made.caseId)", as: fd.otherAgent))
            #expect(shown.queueId == fd.billing)
            #expect(shown.ownerId == nil)
            #expect(shown.bounceCount == 2)
            #expect(shown.ownerCount == 1)
            #expect(shown.owners?.map(\.userId) == [nil, fd.lead.id, nil])
            let timeline = try fd.decode(
                ListPage<EntryDTO>.self,
                try await fd.send(.GET, "api/v1/cases/\(made.caseId)/timeline", as: fd.otherAgent))
            let transfers = timeline.items.filter { $0.kind == "transfer" }
            #expect(transfers.count == 2)
            #expect(transfers.first?.details?["handoffNote"] == "Over to billing. " + note)
            let audit = try await AuditEntry.query(on: fd.app.db).filter(\.$action == "case.transferred").all()
            #expect(audit.count == 2)
            #expect(audit.contains { $0.reason == note && $0.actorID == fd.agent.id })
            // The first agent no longer sees it: it left their queue and they do not own it.
            #expect(try await fd.send(.GET, "api/v1/cases/\(made.caseId)", as: fd.agent).status == .notFound)
        }
    }

    @Test("past the owner cap an agent cannot bring in another owner, but a lead can")
    func ownerCap() async throws {
        try await TestFairdesk.with(.set(\.maximumOwnersPerCase, 1)) { fd in
            let made = try await fd.inbound(from: "casey@example.com", body: "Help")
            let note = "Tried resetting the password twice; customer still locked out."
            #expect(
                try await fd.send(
                    .POST, "api/v1/cases/\(made.caseId)/transfer", as: fd.agent,
                    json: ["toAgentId": fd.agent.id.uuidString, "handoffNote": note]
                ).status == .ok)
            let refused = try await fd.send(
                .POST, "api/v1/cases/\(made.caseId)/transfer", as: fd.agent,
                json: ["toAgentId": fd.lead.id.uuidString, "handoffNote": note])
            #expect(refused.status == .unprocessableEntity)
            #expect(try fd.problems(refused).first?.contains("the cap is 1, so a lead must make this transfer") == true)
            #expect(
                try await fd.send(
                    .POST, "api/v1/cases/\(made.caseId)/transfer", as: fd.lead,
                    json: ["toAgentId": fd.lead.id.uuidString, "handoffNote": note]
                ).status == .ok)
        }
    }
}
