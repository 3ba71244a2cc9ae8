import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// The bot's figures for leads over a period: containment, escalation by reason, time-to-human.
enum BotReports {
    /// The report for `from ..< to` as the API and the page give it: the period's figures, and the
    /// messages waiting for the bot's answer now.
    static func build(from: Date, to: Date, now: Date, on db: any Database) async throws -> BotReportDTO {
        var dto = try await figures(from: from, to: to, now: now, on: db)
        let backlog = try await BotDesk.backlog(on: db)
        dto.awaitingAnswer = backlog.messages
        dto.oldestAwaitingSeconds = backlog.oldestSince.map { max(0, now.timeIntervalSince($0)) }
        return dto
    }

    /// The conversations that started in `from ..< to`, judged as things stand at `now` (the
    /// backlog left at zero: it is not a figure of the period).
    static func figures(from: Date, to: Date, now: Date, on db: any Database) async throws -> BotReportDTO {
        struct Row: Decodable {
            var customerId: UUID
            var state: BotReport.State
            var handOverReasons: String?
            var handedOverAt: Date?
            var firstHumanAt: Date?
            var resolvedAt: Date?
        }
        let rows = try await db.sql.raw(
            """
            SELECT customer_id, state, hand_over_reasons, handed_over_at, first_human_at, resolved_at \
            FROM bot_conversations WHERE started_at >= \(bind: from) AND started_at < \(bind: to)
            """
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        let returned = try await repeatContacts(
            after: rows.compactMap { row in row.resolvedAt.map { (row.customerId, $0) } }, on: db)
        let conversations = rows.map { row in
            BotReport.Conversation(
                state: row.state,
                reasons: (row.handOverReasons ?? "").split(separator: ",").compactMap {
                    HandOverDecision.Reason(rawValue: String($0))
                },
                handedOverAt: row.handedOverAt, firstHumanAt: row.firstHumanAt, resolvedAt: row.resolvedAt,
                repeatContact: row.resolvedAt.map { returned.contains(Contact(customer: row.customerId, at: $0)) }
                    ?? false)
        }
        struct Count: Decodable { var n: Int }
        let bypassed =
            try await db.sql.raw(
                """
                SELECT COUNT(*) AS n FROM cases c JOIN tiers t ON t.key = c.tier \
                WHERE t.bypass_bot = \(bind: true) AND c.channel IN ('chat', 'social', 'email') \
                AND c.created_at >= \(bind: from) AND c.created_at < \(bind: to)
                """
            ).first(decoding: Count.self)?.n ?? 0
        return BotReportDTO(BotReport(conversations, now: now), from: from, to: to, bypassed: bypassed)
    }

    struct Contact: Hashable {
        var customer: UUID
        var at: Date
    }

    /// Of the (customer, resolved at) pairs, those where the customer wrote again within 7 days.
    static func repeatContacts(after resolutions: [(UUID, Date)], on db: any Database) async throws -> Set<Contact> {
        guard let earliest = resolutions.map(\.1).min(), let latest = resolutions.map(\.1).max() else { return [] }
        let written = Dictionary(
            grouping: try await CustomerContacts.inbound(
                of: Array(Set(resolutions.map(\.0))), after: earliest, until: latest + BotReport.repeatWindow, on: db),
            by: \.customerId)
        var found = Set<Contact>()
        for (customer, resolvedAt) in resolutions
        where written[customer]?.contains(where: { $0.at > resolvedAt && $0.at <= resolvedAt + BotReport.repeatWindow })
            == true
        {
            found.insert(Contact(customer: customer, at: resolvedAt))
        }
        return found
    }
}
