import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// The service levels a new install starts with; admins change them from the first day.
///
/// Premium customers are served around the clock and faster; standard customers on office hours.
enum ServiceLevelDefaults {
    struct Target {
        var channel: ContactChannel
        var first: Int?
        var next: Int?
        var resolution: Int?
    }

    static let premium: [Target] = [
        Target(channel: .email, first: 60, next: 120, resolution: 8 * 60),
        Target(channel: .webForm, first: 60, next: 120, resolution: 8 * 60),
        Target(channel: .chat, first: 2, next: 5, resolution: 2 * 60),
        Target(channel: .phone, first: 15, next: 60, resolution: 8 * 60),
        Target(channel: .social, first: 30, next: 60, resolution: 8 * 60),
    ]

    static let standard: [Target] = [
        Target(channel: .email, first: 4 * 60, next: 8 * 60, resolution: 3 * 10 * 60),
        Target(channel: .webForm, first: 4 * 60, next: 8 * 60, resolution: 3 * 10 * 60),
        Target(channel: .chat, first: 5, next: 15, resolution: 4 * 60),
        Target(channel: .phone, first: 60, next: 4 * 60, resolution: 3 * 10 * 60),
        Target(channel: .social, first: 2 * 60, next: 4 * 60, resolution: 3 * 10 * 60),
    ]

    static func insert(on db: any Database, at now: Date) async throws {
        let sql = db.sql
        for (key, name, priority) in [("standard", "Standard", 0), ("premium", "Premium", 10)] {
            try await sql.insert(into: "tiers").columns("id", "key", "name", "priority", "created_at")
                .values(SQLBind(UUID()), SQLBind(key), SQLBind(name), SQLBind(priority), SQLBind(now)).run()
        }
        let always = UUID()
        let office = UUID()
        for (id, name, zone, hours) in [
            (always, "24/7", "UTC", "24/7"), (office, "Office hours", "Europe/London", "mon-fri 08:00-18:00"),
        ] {
            try await sql.insert(into: "calendars")
                .columns("id", "name", "time_zone", "hours", "holidays", "created_at", "updated_at")
                .values(
                    SQLBind(id), SQLBind(name), SQLBind(zone), SQLBind(hours), SQLBind(""), SQLBind(now), SQLBind(now)
                ).run()
        }
        for (tier, calendar, targets) in [("premium", always, premium), ("standard", office, standard)] {
            for target in targets {
                try await sql.insert(into: "sla_targets")
                    .columns(
                        "id", "tier_key", "channel", "calendar_id", "first_response_minutes", "next_response_minutes",
                        "resolution_minutes", "version", "updated_at"
                    )
                    .values(
                        SQLBind(UUID()), SQLBind(tier), SQLBind(target.channel.rawValue), SQLBind(calendar),
                        SQLBind(target.first), SQLBind(target.next), SQLBind(target.resolution), SQLBind(1),
                        SQLBind(now)
                    ).run()
            }
        }
        try await sql.insert(into: "service_settings")
            .columns(
                "id", "name", "risk_percent", "escalation", "starvation_minutes", "frustration_bonus_minutes",
                "version", "updated_at"
            )
            .values(
                SQLBind(UUID()), SQLBind("current"), SQLBind(25), SQLBind(EscalationLadder.standard.text),
                SQLBind(60), SQLBind(15), SQLBind(1), SQLBind(now)
            ).run()
    }
}
