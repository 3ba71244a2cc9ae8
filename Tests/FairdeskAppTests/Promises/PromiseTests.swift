import Crypto
import FairdeskCore
import Fluent
import FluentPostgresDriver
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

extension TestFairdesk {
    /// A case from Casey, in the General queue, answered by the agent.
    func caseForPromises() async throws -> UUID {
        let made = try await inbound(from: "casey@example.com", body: "The jug of my blender is cracked")
        try await send(
            .POST, "api/v1/cases/\(made.caseId)/transfer", as: lead,
            json: [
                "toAgentId": agent.id.uuidString, "handoffNote": "Cracked jug; customer wants a refund or a new jug.",
            ])
        return made.caseId
    }

    func makePromise(_ caseID: UUID, _ request: PromiseRequest, as person: Person? = nil) async throws
        -> TestingHTTPResponse
    {
        try await send(.POST, "api/v1/cases/\(caseID)/promises", as: person ?? agent, json: request)
    }

    func refund(dueIn days: Double) -> PromiseRequest {
        PromiseRequest(
            kind: "refund", amountMinor: 2499, currency: "gbp", item: nil, callbackAt: nil,
            description: "We refund the blender jug to your card.", dueAt: clock.now.addingTimeInterval(days * 86_400),
            ownerId: nil)
    }

    func sweepPromises() async throws { _ = try await PromiseSweep.run(app: app) }

    func entries(_ caseID: UUID) async throws -> [TimelineEntry] {
        try await TimelineEntry.query(on: app.db).filter(\.$supportCase.$id == caseID).sort(\.$occurredAt).all()
    }
}

@Suite("Promises that are kept")
struct PromiseTests {
    @Test("a promise is checked, announced to the customer, and shown on their case")
    func makeAndShow() async throws {
        try await TestFairdesk.with { fd in
            let caseID = try await fd.caseForPromises()
            var bad = fd.refund(dueIn: 3)
            bad.currency = "pounds"
            bad.amountMinor = nil
            let refused = try await fd.makePromise(caseID, bad)
            #expect(
                try fd.problems(refused) == [
                    "amountMinor: is required for a refund: the amount in minor units, like 2499 for 24.99",
                    "currency: must be a three-letter currency code, like GBP or EUR",
                ])
            #expect(try await fd.count("promises") == 0)
            // The customer's own case is not theirs to promise on.
            #expect(try await fd.makePromise(caseID, fd.refund(dueIn: 3), as: fd.customer).status == .forbidden)

            let made = try await fd.makePromise(caseID, fd.refund(dueIn: 3))
            #expect(made.status == .created)
            let promise = try fd.decode(PromiseDTO.self, made)
            #expect(promise.headline == "Refund of 24.99 GBP")
            #expect(promise.ownerId == fd.agent.id)
            #expect(promise.outcome == "open")
            let seen = try fd.decode(
                [PromiseDTO].self, try await fd.send(.GET, "api/v1/cases/\(caseID)/promises", as: fd.customer))
            #expect(seen.map(\.headline) == ["Refund of 24.99 GBP"])
            let reply = try #require(try await fd.entries(caseID).last)
            #expect(reply.direction == .outbound)
            #expect(reply.body.hasPrefix("We promise: Refund of 24.99 GBP, by "))
            #expect(try await AuditEntry.query(on: fd.app.db).all().map(\.action).contains("promise.made"))
        }
    }

    @Test("a refund promised later than the refunds policy allows is refused, citing the policy")
    func policyLimit() async throws {
        try await TestFairdesk.with { fd in
            try await fd.createPolicy("refunds", kind: .refundsReplacements)
            #expect(
                try await fd.publish(
                    "refunds",
                    fd.version(
                        "Refunds within 5 days", kind: .refundsReplacements, roles: ["agent", "lead"],
                        effectiveIn: 0.01, favourable: true)
                ).status == .created)
            fd.clock.advance(by: 3600)
            let caseID = try await fd.caseForPromises()
            let late = try await fd.makePromise(caseID, fd.refund(dueIn: 9))
            #expect(try fd.problems(late) == ["dueAt: must be within 5 days for a refund (refunds v1)"])
            let ok = try await fd.makePromise(caseID, fd.refund(dueIn: 4))
            #expect(try fd.decode(PromiseDTO.self, ok).policy == "refunds v1")
        }
    }

    @Test(
        "the owner is reminded before the due date; at the due date the case reopens, leads hear, the customer is told")
    func reminderAndEscalation() async throws {
        try await TestFairdesk.with { fd in
            let caseID = try await fd.caseForPromises()
            _ = try fd.decode(PromiseDTO.self, try await fd.makePromise(caseID, fd.refund(dueIn: 3)))
            try await fd.send(
                .POST, "api/v1/cases/\(caseID)/status", as: fd.agent,
                json: ["status": "resolved", "reason": "refund promised"])
            fd.clock.advance(by: 2 * 86_400 + 60)
            try await fd.sweepPromises()
            #expect(try await fd.notifications(fd.agent).first?.kind == "promise.reminder")
            #expect(try await SupportCase.find(caseID, on: fd.app.db)?.status == .resolved)

            fd.clock.advance(by: 86_400)
            try await fd.sweepPromises()
            #expect(try await SupportCase.find(caseID, on: fd.app.db)?.status == .open)
            #expect(try await fd.notifications(fd.lead).first?.kind == "promise.broken")
            let told = try #require(try await fd.entries(caseID).last { $0.direction == .outbound })
            #expect(told.body.contains("has not happened yet"))
            let promise = try #require(
                try fd.decode(
                    [PromiseDTO].self, try await fd.send(.GET, "api/v1/cases/\(caseID)/promises", as: fd.agent)
                ).first)
            #expect(promise.outcome == "broken")
            // Nothing happens twice.
            try await fd.sweepPromises()
            #expect(try await fd.notifications(fd.lead).count == 1)
        }
    }

    static let secret = "order-system-shared-secret-1234"

    static func sign(_ body: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    @Test("a signed order-system event keeps the promise once; a bad signature is refused; the customer is asked after")
    func webhookAndFollowUp() async throws {
        try await TestFairdesk.with(.set(\.webhookSecret, Self.secret)) { fd in
            let caseID = try await fd.caseForPromises()
            let promise = try fd.decode(PromiseDTO.self, try await fd.makePromise(caseID, fd.refund(dueIn: 3)))
            let body = #"{"promiseId":"\#(promise.id)","eventId":"evt-1","event":"refund_issued","note":"RF-2231"}"#
            // A signed event for another promise cannot be replayed against this one.
            let other = #"{"promiseId":"\#(UUID())","eventId":"evt-9","event":"fulfilled"}"#
            let replayed = try await fd.send(
                .POST, "api/v1/promises/\(promise.id)/events", raw: other,
                headers: ["X-Fairdesk-Signature": Self.sign(other)])
            #expect(try fd.problems(replayed).first?.hasPrefix("promiseId: must be the id of the promise") == true)
            let path = "api/v1/promises/\(promise.id)/events"
            let forged = try await fd.send(.POST, path, raw: body, headers: ["X-Fairdesk-Signature": "sha256=00ff"])
            #expect(forged.status == .unauthorized)
            let unsigned = try await fd.send(.POST, path, raw: body)
            #expect(unsigned.status == .unauthorized)
            let first = try await fd.send(.POST, path, raw: body, headers: ["X-Fairdesk-Signature": Self.sign(body)])
            #expect(first.status == .created)
            let kept = try fd.decode(PromiseDTO.self, first)
            #expect(kept.outcome == "kept_on_time")
            #expect(kept.keptBy == "Order system")
            #expect(kept.evidence == "refund issued: RF-2231")
            let again = try await fd.send(.POST, path, raw: body, headers: ["X-Fairdesk-Signature": Self.sign(body)])
            #expect(again.status == .ok)
            #expect(try fd.decode(PromiseDTO.self, again).events.filter { $0.kind == "refund_issued" }.count == 1)

            // An hour later the customer is asked whether everything is now right.
            try await fd.send(.POST, "api/v1/cases/\(caseID)/status", as: fd.agent, json: ["status": "resolved"])
            fd.clock.advance(by: PromiseActions.followUpDelay + 1)
            try await fd.sweepPromises()
            let ask = try #require(try await fd.entries(caseID).last { $0.direction == .outbound })
            let link = try #require(
                ask.body.range(of: "/promises/follow-up/").map { String(ask.body[$0.lowerBound...]) })
            let page = try await fd.send(.GET, String(link.dropFirst()))
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Refund of 24.99 GBP"))
            let forgedLink = try await fd.send(.GET, "promises/follow-up/not-a-real-token")
            #expect(forgedLink.status == .notFound)
            let noAnswer = try await fd.send(
                .POST, String(link.dropFirst()), raw: "comment=hmm",
                headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(noAnswer.status == .unprocessableEntity)
            #expect(noAnswer.body.string.contains("Must be answered: yes or no."))
            let answered = try await fd.send(
                .POST, String(link.dropFirst()), raw: "solved=no&comment=The+refund+never+arrived",
                headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(answered.status == .seeOther)
            #expect(try await SupportCase.find(caseID, on: fd.app.db)?.status == .open)
            #expect(try await fd.entries(caseID).contains { $0.body.contains("The refund never arrived") })
            let twice = try await fd.send(
                .POST, String(link.dropFirst()), raw: "solved=yes",
                headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(twice.status == .conflict)
        }
    }

    @Test("an agent confirms with evidence; the report counts made, kept on time, kept late and overdue")
    func confirmAndReport() async throws {
        try await TestFairdesk.with { fd in
            let caseID = try await fd.caseForPromises()
            let onTime = try fd.decode(PromiseDTO.self, try await fd.makePromise(caseID, fd.refund(dueIn: 2)))
            let late = try fd.decode(
                PromiseDTO.self,
                try await fd.makePromise(
                    caseID,
                    PromiseRequest(
                        kind: "replacement", amountMinor: nil, currency: nil, item: "Blender jug", callbackAt: nil,
                        description: "A new jug is sent.", dueAt: fd.clock.now.addingTimeInterval(86_400),
                        ownerId: nil)))
            _ = try await fd.makePromise(
                caseID,
                PromiseRequest(
                    kind: "investigation", amountMinor: nil, currency: nil, item: nil, callbackAt: nil,
                    description: "We find out why it cracked.", dueAt: fd.clock.now.addingTimeInterval(86_400),
                    ownerId: fd.lead.id))
            let empty = try await fd.send(
                .POST, "api/v1/promises/\(onTime.id)/confirm", as: fd.agent, json: ConfirmPromiseRequest(note: " "))
            #expect(try fd.problems(empty) == ["note: must not be empty"])
            let confirmed = try await fd.send(
                .POST, "api/v1/promises/\(onTime.id)/confirm", as: fd.agent,
                json: ConfirmPromiseRequest(note: "Refund RF-88 issued"))
            #expect(try fd.decode(PromiseDTO.self, confirmed).outcome == "kept_on_time")
            fd.clock.advance(by: 2 * 86_400)
            _ = try await fd.send(
                .POST, "api/v1/promises/\(late.id)/confirm", as: fd.agent,
                json: ConfirmPromiseRequest(note: "Jug shipped, tracking JX1"))
            let twice = try await fd.send(
                .POST, "api/v1/promises/\(late.id)/confirm", as: fd.agent, json: ConfirmPromiseRequest(note: "again"))
            #expect(twice.status == .conflict)

            let report = try fd.decode(
                PromiseReportDTO.self, try await fd.send(.GET, "api/v1/reports/promises", as: fd.lead))
            #expect(report.total.made == 3)
            #expect(report.total.keptOnTime == 1)
            #expect(report.total.keptLate == 1)
            #expect(report.total.broken == 1)
            let alex = try #require(report.byAgent.first { $0.group == "Alex Agent" })
            #expect(alex.made == 2)
            #expect(alex.keptOnTimeRate == 0.5)
            #expect(report.byKind.map(\.group) == ["investigation", "refund", "replacement"])
            #expect(try await fd.send(.GET, "api/v1/reports/promises", as: fd.agent).status == .forbidden)
        }
    }
}
