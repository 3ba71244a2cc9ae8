import Fluent
import Foundation
import SQLKit
import Testing

@testable import FairdeskApp

@Suite("Rows read packed")
struct PackedRowsTests {
    @Test("ids, numbers, times and codes come back as stored, an absent value as nil, on either database")
    func roundTrip() async throws {
        try await TestFairdesk.with { t in
            // setup: a resolved case (its time has fractions of a second) and an open one.
            t.clock.advance(by: 0.25)
            let resolved = try await t.resolvedCase(from: "casey@example.com")
            let open = try await t.inbound(from: "dana@example.com", body: "Where is my parcel?").caseId
            struct Stored: Decodable {
                var number: Int64
                var resolvedAt: Date?
            }
            let stored = try #require(
                try await t.app.db.sql.raw("SELECT number, resolved_at FROM cases WHERE id = \(bind: resolved)")
                    .first(decoding: Stored.self, keyDecodingStrategy: .convertFromSnakeCase))
            // MUT
            let rows = try await PackedRows(db: t.app.db).rows(
                [("id", .uuid), ("number", .integer), ("resolved_at", .date), ("status", .code)],
                "FROM cases WHERE id IN (\(bind: resolved), \(bind: open))")
            // validate
            #expect(rows.count == 2)
            let first = try #require(rows.first { $0.uuid(0) == resolved })
            #expect(first.integer(1).map(Int64.init) == stored.number)
            let at = try #require(first.date(2))
            let expected = try #require(stored.resolvedAt)
            #expect(abs(at.timeIntervalSince(expected)) < 0.000_002)
            #expect(first.code(3) == "resolved")
            let second = try #require(rows.first { $0.uuid(0) == open })
            #expect(second.date(2) == nil)
            #expect(second.code(3) != nil)
        }
    }
}
