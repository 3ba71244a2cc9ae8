import FairdeskCore
import Fluent
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

/// Messages that arrive together are written in one transaction, their new rows collected and
/// written a table at a time. The outcome must be what writing them one by one gives.
@Suite("Inbound messages written together")
struct InboundBatchTests {
    @Test("a burst of messages finds the same customers and cases as one by one, in order per customer")
    func burstMatchesOneByOne() async throws {
        try await TestFairdesk.with { fd in
            // setup: a returning customer with an open case, one whose case waits for them, one resolved
            let open = try await fd.inbound(from: "open@example.com", body: "Where is my parcel?")
            let waiting = try await fd.inbound(from: "waiting@example.com", body: "Wrong size")
            try await fd.send(
                .POST, "api/v1/cases/\(waiting.caseId)/status", as: fd.agent, json: ["status": "pending_customer"])
            let resolved = try await fd.inbound(from: "resolved@example.com", body: "Late")
            try await fd.send(
                .POST, "api/v1/cases/\(resolved.caseId)/status", as: fd.agent, json: ["status": "resolved"])
            fd.clock.advance(by: 60)
            let clocksBefore = try await fd.count("sla_clocks")
            let entriesBefore = try await fd.count("timeline_entries")

            // MUT: ten messages in one batch
            let from = [
                "new.a@example.com", "open@example.com", "new.a@example.com", "waiting@example.com",
                "new.b@example.com", "resolved@example.com", "open@example.com", "casey@example.com",
                "new.a@example.com", "new.c@example.com",
            ]
            let service = InboundService(
                config: fd.app.fairdesk.config, now: fd.clock.now, actor: .system, catalogs: fd.app.fairdesk.catalog)
            let work = try from.enumerated().map { index, address in
                (
                    InboundService.Message(
                        channel: .email, identity: try Identity(kind: .email, raw: address), name: nil,
                        subject: nil, body: "message \(index)", caseNumber: nil, externalID: nil), service
                )
            }
            let plan = try await fd.app.write { db in try await InboundBatcher.Rounds.plan(work.map(\.0), on: db) }
            let outcomes = try await InboundBatcher.write(work, app: fd.app).map(\.result)

            // validate: no round holds one customer twice; a customer's messages keep their order
            #expect(plan.rounds == [[0, 1, 3, 4, 5, 7, 9], [2, 6], [8]])
            #expect(plan.alone.isEmpty)
            // what the plan's one query found is not asked again: new addresses in their first round,
            // known customers in any round; a new address's later messages look up what the first made
            #expect(plan.senders[0] == .new && plan.senders[9] == .new && plan.senders[2] == nil)
            if case .known(let customer) = plan.senders[6] {
                #expect(customer.id == open.customerId)
            } else {
                Issue.record("the open case's customer was not known to the plan")
            }
            // the new address made one customer and one case, on its first message only
            let newA = [outcomes[0], outcomes[2], outcomes[8]]
            #expect(newA.map(\.customerCreated) == [true, false, false])
            #expect(newA.map(\.caseCreated) == [true, false, false])
            #expect(Set(newA.map(\.customerId)).count == 1 && Set(newA.map(\.caseId)).count == 1)
            #expect(
                try await CustomerIdentity.query(on: fd.app.db).filter(\.$value == "new.a@example.com").count() == 1)
            // returning customers joined their active cases; the waiting and the resolved one opened again
            #expect(outcomes[1].caseId == open.caseId && outcomes[6].caseId == open.caseId)
            #expect(outcomes[3].caseId == waiting.caseId && outcomes[5].caseId == resolved.caseId)
            #expect(outcomes[5].caseReopened)
            for id in [waiting.caseId, resolved.caseId] {
                let shown = try fd.decode(CaseDTO.self, try await fd.send(.GET, "api/v1/cases/\(id)", as: fd.agent))
                #expect(shown.status == "open")
            }
            // four new cases (a, b, c and Casey's first), each with its clocks and a place in the queue
            let created = outcomes.filter(\.caseCreated).map(\.caseId)
            #expect(created.count == 4)
            // their numbers follow on from the last case's, with no gap
            var numbers: [Int64] = []
            for id in created { numbers.append(try #require(try await SupportCase.find(id, on: fd.app.db)).number) }
            let before = try #require(try await SupportCase.find(resolved.caseId, on: fd.app.db)).number
            #expect(numbers.sorted() == Array(before + 1...before + 4))
            // new ids are time-ordered (UUIDv7), so each table's index grows at its end: sorted as
            // SQLite sorts them (text), the cases come in the order they were opened
            let byNumber = zip(numbers, created).sorted { $0.0 < $1.0 }.map(\.1.uuidString)
            #expect(byNumber == byNumber.sorted())
            #expect(created.allSatisfy { $0.uuidString.dropFirst(14).hasPrefix("7") })
            for id in created {
                #expect(try await SupportCase.find(id, on: fd.app.db)?.status == .new)
                #expect(try await StoredClock.of(caseID: id, on: fd.app.db).count == 2)
                #expect(try await fd.count(where: "routing_waits", caseID: id) == 1)
            }
            #expect(try await fd.count("sla_clocks") >= clocksBefore + 8)
            // every message is on its case's timeline, in the order sent
            #expect(try await fd.count("timeline_entries") >= entriesBefore + from.count)
            let timeline = try await TimelineEntry.query(on: fd.app.db)
                .filter(\.$supportCase.$id == newA[0].caseId).filter(\.$kind == .message).all()
            #expect(timeline.map(\.body).sorted() == ["message 0", "message 2", "message 8"])
            // the report counts each new case once
            let report = try fd.decode(
                ServiceReportDTO.self,
                try await fd.send(.GET, "api/v1/reports/service?unit=month", as: fd.lead))
            #expect(report.total.casesOpened == 3 + 4)
        }
    }

    @Test("collected rows reach the database only when flushed (SQLite), at once on PostgreSQL")
    func rowsWaitForTheFlush() async throws {
        try await TestFairdesk.with { fd in
            let before = try await fd.count("customers")
            let seen = try await fd.app.write { db in
                let deferred = DeferredWrites()
                let during = try await deferred.with(on: db) {
                    _ = try await CustomerDirectory(db: db, now: fd.clock.now).create(
                        displayName: "Dana", tier: "standard", identities: [try Identity(kind: .email, raw: "d@e.org")])
                    return try await Self.customers(db)
                }
                try await deferred.flush(on: db)
                return (during, try await Self.customers(db))
            }
            #expect(seen.0 == before + (fd.app.db.isPostgres ? 1 : 0))
            #expect(seen.1 == before + 1)
            #expect(try await CustomerIdentity.query(on: fd.app.db).filter(\.$value == "d@e.org").count() == 1)
        }
    }

    private static func customers(_ db: any Database) async throws -> Int {
        struct Row: Decodable { var n: Int }
        return try await db.sql.raw("SELECT COUNT(*) AS n FROM customers").first(decoding: Row.self)?.n ?? -1
    }
}

extension TestFairdesk {
    func count(where table: String, caseID: UUID) async throws -> Int {
        struct Row: Decodable { var n: Int }
        return try await app.db.sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE case_id = \(bind: caseID)")
            .first(decoding: Row.self)?.n ?? -1
    }
}
