import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// A scorecard figure whose contacts can be opened: the name the API and the page use for it.
enum ScorecardFigure: String, CaseIterable, Sendable, Codable {
    case contacts
    case firstContactResolution = "first_contact_resolution"
    case satisfaction
    case slaAttainment = "sla_attainment"
    case promisesKept = "promises_kept"
    case transfers

    /// The figure's name on the page.
    var title: String {
        switch self {
        case .contacts: "Contacts"
        case .firstContactResolution: "First-contact resolution"
        case .satisfaction: "Satisfaction (answers put down to you)"
        case .slaAttainment: "SLA targets met on your cases"
        case .promisesKept: "Promises kept on time"
        case .transfers: "Transfers you made, with your notes"
        }
    }

    /// The names, for an error that lists them.
    static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

extension Scorecards {
    // MARK: Counts

    /// The response and resolution clocks of the agent's cases that stopped in the period, or
    /// breached in it without stopping, as a condition on the clock `k`; met when they stopped before
    /// breaching.
    ///
    /// Resolving or closing a case stops its clocks and writes to its timeline, which moves its last
    /// activity; so a resolved or closed case last active before the period has no clock that stopped
    /// or breached in it. Only the agent's active cases and those active since the period began are
    /// looked at, two ranges of `cases_by_owner`, instead of every case the agent ever owned.
    func settledClocks(_ agentID: UUID, from: Date, to: Date) -> SQLQueryString {
        let active = CaseStatus.allCases.filter(\.isActive).map(\.rawValue)
        let done = CaseStatus.allCases.filter { !$0.isActive }.map(\.rawValue)
        return """
            k.case_id IN (SELECT id FROM cases WHERE owner_id = \(bind: agentID) AND status IN (\(binds: active)) \
            UNION ALL SELECT id FROM cases WHERE owner_id = \(bind: agentID) AND status IN (\(binds: done)) \
            AND last_activity_at >= \(bind: from)) \
            AND ((k.stopped_at >= \(bind: from) AND k.stopped_at < \(bind: to)) \
            OR (k.stopped_at IS NULL AND k.breached_at >= \(bind: from) AND k.breached_at < \(bind: to)))
            """
    }

    /// The agent's promises that fell due in the period (and by now); `p` is the promise.
    func duePromises(_ agentID: UUID, from: Date, to: Date) -> SQLQueryString {
        """
        p.owner_id = \(bind: agentID) AND p.due_at >= \(bind: from) AND p.due_at < \(bind: to) \
        AND p.due_at <= \(bind: now)
        """
    }

    private struct Counts: Decodable {
        var successes: Int
        var trials: Int
    }

    func slaCounts(_ agentID: UUID, from: Date, to: Date) async throws -> Proportion {
        let counts = try await db.sql.raw(
            """
            SELECT COALESCE(SUM(CASE WHEN k.breached_at IS NULL THEN 1 ELSE 0 END), 0) AS successes, \
            COUNT(*) AS trials FROM sla_clocks k WHERE \(settledClocks(agentID, from: from, to: to))
            """
        ).first(decoding: Counts.self)
        return Proportion(successes: counts?.successes ?? 0, trials: counts?.trials ?? 0)!
    }

    func promiseCounts(_ agentID: UUID, from: Date, to: Date) async throws -> Proportion {
        let counts = try await db.sql.raw(
            """
            SELECT COALESCE(SUM(CASE WHEN p.kept_at IS NOT NULL AND p.kept_at <= p.due_at THEN 1 ELSE 0 END), 0) \
            AS successes, COUNT(*) AS trials FROM promises p WHERE \(duePromises(agentID, from: from, to: to))
            """
        ).first(decoding: Counts.self)
        return Proportion(successes: counts?.successes ?? 0, trials: counts?.trials ?? 0)!
    }

    // MARK: The contacts behind a figure

    /// The contacts behind one figure of `agent`'s scorecard, oldest first; for contacts, only those
    /// on `channel` when one is given.
    func items(of agent: User, figure: ScorecardFigure, channel: String?, from: Date, to: Date) async throws
        -> [ScorecardDTO.Item]
    {
        let agentID = try agent.requireID()
        let items: [ScorecardDTO.Item]
        switch figure {
        case .contacts, .transfers:
            items = try await authoredItems(agentID, figure: figure, channel: channel, from: from, to: to)
        case .firstContactResolution:
            items = try await firstContactResolutions(agentID, from: from, to: to).map {
                let detail =
                    switch $0.outcome {
                    case .resolved?: "resolved first time"
                    case .repeated?: "the customer wrote again within 7 days"
                    default: "less than 7 days ago: not counted yet"
                    }
                return ScorecardDTO.Item(caseId: $0.caseID, caseNumber: $0.number, at: $0.resolvedAt, detail: detail)
            }
        case .satisfaction:
            items = (try await satisfactionAnswers(of: [agentID], from: from, to: to)[agentID] ?? []).map {
                ScorecardDTO.Item(
                    caseId: $0.caseId, caseNumber: $0.number, at: $0.answeredAt,
                    detail: $0.solved
                        ? "yes" : "no: " + ($0.reason ?? "no reason").replacingOccurrences(of: "_", with: " "))
            }
        case .slaAttainment:
            struct Clock: Decodable {
                var caseId: UUID
                var number: Int64
                var metric: String
                var stoppedAt: Date?
                var breachedAt: Date?
            }
            items = try await db.sql.raw(
                """
                SELECT k.case_id, c.number, k.metric, k.stopped_at, k.breached_at FROM sla_clocks k \
                JOIN cases c ON c.id = k.case_id WHERE \(settledClocks(agentID, from: from, to: to))
                """
            ).all(decoding: Clock.self, keyDecodingStrategy: .convertFromSnakeCase).map {
                ScorecardDTO.Item(
                    caseId: $0.caseId, caseNumber: $0.number, at: $0.stoppedAt ?? $0.breachedAt ?? from,
                    detail: $0.metric.replacingOccurrences(of: "_", with: " ")
                        + ($0.breachedAt == nil ? ": met" : ": missed"))
            }
        case .promisesKept:
            struct Promise: Decodable {
                var caseId: UUID
                var number: Int64
                var kind: String
                var dueAt: Date
                var keptAt: Date?
            }
            items = try await db.sql.raw(
                """
                SELECT p.case_id, c.number, p.kind, p.due_at, p.kept_at FROM promises p \
                JOIN cases c ON c.id = p.case_id WHERE \(duePromises(agentID, from: from, to: to))
                """
            ).all(decoding: Promise.self, keyDecodingStrategy: .convertFromSnakeCase).map { promise in
                let kept = promise.keptAt.map { $0 <= promise.dueAt ? "kept on time" : "kept late" } ?? "not kept"
                return ScorecardDTO.Item(
                    caseId: promise.caseId, caseNumber: promise.number, at: promise.dueAt,
                    detail: "\(promise.kind): \(kept)")
            }
        }
        return items.sorted { ($0.at, $0.caseNumber) < ($1.at, $1.caseNumber) }
    }

    /// The cases the agent answered (a case once per channel, at its first answer there), or the
    /// transfers they made with the handoff note each carried.
    private func authoredItems(
        _ agentID: UUID, figure: ScorecardFigure, channel: String?, from: Date, to: Date
    ) async throws -> [ScorecardDTO.Item] {
        struct Entry: Decodable {
            var caseId: UUID
            var number: Int64
            var channel: String
            var occurredAt: Date
            var body: String
        }
        let kinds: SQLQueryString =
            figure == .transfers ? "t.kind = 'transfer'" : "t.kind IN ('message', 'call')"
        let onChannel: SQLQueryString = channel.map { " AND t.channel = \(bind: $0)" } ?? ""
        // Only a transfer's text (its handoff note) is read: a reply's words are not the figure.
        let entries = try await db.sql.raw(
            """
            SELECT t.case_id, c.number, t.channel, t.occurred_at, \
            CASE WHEN t.kind = 'transfer' THEN t.body ELSE '' END AS body \
            FROM timeline_entries t JOIN cases c ON c.id = t.case_id \
            WHERE \(authored(by: agentID, from: from, to: to)) AND \(kinds)\(onChannel) ORDER BY t.occurred_at
            """
        ).all(decoding: Entry.self, keyDecodingStrategy: .convertFromSnakeCase)
        if figure == .transfers {
            return entries.map {
                ScorecardDTO.Item(caseId: $0.caseId, caseNumber: $0.number, at: $0.occurredAt, detail: $0.body)
            }
        }
        var seen = Set<String>()
        return entries.filter { seen.insert("\($0.channel) \($0.caseId)").inserted }.map {
            ScorecardDTO.Item(caseId: $0.caseId, caseNumber: $0.number, at: $0.occurredAt, detail: $0.channel)
        }
    }
}
