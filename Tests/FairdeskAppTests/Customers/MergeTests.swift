import FairdeskCore
import Fluent
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Customers and merging duplicates")
struct MergeTests {
    @Test("merging folds identities, cases and timeline into one customer, and records who, when and why")
    func merge() async throws {
        try await TestFairdesk.with { fd in
            // setup: the same person wrote by email and from a chat session
            let email = try await fd.inbound(from: "nia@example.com", body: "Order late", name: "Nia")
            fd.clock.advance(by: 30)
            let chat = try await fd.inbound(
                channel: "chat", kind: "chat", from: "visitor-abcdefgh", body: "Still late!")
            #expect(email.customerId != chat.customerId)

            // MUT
            let response = try await fd.send(
                .POST, "api/v1/customers/\(email.customerId)/merge", as: fd.agent,
                json: ["sourceCustomerId": chat.customerId.uuidString, "reason": "Same order number in both chats"])
            #expect(response.status == .ok)
            let result = try fd.decode(MergeResultDTO.self, response)

            // validate
            #expect(result.movedCases == 1)
            // A chat visitor id opens the visitor's conversation, so staff see only its end.
            #expect(Set(result.customer.identities.map(\.value)) == ["nia@example.com", "visitor …efgh"])
            let timeline = try fd.decode(
                ListPage<EntryDTO>.self,
                try await fd.send(.GET, "api/v1/customers/\(email.customerId)/timeline", as: fd.agent))
            #expect(timeline.items.map(\.kind) == ["merge", "message", "message"])
            #expect(timeline.items.first?.body.contains("Same order number in both chats") == true)
            // The old record answers with the customer it became.
            let old = try fd.decode(
                CustomerDTO.self, try await fd.send(.GET, "api/v1/customers/\(chat.customerId)", as: fd.agent))
            #expect(old.id == email.customerId)
            // The next chat message from that visitor lands on the merged customer.
            let next = try await fd.inbound(channel: "chat", kind: "chat", from: "visitor-abcdefgh", body: "Hello?")
            #expect(next.customerId == email.customerId)
            let audit = try await AuditEntry.query(on: fd.app.db).filter(\.$action == "customer.merged").all()
            #expect(audit.count == 1)
            #expect(audit.first?.actorID == fd.agent.id)
            #expect(audit.first?.reason == "Same order number in both chats")
            #expect(audit.first?.details.contains(chat.customerId.uuidString) == true)
        }
    }

    @Test("a merge needs a reason and two different customers")
    func mergeRules() async throws {
        try await TestFairdesk.with { fd in
            let one = try await fd.inbound(from: "a@example.com", body: "x")
            let noReason = try await fd.send(
                .POST, "api/v1/customers/\(one.customerId)/merge", as: fd.lead,
                json: ["sourceCustomerId": one.customerId.uuidString, "reason": " "])
            #expect(noReason.status == .unprocessableEntity)
            #expect(try fd.problems(noReason) == ["reason: must not be empty"])
            let itself = try await fd.send(
                .POST, "api/v1/customers/\(one.customerId)/merge", as: fd.lead,
                json: ["sourceCustomerId": one.customerId.uuidString, "reason": "dup"])
            #expect(itself.status == .unprocessableEntity)
        }
    }

    @Test("creating a customer with an address someone else has is refused and nothing is written")
    func createIsAllOrNothing() async throws {
        try await TestFairdesk.with { fd in
            let before = try await fd.count("customers")
            let response = try await fd.send(
                .POST, "api/v1/customers", as: fd.agent,
                json: CreateCustomerRequest(
                    displayName: "Someone", tier: nil,
                    identities: [
                        IdentityInput(kind: "phone", value: "+44 7700 900123"),
                        IdentityInput(kind: "email", value: "CASEY@example.com"),
                    ]))
            #expect(response.status == .conflict)
            #expect(
                try fd.problems(response).first?.hasPrefix("identities[1].value: already belongs to customer") == true)
            #expect(try await fd.count("customers") == before)
            #expect(try await fd.count("identities") == 1)
        }
    }
}
