import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Seeding demo data")
struct SeedTests {
    @Test("seed writes the customers, identities, cases and conversations it promises, deterministically")
    func seedCounts() async throws {
        try await TestFairdesk.with { fd in
            let anchor = Date(timeIntervalSince1970: 1_790_000_000)
            let summary = try await BulkSeeder(app: fd.app).run(
                .init(customers: 120, cases: 450, seed: 42, anchor: anchor, batchSize: 100))
            #expect(summary.customers == 120)
            #expect(summary.cases == 450)
            #expect(try await fd.count("customers") == 121)
            #expect(try await fd.count("cases") == 450)
            #expect(try await fd.count("case_owners") == 450)
            #expect(try await fd.count("identities") == 1 + summary.identities)
            #expect(try await fd.count("timeline_entries") == summary.entries)
            #expect(summary.entries >= 450)
            // The same seed gives the same first case, down to its id and subject.
            let data = DemoData(seed: 42, anchor: anchor, customerCount: 120, queueCount: 2)
            let first = try #require(try await SupportCase.find(data.caseID(0), on: fd.app.db))
            #expect(first.subject == data.supportCase(0).subject)
            #expect(first.$customer.id == data.customerID(data.supportCase(0).customerIndex))
            // Seeded rows read back through the API like any others, with owners from the queue.
            let inbox = try fd.decode(
                ListPage<CaseDTO>.self,
                try await fd.send(
                    .GET, "api/v1/cases?limit=20&status=new,open,pending_customer,pending_internal,resolved,closed",
                    as: fd.agent))
            #expect(inbox.items.count == 20)
            #expect(inbox.items.allSatisfy { $0.queueId == fd.general })
            #expect(zip(inbox.items, inbox.items.dropFirst()).allSatisfy { $0.lastActivityAt >= $1.lastActivityAt })
            let timeline = try fd.decode(
                ListPage<EntryDTO>.self,
                try await fd.send(.GET, "api/v1/customers/\(first.$customer.id)/timeline", as: fd.lead))
            #expect(!timeline.items.isEmpty)
        }
    }

    @Test("seeding the same seed twice is refused with a clear message")
    func sameSeedTwice() async throws {
        try await TestFairdesk.with { fd in
            let plan = BulkSeeder.Plan(customers: 5, cases: 5, seed: 9, anchor: fd.clock.now)
            _ = try await BulkSeeder(app: fd.app).run(plan)
            await #expect(throws: BulkSeeder.SeedError.alreadyLoaded(9)) {
                _ = try await BulkSeeder(app: fd.app).run(plan)
            }
        }
    }

    @Test("the demo company has one login per role and a case for the demo customer")
    func demoCompany() async throws {
        try await TestFairdesk.with(.set(\.bcryptCost, 4)) { fd in
            // The fixture already made users; the demo seeder needs an empty database.
            for table in ["queue_members", "api_tokens", "users"] {
                try await (fd.app.db as! any SQLDatabase).raw("DELETE FROM \(unsafeRaw: table)").run()
            }
            try await (fd.app.db as! any SQLDatabase).raw("DELETE FROM queues").run()
            try await (fd.app.db as! any SQLDatabase).raw("DELETE FROM identities").run()
            #expect(try await DemoSeeder.isEmpty(fd.app.db))
            _ = try await DemoSeeder.seed(app: fd.app, password: "demo-password-1", customers: 20, cases: 40)
            let roles = Set(try await User.query(on: fd.app.db).all().map(\.role))
            #expect(roles == Set(Role.allCases))
            let login = try await fd.send(
                .POST, "api/v1/auth/tokens",
                json: ["email": "customer@fairdesk.example", "password": "demo-password-1"])
            let token = try fd.decode(TokenDTO.self, login)
            let me = try await fd.send(.GET, "api/v1/me", headers: ["Authorization": "Bearer \(token.token)"])
            #expect(try fd.decode(UserDTO.self, me).customerId != nil)
            #expect(!(try await DemoSeeder.isEmpty(fd.app.db)))
        }
    }
}
