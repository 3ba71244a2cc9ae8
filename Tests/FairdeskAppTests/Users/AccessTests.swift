import FairdeskCore
import Fluent
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Every route checks the role")
struct AccessTests {
    @Test("without a login the API answers 401 and says how to log in")
    func unauthenticated() async throws {
        try await TestFairdesk.with { fd in
            for path in ["api/v1/cases", "api/v1/me", "api/v1/users", "api/v1/queues"] {
                let response = try await fd.send(.GET, path)
                #expect(response.status == .unauthorized, "\(path)")
                #expect(try fd.decode(ErrorBody.self, response).error == "unauthenticated")
            }
            let bogus = try await fd.send(.GET, "api/v1/me", headers: ["Authorization": "Bearer fdk_nope"])
            #expect(bogus.status == .unauthorized)
        }
    }

    @Test("an agent cannot read a case outside their queues; a customer only their own")
    func caseVisibility() async throws {
        try await TestFairdesk.with { fd in
            let casey = try await fd.inbound(from: "casey@example.com", body: "Mine")
            let other = try await fd.inbound(from: "someone@example.com", body: "Not Casey's")
            #expect(try await fd.send(.GET, "api/v1/cases/\(casey.caseId)", as: fd.agent).status == .ok)
            #expect(try await fd.send(.GET, "api/v1/cases/\(casey.caseId)", as: fd.otherAgent).status == .notFound)
            #expect(
                try await fd.send(.GET, "api/v1/customers/\(casey.customerId)/timeline", as: fd.otherAgent).status
                    == .notFound)
            #expect(try await fd.send(.GET, "api/v1/cases/\(casey.caseId)", as: fd.customer).status == .ok)
            #expect(try await fd.send(.GET, "api/v1/cases/\(other.caseId)", as: fd.customer).status == .notFound)
            #expect(
                try await fd.send(.GET, "api/v1/customers/\(other.customerId)", as: fd.customer).status == .notFound)
            // Writing to a case outside the queue is refused too.
            let note = try await fd.send(
                .POST, "api/v1/cases/\(casey.caseId)/notes", as: fd.otherAgent, json: ["body": "hi"])
            #expect(note.status == .notFound)
        }
    }

    @Test("roles outside case work get 403 naming the roles needed")
    func wrongRole() async throws {
        try await TestFairdesk.with { fd in
            let response = try await fd.send(.GET, "api/v1/cases", as: fd.driver)
            #expect(response.status == .forbidden)
            #expect(try fd.decode(ErrorBody.self, response).reason.contains("agent"))
            #expect(try await fd.send(.POST, "api/v1/users", as: fd.agent, json: ["x": "y"]).status == .forbidden)
            #expect(try await fd.send(.GET, "api/v1/cases", as: fd.customer).status == .forbidden)
            let made = try await fd.inbound(from: "casey@example.com", body: "Help")
            let customerNote = try await fd.send(
                .POST, "api/v1/cases/\(made.caseId)/notes", as: fd.customer, json: ["body": "internal?"])
            #expect(customerNote.status == .forbidden)
        }
    }

    @Test("only an admin changes roles, with a reason, and the change is audited")
    func roleChange() async throws {
        try await TestFairdesk.with { fd in
            let path = "api/v1/users/\(fd.agent.id)/role"
            #expect(
                try await fd.send(.POST, path, as: fd.lead, json: ["role": "lead", "reason": "promoted"]).status
                    == .forbidden)
            let changed = try await fd.send(
                .POST, path, as: fd.admin, json: ["role": "lead", "reason": "Promoted to team lead"])
            #expect(changed.status == .ok)
            #expect(try fd.decode(UserDTO.self, changed).role == "lead")
            let audit = try await AuditEntry.query(on: fd.app.db).filter(\.$action == "user.role_changed").first()
            #expect(audit?.reason == "Promoted to team lead")
            #expect(audit?.details == #"{"from":"agent","to":"lead"}"#)
            #expect(audit?.actorID == fd.admin.id)
            let unknown = try await fd.send(.POST, path, as: fd.admin, json: ["role": "superuser", "reason": "x"])
            #expect(try fd.problems(unknown).first?.hasPrefix("role: must be one of: customer, agent, lead") == true)
        }
    }
}
