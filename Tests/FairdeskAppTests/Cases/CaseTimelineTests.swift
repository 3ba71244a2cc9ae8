import FairdeskCore
import Fluent
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Cases and the customer timeline")
struct CaseTimelineTests {
    @Test("messages, notes and calls from different channels form one timeline, newest first")
    func oneTimelineAcrossChannels() async throws {
        try await TestFairdesk.with { fd in
            // setup: the customer writes by email, then by chat
            let first = try await fd.inbound(from: "Casey@Example.com", body: "My kettle arrived broken.")
            fd.clock.advance(by: 60)
            let second = try await fd.inbound(
                channel: "chat", kind: "chat", from: "visitor-12345678", body: "Hello? Anyone there?")
            // a chat visitor we have never seen is a new customer until merged
            #expect(second.customerCreated)
            #expect(first.customerCreated == false)

            // MUT: the agent answers, notes, and logs a call on the email case
            fd.clock.advance(by: 60)
            let reply = try await fd.send(
                .POST, "api/v1/cases/\(first.caseId)/messages", as: fd.agent,
                json: ["body": "Sorry about that, a replacement is on its way.", "status": "pending_customer"])
            #expect(reply.status == .created)
            fd.clock.advance(by: 60)
            #expect(
                try await fd.send(
                    .POST, "api/v1/cases/\(first.caseId)/notes", as: fd.agent,
                    json: ["body": "Replacement ordered, ref R-1."]
                ).status == .created)
            fd.clock.advance(by: 60)
            let call = try await fd.send(
                .POST, "api/v1/cases/\(first.caseId)/calls", as: fd.agent,
                json: CallRequest(
                    direction: "outbound", talkSeconds: 240, holdSeconds: 30, afterCallWorkSeconds: 45,
                    summary: "Called to confirm the delivery address."))
            #expect(call.status == .created)

            // validate
            let timeline = try fd.decode(
                ListPage<EntryDTO>.self,
                try await fd.send(.GET, "api/v1/customers/\(first.customerId)/timeline", as: fd.agent))
            #expect(timeline.items.map(\.kind) == ["call", "note", "status_change", "message", "message"])
            #expect(timeline.items.first?.call?.handleSeconds == 315)
            #expect(timeline.items.last?.channel == "email")
            #expect(timeline.items.last?.direction == "inbound")
            #expect(timeline.items.allSatisfy { $0.caseId == first.caseId })
        }
    }

    @Test("the customer sees their messages and replies, never internal notes")
    func customerViewHidesInternal() async throws {
        try await TestFairdesk.with { fd in
            let created = try await fd.inbound(from: "casey@example.com", body: "Where is order FD-1?")
            try await fd.send(
                .POST, "api/v1/cases/\(created.caseId)/notes", as: fd.agent, json: ["body": "VIP, be quick"])
            try await fd.send(
                .POST, "api/v1/cases/\(created.caseId)/messages", as: fd.agent, json: ["body": "On its way."])
            let seen = try fd.decode(
                ListPage<EntryDTO>.self,
                try await fd.send(.GET, "api/v1/customers/\(fd.customer.customerID!)/timeline", as: fd.customer))
            #expect(seen.items.map(\.body) == ["On its way.", "Where is order FD-1?"])
        }
    }

    @Test("a customer opens a case from the web and replies to it")
    func customerOpensCase() async throws {
        try await TestFairdesk.with { fd in
            let response = try await fd.send(
                .POST, "api/v1/cases", as: fd.customer,
                json: ["subject": "Wrong size", "body": "The shoes are a size too small."])
            #expect(response.status == .created)
            let made = try fd.decode(CaseDTO.self, response)
            #expect(made.customerId == fd.customer.customerID)
            #expect(made.channel == "web_form")
            #expect(made.queueId == fd.general)
            #expect(made.number > 1000)
            let reply = try await fd.send(
                .POST, "api/v1/cases/\(made.id)/messages", as: fd.customer, json: ["body": "Any news?"])
            #expect(reply.status == .created)
            #expect(try fd.decode(EntryDTO.self, reply).direction == "inbound")
        }
    }

    @Test("the inbox lists the newest active cases of the agent's queues, a page at a time")
    func inboxPages() async throws {
        try await TestFairdesk.with { fd in
            for index in 0..<7 {
                fd.clock.advance(by: 10)
                _ = try await fd.inbound(from: "person\(index)@example.com", body: "Question \(index)")
            }
            let first = try fd.decode(
                ListPage<CaseDTO>.self, try await fd.send(.GET, "api/v1/cases?limit=3", as: fd.agent))
            #expect(first.items.count == 3)
            #expect(first.items.map(\.subject) == ["Question 6", "Question 5", "Question 4"])
            let second = try fd.decode(
                ListPage<CaseDTO>.self,
                try await fd.send(.GET, "api/v1/cases?limit=3&cursor=\(first.nextCursor!)", as: fd.agent))
            #expect(second.items.map(\.subject) == ["Question 3", "Question 2", "Question 1"])
            // The billing agent's queue is empty.
            let other = try fd.decode(
                ListPage<CaseDTO>.self, try await fd.send(.GET, "api/v1/cases", as: fd.otherAgent))
            #expect(other.items.isEmpty)
            // Resolved cases leave the default inbox but can be asked for.
            try await fd.send(
                .POST, "api/v1/cases/\(first.items[0].id)/status", as: fd.agent,
                json: ["status": "resolved", "reason": "answered"])
            let active = try fd.decode(
                ListPage<CaseDTO>.self, try await fd.send(.GET, "api/v1/cases?limit=50", as: fd.agent))
            #expect(active.items.count == 6)
            let resolved = try fd.decode(
                ListPage<CaseDTO>.self, try await fd.send(.GET, "api/v1/cases?status=resolved", as: fd.agent))
            #expect(resolved.items.map(\.subject) == ["Question 6"])
        }
    }

    @Test("status changes follow the rules, are refused clearly otherwise, and are audited")
    func statusMoves() async throws {
        try await TestFairdesk.with { fd in
            let made = try await fd.inbound(from: "casey@example.com", body: "Help")
            let path = "api/v1/cases/\(made.caseId)/status"
            #expect(try await fd.send(.POST, path, as: fd.agent, json: ["status": "resolved"]).status == .ok)
            #expect(try await fd.send(.POST, path, as: fd.agent, json: ["status": "closed"]).status == .ok)
            let refused = try await fd.send(.POST, path, as: fd.agent, json: ["status": "open"])
            #expect(refused.status == .unprocessableEntity)
            #expect(try fd.problems(refused).first?.hasPrefix("status: a closed case cannot change") == true)
            let audit = try await AuditEntry.query(on: fd.app.db).sort(\.$sequence).all()
            #expect(audit.map(\.action) == ["case.status_changed", "case.status_changed"])
            #expect(audit.allSatisfy { $0.actorID == fd.agent.id })
        }
    }
}
