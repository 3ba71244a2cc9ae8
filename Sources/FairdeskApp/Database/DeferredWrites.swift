import FairdeskCore
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// New rows held back and written together: one multi-row `INSERT` per table instead of one
/// statement per row.
///
/// On SQLite one transaction writes at a time, and each statement is a round trip to SQLite's
/// thread and back (about 0.1 ms here, mostly waking threads). A batch of inbound messages (see
/// ``InboundBatcher``) spent most of its turn on those round trips, so while it ran one core sat
/// idle and other messages waited. Inside ``with(on:_:)``, inserts marked `deferrable` and report
/// increments are collected instead; ``flush(on:)`` writes them before the transaction commits.
///
/// A deferred row is invisible until the flush, so only rows that nothing reads, updates or deletes
/// before then may wait: a call site marks its insert `deferrable` only when that holds for the rest
/// of its own work (a new customer, case, owner, first clocks, timeline entry, bot conversation), and
/// the batcher never puts two messages of one customer in the same round. Tables are written parents
/// first, so foreign keys hold row by row; a statement run at once must not name a deferred row (its
/// key check would fail), which is why a new case's place on the waiting list is deferred too.
/// (`PRAGMA defer_foreign_keys` would allow it, but then each new parent row makes SQLite search
/// every child table for rows it completes, and some have no index for that.)
final class DeferredWrites: @unchecked Sendable {
    /// The collection the current task writes into, if any.
    @TaskLocal static var current: DeferredWrites?

    private struct Group {
        var table: String
        var columns: [String]
        var rows: [[(any Encodable & Sendable)?]] = []
    }

    private let lock = NIOLock()
    private var groups: [Group] = []
    private var increments: [RollupIncrement] = []
    private var endpoints: [Webhooks.Endpoint]?
    private var caseNumbers: ArraySlice<Int64> = []

    /// Parents before children, so the rows also satisfy foreign keys checked one by one.
    private static let order = [
        "customers", "identities", "cases", "case_owners", "sla_clocks", "routing_waits", "timeline_entries",
        "bot_conversations", "bot_pending",
    ]

    /// Runs `work` with this collection current, on SQLite; on PostgreSQL everything is written at
    /// once (many writers run side by side there, so no transaction holds up the others).
    func with<T>(on db: any Database, _ work: () async throws -> T) async throws -> T {
        guard !db.isPostgres else { return try await work() }
        return try await Self.$current.withValue(self) { try await work() }
    }

    func insert(_ table: String, columns: [String], rows: [[(any Encodable & Sendable)?]]) {
        lock.withLock {
            if let index = groups.firstIndex(where: { $0.table == table && $0.columns == columns }) {
                groups[index].rows += rows
            } else {
                groups.append(Group(table: table, columns: columns, rows: rows))
            }
        }
    }

    /// Takes `count` case numbers from the counter at once, for ``takeCaseNumber()`` to hand out
    /// in order (SQLite only, like the collection).
    func reserveCaseNumbers(_ count: Int, on db: any Database) async throws {
        guard count > 0, !db.isPostgres else { return }
        let numbers = try await CaseWork.takeCaseNumbers(count, on: db)
        lock.withLock { caseNumbers += numbers }
    }

    /// The next reserved case number, if any is left.
    func takeCaseNumber() -> Int64? {
        lock.withLock { caseNumbers.popFirst() }
    }

    func add(_ more: [RollupIncrement]) {
        lock.withLock { increments += more }
    }

    /// The active webhook endpoints, read once per collection: they cannot change inside it.
    func webhookEndpoints(_ read: () async throws -> [Webhooks.Endpoint]) async throws -> [Webhooks.Endpoint] {
        if let known = lock.withLock({ endpoints }) { return known }
        let found = try await read()
        lock.withLock { endpoints = found }
        return found
    }

    /// Writes what was collected and empties the collection.
    func flush(on db: any Database) async throws {
        let (groups, increments) = lock.withLock {
            defer {
                self.groups = []
                self.increments = []
            }
            return (self.groups, self.increments)
        }
        let rank = { (table: String) in Self.order.firstIndex(of: table) ?? Self.order.count }
        // Written with no collection current, so the statements below run at once.
        try await Self.$current.withValue(nil) {
            for group in groups.enumerated().sorted(by: { (rank($0.1.table), $0.0) < (rank($1.1.table), $1.0) }) {
                // Well under SQLite's limit of 32,766 bound values per statement.
                let perStatement = max(1, 8_000 / group.element.columns.count)
                var start = 0
                while start < group.element.rows.count {
                    let end = min(group.element.rows.count, start + perStatement)
                    try await db.insertRows(
                        group.element.table, columns: group.element.columns, Array(group.element.rows[start..<end]))
                    start = end
                }
            }
            if !increments.isEmpty { try await ReportRollups.add(increments, on: db) }
        }
    }
}
