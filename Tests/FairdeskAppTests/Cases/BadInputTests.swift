import FairdeskCore
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Bad input gets a clear error and writes nothing")
struct BadInputTests {
    @Test("malformed JSON is a 400 that says the body must be valid JSON")
    func malformedJSON() async throws {
        try await TestFairdesk.with { fd in
            let response = try await fd.send(
                .POST, "api/v1/inbound/messages", as: fd.agent, raw: #"{"channel": "email", "#)
            #expect(response.status == .badRequest)
            #expect(try fd.problems(response) == ["body: must be valid JSON"])
        }
    }

    @Test("a missing field or a wrong type names the field")
    func missingAndWrongType() async throws {
        try await TestFairdesk.with { fd in
            let missing = try await fd.send(
                .POST, "api/v1/inbound/messages", as: fd.agent, raw: #"{"channel":"email","body":"hi"}"#)
            #expect(missing.status == .badRequest)
            #expect(try fd.problems(missing) == ["from: is required"])
            let wrongType = try await fd.send(
                .POST, "api/v1/cases", as: fd.agent, raw: #"{"subject": 42}"#)
            #expect(wrongType.status == .badRequest)
            #expect(try fd.problems(wrongType) == ["subject: must be a string"])
            let badID = try await fd.send(
                .POST, "api/v1/cases", as: fd.agent, raw: #"{"subject": "x", "customerId": "not-a-uuid"}"#)
            #expect(try fd.problems(badID).first?.hasPrefix("customerId: is not valid") == true)
        }
    }

    @Test("unknown channels, over-long subjects, bad addresses and bad numbers are each named")
    func rulesBroken() async throws {
        try await TestFairdesk.with { fd in
            let response = try await fd.send(
                .POST, "api/v1/inbound/messages", as: fd.agent,
                json: InboundMessageRequest(
                    channel: "fax", from: IdentityInput(kind: "phone", value: "12345"), name: nil,
                    subject: String(repeating: "s", count: 201), body: "hello", caseNumber: nil, externalId: nil))
            #expect(response.status == .unprocessableEntity)
            #expect(
                try fd.problems(response) == [
                    "channel: must be one of: email, chat, phone, social, web_form, bot (got \"fax\")",
                    "from.value: must be a phone number in international format, like +44 20 7946 0958",
                    "subject: must be at most 200 characters (got 201)",
                ])
            let calls = try await fd.send(
                .POST, "api/v1/cases/\(UUID())/calls", as: fd.agent,
                json: CallRequest(
                    direction: "sideways", talkSeconds: -5, holdSeconds: 0, afterCallWorkSeconds: 0, summary: "x"))
            #expect(
                try fd.problems(calls) == [
                    "direction: must be one of: inbound, outbound, internal (got \"sideways\")",
                    "talkSeconds: must be between 0 and 86400 (got -5)",
                ])
            #expect(try await fd.count("customers") == 1)
        }
    }

    @Test("an oversized body is refused with 413 before anything is read")
    func oversizedBody() async throws {
        try await TestFairdesk.with(.set(\.maximumJSONBytes, 1_000)) { fd in
            let big = String(repeating: "a", count: 5_000)
            // A real server on a loopback port: the limit applies while the body streams in.
            let response = try await fd.send(
                .POST, "api/v1/cases", as: fd.agent,
                json: ["subject": "x", "body": big, "customerId": UUID().uuidString],
                overNetwork: true)
            #expect(response.status == .payloadTooLarge)
            #expect(try fd.decode(ErrorBody.self, response).problems.first?.field == "body")
        }
    }

    @Test("a change that fails half-way leaves no rows behind")
    func atomic() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let customers = try await fd.count("customers")
            let cases = try await fd.count("cases")
            struct Boom: Error {}
            // MUT: the same write path every route uses, failing after several rows were written
            await #expect(throws: Boom.self) {
                try await fd.app.write { db in
                    let customer = try await CustomerDirectory(db: db, now: fd.clock.now).create(
                        displayName: "Half", tier: "standard",
                        identities: [try Identity(kind: .email, raw: "half@example.com")])
                    _ = try await fd.app.caseWork(on: db, actor: .system)
                        .openCase(customerID: customer.requireID(), subject: "x", channel: .email, queueID: nil)
                    throw Boom()
                }
            }
            // validate: nothing of it remains, and the next case number was not used up
            #expect(try await fd.count("customers") == customers)
            #expect(try await fd.count("cases") == cases)
            #expect(try await fd.count("identities") == 1)
            let made = try await fd.inbound(from: "whole@example.com", body: "hello")
            #expect(made.caseNumber == 1001)
            // Unknown routes answer in the same JSON shape.
            let unknown = try await fd.send(.GET, "api/v1/nowhere", as: fd.agent)
            #expect(unknown.status == .notFound)
            #expect(try fd.decode(ErrorBody.self, unknown).error == "not_found")
        }
    }
}
