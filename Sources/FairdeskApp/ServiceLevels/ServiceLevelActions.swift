import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// Changes to tiers, calendars, SLA targets, service settings, agent profiles and availability,
/// the same for the JSON API and the admin pages. Each checks its input (naming every broken rule),
/// writes in one transaction, and records who changed what and why.
struct ServiceLevelActions {
    let app: Application
    let viewer: Viewer

    init(_ req: Request) async throws {
        self.app = req.application
        self.viewer = try await req.viewer()
    }

    private var now: Date { app.fairdesk.clock.now }

    private func requireAdmin() throws {
        guard viewer.role == .admin else { throw ApiError.forbidden("only an admin changes service levels") }
    }

    /// Writes, then drops the cached catalog so the change applies at once in this process.
    private func change<T: Sendable>(_ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        let result = try await app.write(work)
        app.fairdesk.catalog.invalidate()
        return result
    }

    func createTier(_ input: TierRequest) async throws {
        try requireAdmin()
        var checks = Checks()
        let key = checks.text(input.key, field: "key", max: 40)
        if let key, !key.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_" }) {
            checks.add("key", "must be lower-case letters, digits and dashes, like \"gold\"")
        }
        let name = checks.text(input.name, field: "name", max: 100)
        _ = checks.integer(input.priority, field: "priority", in: 0...1000)
        try checks.finish()
        let (actor, now) = (viewer.actor, now)
        try await change { db in
            if try await db.sql.raw("SELECT key FROM tiers WHERE key = \(bind: key!)").first() != nil {
                throw ApiError.conflict("is already a tier", field: "key")
            }
            let id = UUID()
            try await db.insertRow(
                "tiers",
                [
                    ("id", id), ("key", key!), ("name", name!), ("priority", input.priority),
                    ("bypass_bot", input.bypassBot ?? false), ("created_at", now),
                ])
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "tier.created", subjectType: "tier", subjectID: id,
                reason: nil,
                details: [
                    "key": key!, "priority": String(input.priority), "bypass_bot": String(input.bypassBot ?? false),
                ])
        }
    }

    /// Creates the calendar, or replaces the hours of the one with the same name.
    func saveCalendar(_ input: CalendarRequest) async throws {
        try requireAdmin()
        var checks = Checks()
        let name = checks.text(input.name, field: "name", max: 100)
        var calendar: BusinessCalendar?
        do {
            let weekly = try BusinessCalendar.parseHours(input.hours)
            let holidays = try BusinessCalendar.parseHolidays(input.holidays ?? "")
            let candidate = BusinessCalendar(
                name: name ?? "", timeZoneID: input.timeZone.trimmingCharacters(in: .whitespaces), weekly: weekly,
                holidays: holidays)
            try candidate.validate()
            calendar = candidate
        } catch {
            for problem in error.problems { checks.add(problem.field, problem.rule) }
        }
        try checks.finish()
        let (actor, now, calendarValue) = (viewer.actor, now, calendar!)
        try await change { db in
            struct Found: Decodable { var id: UUID }
            let existing = try await db.sql.raw("SELECT id FROM calendars WHERE name = \(bind: name!)")
                .first(decoding: Found.self)
            let id = existing?.id ?? UUID()
            if existing != nil {
                try await db.sql.raw(
                    """
                    UPDATE calendars SET time_zone = \(bind: calendarValue.timeZoneID), \
                    hours = \(bind: calendarValue.hoursText), holidays = \(bind: calendarValue.holidaysText), \
                    updated_at = \(bind: now) WHERE id = \(bind: id)
                    """
                ).run()
            } else {
                try await db.insertRow(
                    "calendars",
                    [
                        ("id", id), ("name", name!), ("time_zone", calendarValue.timeZoneID),
                        ("hours", calendarValue.hoursText), ("holidays", calendarValue.holidaysText),
                        ("created_at", now), ("updated_at", now),
                    ])
            }
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: existing == nil ? "calendar.created" : "calendar.changed",
                subjectType: "calendar", subjectID: id, reason: nil,
                details: [
                    "name": name!, "timeZone": calendarValue.timeZoneID, "hours": calendarValue.hoursText,
                    "holidays": calendarValue.holidaysText,
                ])
        }
    }

    /// Sets one tier's targets on one channel. The version goes up, so clocks started before the
    /// change keep naming the rule they ran under.
    func saveTarget(_ input: TargetRequest) async throws {
        try requireAdmin()
        let catalog = try await app.serviceCatalog(on: app.db)
        var checks = Checks()
        if catalog.tier(input.tier) == nil {
            checks.add("tier", "must be one of " + catalog.tiers.map(\.key).joined(separator: ", "))
        }
        let channel = checks.oneOf(input.channel, field: "channel", as: ContactChannel.self)
        let calendar = catalog.calendars.values.first { $0.calendar.name == input.calendar }
        if calendar == nil {
            checks.add(
                "calendar",
                "must be one of " + catalog.calendars.values.map(\.calendar.name).sorted().joined(separator: ", "))
        }
        let targets = SLATargets(
            firstResponseMinutes: input.firstResponseMinutes, nextResponseMinutes: input.nextResponseMinutes,
            resolutionMinutes: input.resolutionMinutes)
        do { try targets.validate() } catch {
            for problem in error.problems { checks.add(problem.field, problem.rule) }
        }
        let reason = checks.text(input.reason, field: "reason", max: 1000)
        try checks.finish()
        let (actor, now, calendarID) = (viewer.actor, now, calendar!.id)
        try await change { db in
            let existing = catalog.target(tier: input.tier, channel: channel!)
            let version = (existing?.version ?? 0) + 1
            let id = existing?.id ?? UUID()
            try await db.sql.raw("DELETE FROM sla_targets WHERE id = \(bind: id)").run()
            try await db.insertRow(
                "sla_targets",
                [
                    ("id", id), ("tier_key", input.tier), ("channel", channel!.rawValue), ("calendar_id", calendarID),
                    ("first_response_minutes", targets.firstResponseMinutes),
                    ("next_response_minutes", targets.nextResponseMinutes),
                    ("resolution_minutes", targets.resolutionMinutes), ("version", version), ("updated_at", now),
                    ("updated_by_id", actor.id),
                ])
            func text(_ value: Int?) -> String { value.map(String.init) ?? "none" }
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "sla_target.changed", subjectType: "sla_target", subjectID: id,
                reason: reason,
                details: [
                    "tier": input.tier, "channel": channel!.rawValue, "calendar": input.calendar,
                    "firstResponseMinutes": text(targets.firstResponseMinutes),
                    "nextResponseMinutes": text(targets.nextResponseMinutes),
                    "resolutionMinutes": text(targets.resolutionMinutes),
                ],
                policyVersion: "\(input.tier) · \(channel!.rawValue) · v\(version)")
        }
    }

    func saveSettings(_ input: ServiceSettingsRequest) async throws {
        try requireAdmin()
        var checks = Checks()
        _ = checks.integer(input.riskPercent, field: "riskPercent", in: 1...99)
        var ladder: EscalationLadder?
        do { ladder = try EscalationLadder.parse(input.escalation) } catch {
            for problem in error.problems { checks.add(problem.field, problem.rule) }
        }
        _ = checks.integer(input.starvationMinutes, field: "starvationMinutes", in: 1...10_080)
        _ = checks.integer(input.frustrationBonusMinutes, field: "frustrationBonusMinutes", in: 0...1440)
        let reason = checks.text(input.reason, field: "reason", max: 1000)
        try checks.finish()
        let (actor, now, ladderText) = (viewer.actor, now, ladder!.text)
        try await change { db in
            struct Current: Decodable {
                var id: UUID
                var version: Int
            }
            guard
                let current = try await db.sql.raw("SELECT id, version FROM service_settings WHERE name = 'current'")
                    .first(decoding: Current.self)
            else { throw ServiceCatalogError.missingSettings }
            try await db.sql.raw(
                """
                UPDATE service_settings SET risk_percent = \(bind: input.riskPercent), escalation = \(bind: ladderText), \
                starvation_minutes = \(bind: input.starvationMinutes), \
                frustration_bonus_minutes = \(bind: input.frustrationBonusMinutes), version = version + 1, \
                updated_at = \(bind: now), updated_by_id = \(bind: actor.id) WHERE id = \(bind: current.id)
                """
            ).run()
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "service_settings.changed", subjectType: "service_settings",
                subjectID: current.id, reason: reason,
                details: [
                    "riskPercent": String(input.riskPercent), "escalation": ladderText,
                    "starvationMinutes": String(input.starvationMinutes),
                    "frustrationBonusMinutes": String(input.frustrationBonusMinutes),
                ],
                policyVersion: "service settings v\(current.version + 1)")
        }
    }

    /// Moves a customer to another tier; their new cases get its targets and priority.
    func setCustomerTier(_ customerID: UUID?, _ input: CustomerTierRequest) async throws {
        guard viewer.isSupervisor else { throw ApiError.forbidden("only leads and admins change a customer's tier") }
        let catalog = try await app.serviceCatalog(on: app.db)
        var checks = Checks()
        if catalog.tier(input.tier) == nil {
            checks.add("tier", "must be one of " + catalog.tiers.map(\.key).joined(separator: ", "))
        }
        let reason = checks.text(input.reason, field: "reason", max: 1000)
        try checks.finish()
        let (actor, now) = (viewer.actor, now)
        try await app.write { db in
            // A merged-away id reaches the customer it was merged into.
            guard let customerID, let customer = try await CustomerDirectory(db: db, now: now).current(customerID),
                let currentID = customer.id
            else {
                throw ApiError.notFound("customer")
            }
            let from = customer.tier
            customer.tier = input.tier
            customer.updatedAt = now
            try await customer.save(on: db)
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "customer.tier_changed", subjectType: "customer",
                subjectID: currentID, reason: reason, details: ["from": from, "to": input.tier])
        }
    }

    /// Sets an agent's skills and capacity (leads and admins).
    func saveProfile(userID: UUID?, _ input: AgentProfileRequest) async throws -> AgentProfile {
        guard viewer.isSupervisor else { throw ApiError.forbidden("only leads and admins set skills and capacity") }
        var checks = Checks()
        var skills: Set<String> = []
        var capacity: [ContactChannel: Int] = [:]
        do { skills = try AgentProfile.parseSkills(input.skills) } catch {
            for problem in error.problems { checks.add(problem.field, problem.rule) }
        }
        do { capacity = try AgentProfile.parseCapacity(input.capacity) } catch {
            for problem in error.problems { checks.add(problem.field, problem.rule) }
        }
        try checks.finish()
        let (actor, now) = (viewer.actor, now)
        return try await app.write { [skills, capacity] db in
            guard let userID, let user = try await User.find(userID, on: db), Role.caseWorkers.contains(user.role)
            else {
                throw ApiError.notFound("agent")
            }
            var profile =
                try await AgentProfile.find(userID, on: db) ?? AgentProfile(userID: userID, since: now)
            profile.skills = skills
            profile.capacity = capacity
            try await profile.save(on: db)
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "agent.profile_changed", subjectType: "user", subjectID: userID,
                reason: nil,
                details: [
                    "skills": AgentProfile.skillsText(skills), "capacity": AgentProfile.capacityText(capacity),
                ])
            return profile
        }
    }

    /// An agent says whether they can take cases now. Becoming available asks the router to run soon.
    func setAvailability(_ input: AvailabilityRequest) async throws -> AgentProfile {
        guard viewer.isCaseWorker else { throw ApiError.forbidden("only agents, leads and admins take cases") }
        var checks = Checks()
        let availability = checks.oneOf(input.availability, field: "availability", as: AgentAvailability.self)
        try checks.finish()
        let (userID, now) = (viewer.userID, now)
        return try await app.write { db in
            var profile = try await AgentProfile.find(userID, on: db) ?? AgentProfile(userID: userID, since: now)
            if profile.availability != availability! {
                profile.availability = availability!
                profile.availabilitySince = now
            }
            try await profile.save(on: db)
            if availability == .available {
                try await JobQueue.enqueue(
                    on: db, kind: .routingAssign, dueAt: now, now: now, dedupeKey: JobKind.routingAssign.rawValue,
                    maxAttempts: Int(Int32.max))
            }
            return profile
        }
    }

    func setQueueSkills(_ queueID: UUID?, _ input: QueueSkillsRequest) async throws {
        guard viewer.isSupervisor else { throw ApiError.forbidden("only leads and admins manage queues") }
        var skills: Set<String> = []
        do { skills = try AgentProfile.parseSkills(input.requiredSkills, field: "requiredSkills") } catch {
            throw ApiError.invalid(error)
        }
        let (actor, now) = (viewer.actor, now)
        try await app.write { [skills] db in
            guard let queueID, try await Queue.find(queueID, on: db) != nil else { throw ApiError.notFound("queue") }
            try await db.sql.raw(
                "UPDATE queues SET required_skills = \(bind: AgentProfile.skillsText(skills)) WHERE id = \(bind: queueID)"
            ).run()
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "queue.skills_changed", subjectType: "queue", subjectID: queueID,
                reason: nil, details: ["requiredSkills": AgentProfile.skillsText(skills)])
        }
    }

    /// Flags (or unflags) a case's customer as frustrated, which moves it up the waiting list.
    func setFrustration(caseID: UUID?, _ input: FrustrationRequest) async throws {
        guard viewer.isCaseWorker else { throw ApiError.forbidden("only staff flag frustration") }
        var checks = Checks()
        let reason = checks.text(input.reason, field: "reason", max: 1000)
        try checks.finish()
        let viewer = viewer
        try await app.write { db in
            let supportCase = try await CaseActions.load(caseID, for: viewer, on: db)
            guard viewer.canWork(supportCase) else { throw ApiError.forbidden("you cannot work on this case") }
            guard supportCase.frustrated != input.frustrated else { return }
            supportCase.frustrated = input.frustrated
            try await supportCase.save(on: db)
            let work = try await app.caseWork(on: db, actor: viewer.actor)
            try await work.addEntry(
                to: supportCase, kind: .note, direction: .internal, channel: supportCase.channel,
                body: (input.frustrated ? "Flagged the customer as frustrated: " : "Frustration flag removed: ")
                    + reason!)
            try await RoutingWaits(db: db, now: work.now, catalog: work.catalog).sync(supportCase)
        }
    }
}

/// Read-only views of service levels.
enum ServiceLevelQueries {
    static func clocks(of caseID: UUID, app: Application, on db: any Database) async throws -> [SLAClockDTO] {
        let catalog = try await app.serviceCatalog(on: db)
        let now = app.fairdesk.clock.now
        let order: [SLAMetric] = [.firstResponse, .nextResponse, .resolution]
        return try await StoredClock.of(caseID: caseID, on: db)
            .sorted { order.firstIndex(of: $0.clock.metric)! < order.firstIndex(of: $1.clock.metric)! }
            .map { SLAClockDTO($0, catalog: catalog, now: now) }
    }

    /// Waiting cases by tier, agents by load and availability, and today's breaches (UTC day).
    static func queueState(app: Application, on db: any Database) async throws -> QueueStateDTO {
        let now = app.fairdesk.clock.now
        struct WaitingRow: Decodable {
            var tierKey: String
            var waiting: Int
            var oldest: Date?
        }
        let waiting = try await db.sql.raw(
            """
            SELECT tier_key, COUNT(*) AS waiting, MIN(waiting_since) AS oldest FROM routing_waits \
            GROUP BY tier_key ORDER BY MAX(tier_priority) DESC
            """
        ).all(decoding: WaitingRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        struct AgentRow: Decodable {
            var id: UUID
            var name: String
            var availability: String?
            var capacity: String?
        }
        let agents = try await db.sql.raw(
            """
            SELECT u.id, u.name, p.availability, p.capacity FROM users u \
            LEFT JOIN agent_profiles p ON p.user_id = u.id \
            WHERE u.role IN ('agent', 'lead') AND u.active = \(bind: true) ORDER BY u.name LIMIT 500
            """
        ).all(decoding: AgentRow.self)
        struct Load: Decodable {
            var ownerId: UUID
            var open: Int
        }
        let loads = try await db.sql.raw(
            """
            SELECT owner_id, COUNT(*) AS open FROM cases WHERE owner_id IN (\(binds: agents.map(\.id))) \
            AND status IN ('new', 'open', 'pending_customer', 'pending_internal') GROUP BY owner_id
            """
        ).all(decoding: Load.self, keyDecodingStrategy: .convertFromSnakeCase)
        let open = Dictionary(uniqueKeysWithValues: loads.map { ($0.ownerId, $0.open) })
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let today = utc.startOfDay(for: now)
        struct Count: Decodable {
            var kind: String
            var n: Int
        }
        let events = try await db.sql.raw(
            "SELECT kind, COUNT(*) AS n FROM sla_events WHERE at >= \(bind: today) GROUP BY kind"
        ).all(decoding: Count.self)
        return QueueStateDTO(
            waiting: waiting.map {
                QueueStateDTO.Waiting(
                    tier: $0.tierKey, waiting: $0.waiting, oldestWaitingSince: $0.oldest,
                    oldestWaitSeconds: $0.oldest.map { max(0, Int(now.timeIntervalSince($0))) } ?? 0)
            },
            agents: agents.map { row in
                let capacity = row.capacity.flatMap { try? AgentProfile.parseCapacity($0) } ?? [:]
                return QueueStateDTO.Agent(
                    userId: row.id, name: row.name, availability: row.availability ?? "offline",
                    openCases: open[row.id] ?? 0, capacity: capacity.values.reduce(0, +))
            }.sorted { ($0.availability, -$0.openCases) < ($1.availability, -$1.openCases) },
            breachesToday: events.first { $0.kind == "breached" }?.n ?? 0,
            escalationsToday: events.first { $0.kind == "escalated" }?.n ?? 0)
    }
}
