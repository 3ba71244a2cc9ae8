import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// The reads that lists are made of. Each reads an index in order and stops after one page, so a
/// page costs the same with a thousand cases or a million.
struct CaseQueries {
    let db: any Database

    /// The newest cases across `queues` (and, when given, owned by `owner` wherever they sit) in
    /// `statuses`: one ordered index read per (queue, status) and (owner, status) pair, merged.
    /// A single `IN (...)` query would sort every match instead.
    func inbox(
        queues: [UUID], owner: UUID? = nil, statuses: [CaseStatus], channel: ContactChannel?, limit: Int,
        after cursor: PageCursor?, oldestFirst: Bool = false
    ) async throws -> [SupportCase] {
        try await inboxRows(
            queues: queues, owner: owner, statuses: statuses, channel: channel, limit: limit, after: cursor,
            oldestFirst: oldestFirst
        ).map(SupportCase.init(row:))
    }

    /// ``inbox(queues:owner:statuses:channel:limit:after:oldestFirst:)`` as plain rows, in page order.
    /// The API's inbox builds its answer from these: a page of Fluent models cost more than the
    /// queries (every property read goes through Fluent's property wrappers).
    func inboxRows(
        queues: [UUID], owner: UUID? = nil, statuses: [CaseStatus], channel: ContactChannel?, limit: Int,
        after cursor: PageCursor?, oldestFirst: Bool = false
    ) async throws -> [SupportCase.Row] {
        // Newest first reads each index backwards from the cursor; oldest waiting reads it forwards.
        let order: SQLQueryString = oldestFirst ? "ASC" : "DESC"
        let beyond: SQLQueryString = oldestFirst ? ">" : "<"
        let scopes: [(column: String, id: UUID)] =
            queues.map { ("queue_id", $0) } + (owner.map { [("owner_id", $0)] } ?? [])
        guard !scopes.isEmpty, !statuses.isEmpty else { return [] }
        var parts: [SQLQueryString] = []
        for scope in scopes {
            for status in statuses {
                // Only the index's own columns: each part reads its index and nothing else.
                var part: SQLQueryString =
                    "SELECT * FROM (SELECT last_activity_at, id FROM cases WHERE \(ident: scope.column) = \(bind: scope.id) AND status = \(bind: status.rawValue)"
                if let channel { part += " AND channel = \(bind: channel.rawValue)" }
                if let cursor {
                    part +=
                        " AND (last_activity_at \(beyond) \(bind: cursor.at) OR (last_activity_at = \(bind: cursor.at) AND id \(beyond) \(bind: cursor.id)))"
                }
                part +=
                    " ORDER BY last_activity_at \(order), id \(order) LIMIT \(literal: limit)) AS p\(unsafeRaw: String(parts.count))"
                parts.append(part)
            }
        }
        // UNION (not UNION ALL): a case the agent owns inside one of their queues appears once.
        // The page's ids come from the indexes alone; then only those rows are read whole.
        let query: SQLQueryString =
            "SELECT id FROM (\(parts.joined(separator: " UNION "))) AS merged ORDER BY last_activity_at \(order), id \(order) LIMIT \(literal: limit)"
        struct Row: Decodable { var id: UUID }
        let ids = try await db.sql.raw(query).all(decoding: Row.self).map(\.id)
        guard !ids.isEmpty else { return [] }
        // Put back in page order by each row's place in `ids` (looked up once per row, not per comparison).
        let position = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        var ordered = [SupportCase.Row?](repeating: nil, count: ids.count)
        for row in try await SupportCase.rows("SELECT * FROM cases WHERE id IN (\(binds: ids))", on: db) {
            if let at = position[row.id] { ordered[at] = row }
        }
        return ordered.compactMap { $0 }
    }

    /// A customer's timeline, newest first. `caseIDs` limits it to cases the reader may see
    /// (`nil`: every case); customer-level entries (merges) are included for staff only.
    func timeline(
        customerID: UUID, caseIDs: [UUID]?, includeInternal: Bool, limit: Int, after cursor: PageCursor?
    ) async throws -> [TimelineEntry] {
        guard
            var query = scope(
                "customer_id = \(bind: customerID)", caseIDs: caseIDs, includeInternal: includeInternal)
        else { return [] }
        if let cursor {
            query +=
                " AND (occurred_at < \(bind: cursor.at) OR (occurred_at = \(bind: cursor.at) AND id < \(bind: cursor.id)))"
        }
        return try await entries(query + " ORDER BY occurred_at DESC, id DESC LIMIT \(literal: limit)")
    }

    /// Entries of a customer's timeline written after `cursor`, oldest first: how a live page
    /// catches up after an event or a dropped connection.
    func timeline(
        customerID: UUID, caseIDs: [UUID]?, includeInternal: Bool, since cursor: PageCursor, limit: Int = 200
    ) async throws -> [TimelineEntry] {
        guard
            var query = scope(
                "customer_id = \(bind: customerID)", caseIDs: caseIDs, includeInternal: includeInternal)
        else { return [] }
        query +=
            " AND (occurred_at > \(bind: cursor.at) OR (occurred_at = \(bind: cursor.at) AND id > \(bind: cursor.id)))"
        return try await entries(query + " ORDER BY occurred_at ASC, id ASC LIMIT \(literal: limit)")
    }

    /// One case's timeline, newest first.
    func caseTimeline(caseID: UUID, includeInternal: Bool, limit: Int, after cursor: PageCursor?) async throws
        -> [TimelineEntry]
    {
        var query: SQLQueryString = "WHERE case_id = \(bind: caseID)"
        if !includeInternal { query += " AND direction <> 'internal'" }
        if let cursor {
            query +=
                " AND (occurred_at < \(bind: cursor.at) OR (occurred_at = \(bind: cursor.at) AND id < \(bind: cursor.id)))"
        }
        return try await entries(query + " ORDER BY occurred_at DESC, id DESC LIMIT \(literal: limit)")
    }

    /// The `WHERE` clause for the entries a reader may see: those of `caseIDs` (all when `nil`),
    /// customer-level entries for staff, and no internal entries for customers. `nil` when the
    /// reader may see none.
    private func scope(_ base: SQLQueryString, caseIDs: [UUID]?, includeInternal: Bool) -> SQLQueryString? {
        var query: SQLQueryString = "WHERE " + base
        if let caseIDs {
            switch (caseIDs.isEmpty, includeInternal) {
            case (true, false): return nil
            case (true, true): query += " AND case_id IS NULL"
            case (false, true): query += " AND (case_id IN (\(binds: caseIDs)) OR case_id IS NULL)"
            case (false, false): query += " AND case_id IN (\(binds: caseIDs))"
            }
        }
        if !includeInternal { query += " AND direction <> 'internal'" }
        return query
    }

    private func entries(_ clause: SQLQueryString) async throws -> [TimelineEntry] {
        try await db.sql.raw("SELECT * FROM timeline_entries " + clause)
            .all(decoding: TimelineEntry.Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            .map(TimelineEntry.init(row:))
    }

    /// The ids of `customerID`'s cases that `viewer` may read, or `nil` when they may read all.
    func visibleCaseIDs(of customerID: UUID, for viewer: Viewer) async throws -> [UUID]? {
        guard !viewer.isSupervisor && viewer.role != .customer else { return nil }
        return try await SupportCase.of(customerID, on: db).filter(viewer.canRead).compactMap(\.id)
    }

    /// Cases matching what someone typed in the inbox search: a case number ("1042" or "#1042"),
    /// an email address, or the start of a customer's name. Each reads an index.
    func search(_ text: String, limit: Int = 50) async throws -> [SupportCase] {
        let query = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty else { return [] }
        if let number = Int64(query.hasPrefix("#") ? String(query.dropFirst()) : query) {
            return try await SupportCase.query(on: db).filter(\.$number == number).all()
        }
        var customerIDs: [UUID] = []
        if query.contains("@") {
            if let identity = try? Identity(kind: .email, raw: query),
                let owner = try await CustomerDirectory(db: db, now: .distantPast).owner(of: identity)
            {
                customerIDs = [owner.id]
            }
        } else {
            let key = Customer.nameKey(query)
            customerIDs = try await Customer.query(on: db).filter(\.$nameKey >= key)
                .filter(\.$nameKey < key + "\u{10FFFF}").filter(\.$mergedIntoID == nil).limit(20).all()
                .compactMap(\.id)
        }
        guard !customerIDs.isEmpty else { return [] }
        return try await SupportCase.query(on: db).filter(\.$customer.$id ~~ customerIDs)
            .sort(\.$lastActivityAt, .descending).limit(limit).all()
    }

    /// Attachments of these entries, grouped by entry.
    func attachments(of entries: [TimelineEntry]) async throws -> [UUID: [Attachment]] {
        let ids = entries.compactMap(\.id)
        guard !ids.isEmpty else { return [:] }
        let all = try await Attachment.query(on: db).filter(\.$entry.$id ~~ ids).sort(\.$createdAt).all()
        return Dictionary(grouping: all, by: { $0.$entry.id })
    }

    /// Entries with their attachments, as one API page.
    func entryPage(_ entries: [TimelineEntry], limit: Int) async throws -> ListPage<EntryDTO> {
        let files = try await attachments(of: entries)
        let items = try entries.map { try EntryDTO($0, attachments: files[$0.requireID()] ?? []) }
        let next = entries.count == limit ? entries.last.map { PageCursor(at: $0.occurredAt, id: $0.id!).encoded } : nil
        return ListPage(items: items, nextCursor: next)
    }
}
