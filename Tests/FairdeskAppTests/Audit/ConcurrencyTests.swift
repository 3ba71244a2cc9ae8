import FairdeskCore
import Fluent
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Many writers at once")
struct ConcurrencyTests {
    @Test("concurrent audited changes keep one unbroken chain and unique case numbers")
    func concurrentWrites() async throws {
        try await TestFairdesk.with { fd in
            // setup: 12 cases from 12 customers
            var cases: [UUID] = []
            for index in 0..<12 { cases.append(try await fd.inbound(from: "c\(index)@example.com", body: "hi").caseId) }
            // MUT: resolve all at once, while a new customer writes in from 8 places at the same time
            try await withThrowingTaskGroup(of: Void.self) { group in
                for id in cases {
                    group.addTask {
                        let response = try await fd.send(
                            .POST, "api/v1/cases/\(id)/status", as: fd.agent,
                            json: ["status": "resolved", "reason": "done"])
                        #expect(response.status == .ok)
                    }
                }
                for index in 0..<8 {
                    group.addTask {
                        _ = try await fd.inbound(from: "same.new.person@example.com", body: "message \(index)")
                    }
                }
                try await group.waitForAll()
            }
            // validate
            #expect(try await AuditLog.verify(on: fd.app.db).intact)
            #expect(try await AuditEntry.query(on: fd.app.db).count() == 12)
            let numbers = try await SupportCase.query(on: fd.app.db).all().map(\.number)
            #expect(Set(numbers).count == numbers.count)
            let newcomers = try await CustomerIdentity.query(on: fd.app.db)
                .filter(\.$value == "same.new.person@example.com").count()
            #expect(newcomers == 1)
            #expect(try await fd.count("timeline_entries") >= 12 + 8 + 12)
        }
    }
}
