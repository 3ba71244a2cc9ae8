import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// A customer tier: a name, and the priority its cases get in routing.
struct TierRecord: Codable, Sendable, Equatable {
    var id: UUID
    var key: String
    var name: String
    /// Higher is served first.
    var priority: Int
    /// The tier's customers go straight to a person; the bot never meets them.
    var bypassBot: Bool

    enum CodingKeys: String, CodingKey {
        case id, key, name, priority
        case bypassBot = "bypass_bot"
    }
}

/// A business-hours calendar as stored.
struct CalendarRecord: Sendable, Equatable {
    var id: UUID
    var calendar: BusinessCalendar
    var updatedAt: Date
}

/// The SLA targets for one tier on one channel.
struct TargetRecord: Sendable, Equatable {
    var id: UUID
    var tierKey: String
    var channel: ContactChannel
    var calendarID: UUID
    var targets: SLATargets
    var version: Int
    var updatedAt: Date
}

/// Settings that shape SLA escalation and routing.
struct ServiceSettings: Sendable, Equatable {
    /// A clock is "at risk" once this share of its target is left.
    var riskPercent: Int
    var ladder: EscalationLadder
    var routing: RoutingRules
    var version: Int
    var updatedAt: Date

    var riskFraction: Double { Double(riskPercent) / 100 }
}

/// Everything SLA clocks and routing read about tiers, calendars and targets, loaded in one go.
struct ServiceCatalog: Sendable {
    var tiers: [TierRecord]
    var calendars: [UUID: CalendarRecord]
    var targets: [TargetRecord]
    var settings: ServiceSettings

    func tier(_ key: String) -> TierRecord? { tiers.first { $0.key == key } }

    func target(tier: String, channel: ContactChannel) -> TargetRecord? {
        targets.first { $0.tierKey == tier && $0.channel == channel }
    }

    func calendar(_ id: UUID) -> BusinessCalendar {
        calendars[id]?.calendar ?? .alwaysOpen()
    }

    /// How a clock names the rule it runs under: "premium · email · v3 · Office hours".
    func policyLabel(_ target: TargetRecord) -> String {
        "\(target.tierKey) · \(target.channel.rawValue) · v\(target.version) · \(calendar(target.calendarID).name)"
    }

    static func load(on db: any Database) async throws -> ServiceCatalog {
        struct CalendarRow: Decodable {
            var id: UUID
            var name: String
            var timeZone: String
            var hours: String
            var holidays: String
            var updatedAt: Date
        }
        struct TargetRow: Decodable {
            var id: UUID
            var tierKey: String
            var channel: ContactChannel
            var calendarId: UUID
            var firstResponseMinutes: Int?
            var nextResponseMinutes: Int?
            var resolutionMinutes: Int?
            var version: Int
            var updatedAt: Date
        }
        struct SettingsRow: Decodable {
            var riskPercent: Int
            var escalation: String
            var starvationMinutes: Int
            var frustrationBonusMinutes: Int
            var version: Int
            var updatedAt: Date
        }
        let sql = db.sql
        let tiers = try await sql.raw(
            "SELECT id, key, name, priority, bypass_bot FROM tiers ORDER BY priority DESC, key"
        )
        .all(decoding: TierRecord.self)
        let calendars = try await sql.raw("SELECT * FROM calendars ORDER BY name")
            .all(decoding: CalendarRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        let targets = try await sql.raw("SELECT * FROM sla_targets ORDER BY tier_key, channel")
            .all(decoding: TargetRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        guard
            let settings = try await sql.raw("SELECT * FROM service_settings WHERE name = 'current'")
                .first(decoding: SettingsRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        else { throw ServiceCatalogError.missingSettings }
        var byID: [UUID: CalendarRecord] = [:]
        for row in calendars {
            // Stored text was validated when saved; a row that no longer parses counts as always open.
            let weekly = (try? BusinessCalendar.parseHours(row.hours)) ?? BusinessCalendar.alwaysOpen().weekly
            let holidays = (try? BusinessCalendar.parseHolidays(row.holidays)) ?? []
            byID[row.id] = CalendarRecord(
                id: row.id,
                calendar: BusinessCalendar(
                    name: row.name, timeZoneID: row.timeZone, weekly: weekly, holidays: holidays),
                updatedAt: row.updatedAt)
        }
        return ServiceCatalog(
            tiers: tiers, calendars: byID,
            targets: targets.map {
                TargetRecord(
                    id: $0.id, tierKey: $0.tierKey, channel: $0.channel, calendarID: $0.calendarId,
                    targets: SLATargets(
                        firstResponseMinutes: $0.firstResponseMinutes, nextResponseMinutes: $0.nextResponseMinutes,
                        resolutionMinutes: $0.resolutionMinutes),
                    version: $0.version, updatedAt: $0.updatedAt)
            },
            settings: ServiceSettings(
                riskPercent: settings.riskPercent,
                ladder: (try? EscalationLadder.parse(settings.escalation)) ?? .standard,
                routing: RoutingRules(
                    starvationSeconds: settings.starvationMinutes * 60,
                    frustrationBonusSeconds: settings.frustrationBonusMinutes * 60),
                version: settings.version, updatedAt: settings.updatedAt))
    }
}

enum ServiceCatalogError: Error, CustomStringConvertible {
    case missingSettings
    var description: String { "the service_settings row is missing: run `fairdesk migrate`" }
}

/// The catalog, kept for a few seconds so the hot paths (every inbound message starts or moves a
/// clock) do not reread it. A change made in this process is seen at once; another process sees
/// it within ``lifetime``.
final class CatalogCache: @unchecked Sendable {
    private let lock = NSLock()
    private var cached: (catalog: ServiceCatalog, loadedAt: Date)?
    let lifetime: TimeInterval = 5

    func catalog(on db: any Database, now: Date) async throws -> ServiceCatalog {
        if let hit = lock.withLock({ cached }), abs(now.timeIntervalSince(hit.loadedAt)) < lifetime {
            return hit.catalog
        }
        let fresh = try await ServiceCatalog.load(on: db)
        lock.withLock { cached = (fresh, now) }
        return fresh
    }

    func invalidate() { lock.withLock { cached = nil } }
}
