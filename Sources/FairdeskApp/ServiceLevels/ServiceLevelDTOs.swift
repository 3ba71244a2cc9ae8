import FairdeskCore
import Foundation
import Vapor

/// Tiers, calendars, targets and settings, as `GET /api/v1/service-levels` answers.
struct ServiceLevelsDTO: Content {
    struct Tier: Content {
        var key: String
        var name: String
        var priority: Int
        /// The tier's customers go straight to a person.
        var bypassBot: Bool
    }
    struct Calendar: Content {
        var id: UUID
        var name: String
        var timeZone: String
        var hours: String
        var holidays: String
    }
    struct Target: Content {
        var tier: String
        var channel: String
        var calendar: String
        var firstResponseMinutes: Int?
        var nextResponseMinutes: Int?
        var resolutionMinutes: Int?
        var version: Int
        var updatedAt: Date
    }
    struct Settings: Content {
        var riskPercent: Int
        var escalation: String
        var starvationMinutes: Int
        var frustrationBonusMinutes: Int
        var version: Int
        var updatedAt: Date
    }
    var tiers: [Tier]
    var calendars: [Calendar]
    var targets: [Target]
    var settings: Settings

    init(_ catalog: ServiceCatalog) {
        tiers = catalog.tiers.map { Tier(key: $0.key, name: $0.name, priority: $0.priority, bypassBot: $0.bypassBot) }
        calendars = catalog.calendars.values.sorted { $0.calendar.name < $1.calendar.name }.map {
            Calendar(
                id: $0.id, name: $0.calendar.name, timeZone: $0.calendar.timeZoneID, hours: $0.calendar.hoursText,
                holidays: $0.calendar.holidaysText)
        }
        targets = catalog.targets.map {
            Target(
                tier: $0.tierKey, channel: $0.channel.rawValue, calendar: catalog.calendar($0.calendarID).name,
                firstResponseMinutes: $0.targets.firstResponseMinutes,
                nextResponseMinutes: $0.targets.nextResponseMinutes, resolutionMinutes: $0.targets.resolutionMinutes,
                version: $0.version, updatedAt: $0.updatedAt)
        }
        let settings = catalog.settings
        self.settings = Settings(
            riskPercent: settings.riskPercent, escalation: settings.ladder.text,
            starvationMinutes: settings.routing.starvationSeconds / 60,
            frustrationBonusMinutes: settings.routing.frustrationBonusSeconds / 60, version: settings.version,
            updatedAt: settings.updatedAt)
    }
}

struct TierRequest: Content {
    var key: String
    var name: String
    var priority: Int
    var bypassBot: Bool?
}

struct CalendarRequest: Content {
    var name: String
    var timeZone: String
    var hours: String
    var holidays: String?
}

struct TargetRequest: Content {
    var tier: String
    var channel: String
    var calendar: String
    var firstResponseMinutes: Int?
    var nextResponseMinutes: Int?
    var resolutionMinutes: Int?
    var reason: String
}

struct ServiceSettingsRequest: Content {
    var riskPercent: Int
    var escalation: String
    var starvationMinutes: Int
    var frustrationBonusMinutes: Int
    var reason: String
}

struct CustomerTierRequest: Content {
    var tier: String
    var reason: String
}

struct AgentProfileRequest: Content {
    var skills: String
    var capacity: String
}

struct AgentProfileDTO: Content {
    var userId: UUID
    var skills: String
    var capacity: String
    var availability: String
    var availabilitySince: Date

    init(_ profile: AgentProfile) {
        userId = profile.userID
        skills = AgentProfile.skillsText(profile.skills)
        capacity = AgentProfile.capacityText(profile.capacity)
        availability = profile.availability.rawValue
        availabilitySince = profile.availabilitySince
    }
}

struct AvailabilityRequest: Content {
    var availability: String
}

struct QueueSkillsRequest: Content {
    var requiredSkills: String
}

struct FrustrationRequest: Content {
    var frustrated: Bool
    var reason: String
}

/// One SLA clock of a case, as people read it.
struct SLAClockDTO: Content {
    var metric: String
    var label: String
    var policy: String
    var targetMinutes: Int
    var startedAt: Date
    var dueAt: Date?
    var state: String
    /// Business seconds left; negative once overdue.
    var secondsLeft: Int
    var stoppedAt: Date?
    var breachedAt: Date?

    init(_ stored: StoredClock, catalog: ServiceCatalog, now: Date) {
        let status = stored.clock.status(
            at: now, calendar: catalog.calendar(stored.calendarID), riskFraction: catalog.settings.riskFraction)
        metric = stored.clock.metric.rawValue
        label = stored.clock.metric.label
        policy = stored.policy
        targetMinutes = stored.clock.targetSeconds / 60
        startedAt = stored.clock.startedAt
        dueAt = status.dueAt ?? stored.clock.dueAt
        state = status.state.rawValue
        secondsLeft = status.businessSecondsLeft
        stoppedAt = stored.clock.stoppedAt
        breachedAt = stored.clock.breachedAt
    }
}

struct NotificationDTO: Content {
    var id: UUID
    var caseId: UUID?
    var kind: String
    var body: String
    var link: String?
    var createdAt: Date
    var readAt: Date?

    init(_ row: Notifications.Row) {
        id = row.id
        caseId = row.caseId
        kind = row.kind
        body = row.body
        link = row.link
        createdAt = row.createdAt
        readAt = row.readAt
    }
}

/// What a lead sees of the queues right now.
struct QueueStateDTO: Content {
    struct Waiting: Content {
        var tier: String
        var waiting: Int
        var oldestWaitingSince: Date?
        var oldestWaitSeconds: Int
    }
    struct Agent: Content {
        var userId: UUID
        var name: String
        var availability: String
        var openCases: Int
        var capacity: Int
    }
    var waiting: [Waiting]
    var agents: [Agent]
    var breachesToday: Int
    var escalationsToday: Int
}
