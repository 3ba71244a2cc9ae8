import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// Gives waiting cases to agents, using the rules in ``Router``: eligible agents with free
/// capacity, fair across agents, in priority order. Every assignment is written on the case's
/// timeline and the audit log with the reason it was made.
struct RoutingService {
    let db: any Database
    let now: Date
    let catalog: ServiceCatalog
    let config: FairdeskConfig

    /// One waiting row.
    struct WaitRow: Decodable {
        var caseId: UUID
        var queueId: UUID?
        var channel: ContactChannel
        var tierPriority: Int
        var waitingSince: Date
        var dueAt: Date?
        var frustrated: Bool
        var returningAgentId: UUID?
    }

    /// The assignments to make now, from reads only: the router's job reads outside the write
    /// transaction and writes only when there is something to assign (see ``assignAndRecord(app:)``).
    /// Nothing waiting costs one query; agents with no free slot on a waiting case's channel are
    /// left out before the router runs.
    func plan(limit: Int = 2000) async throws -> [Assignment] {
        let rows = try await db.sql.raw(
            "SELECT * FROM routing_waits ORDER BY waiting_since LIMIT \(literal: limit)"
        ).all(decoding: WaitRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        if rows.isEmpty { return [] }
        let channels = Set(rows.map(\.channel))
        let agents = try await availableAgents().filter { agent in
            channels.contains { (agent.load[$0] ?? 0) < (agent.capacity[$0] ?? 0) }
        }
        if agents.isEmpty { return [] }
        let skills = try await queueSkills()
        let waiting = rows.map {
            WaitingCase(
                id: $0.caseId, queueID: $0.queueId, channel: $0.channel,
                requiredSkills: $0.queueId.flatMap { skills[$0] } ?? [], tierPriority: $0.tierPriority,
                waitingSince: $0.waitingSince, dueAt: $0.dueAt, frustrated: $0.frustrated,
                returningAgentID: $0.returningAgentId)
        }
        return Router.assign(waiting, to: agents, now: now, rules: catalog.settings.routing)
    }

    /// The routing job: plans from reads (which on SQLite do not hold the single writer), then makes
    /// the assignments in one transaction, skipping any case that stopped waiting in between.
    static func assignAndRecord(app: Application) async throws -> [Assignment] {
        let now = app.fairdesk.clock.now
        let catalog = try await app.serviceCatalog(on: app.db)
        let planned = try await RoutingService(db: app.db, now: now, catalog: catalog, config: app.fairdesk.config)
            .plan()
        if planned.isEmpty { return [] }
        return try await app.write { db in
            let service = RoutingService(db: db, now: now, catalog: catalog, config: app.fairdesk.config)
            var made: [Assignment] = []
            for assignment in planned where try await service.isWaiting(assignment.caseID) {
                try await service.give(
                    caseID: assignment.caseID, to: assignment.agentID, reason: assignment.reason, actor: .system)
                made.append(assignment)
            }
            return made
        }
    }

    private func isWaiting(_ caseID: UUID) async throws -> Bool {
        try await db.sql.raw("SELECT case_id FROM routing_waits WHERE case_id = \(bind: caseID)").first() != nil
    }

    /// Finds another agent for a case whose owner is about to breach (an escalation), or puts it
    /// back on the waiting list when nobody else is free. Returns the new owner, if any.
    func reassign(_ supportCase: SupportCase, reason: String) async throws -> UUID? {
        let caseID = try supportCase.requireID()
        let previous = supportCase.$owner.id
        let skills = try await queueSkills()
        let waiting = WaitingCase(
            id: caseID, queueID: supportCase.$queue.id, channel: supportCase.channel,
            requiredSkills: supportCase.$queue.id.flatMap { skills[$0] } ?? [],
            tierPriority: catalog.tier(supportCase.tier)?.priority ?? 0, waitingSince: now,
            frustrated: supportCase.frustrated)
        let others = try await availableAgents().filter { $0.id != previous }
        if let choice = Router.chooseAgent(for: waiting, among: others) {
            try await give(caseID: caseID, to: choice.agentID, reason: "\(reason); \(choice.reason)", actor: .system)
            return choice.agentID
        }
        try await take(supportCase, reason: reason)
        return nil
    }

    /// How many available agents serve `queue`, and how many of them have room for one more case on
    /// `channel`: what a customer's expected wait is worked out from.
    ///
    /// Each agent's open cases on the channel are counted only up to their capacity there, so the
    /// cost does not grow with how many cases an agent holds (``availableAgents()`` counts them all,
    /// for the router's least-loaded choice).
    func room(in queue: UUID?, on channel: ContactChannel) async throws -> (available: Int, withRoom: Int) {
        var query: SQLQueryString = """
            SELECT p.user_id, p.capacity FROM agent_profiles p JOIN users u ON u.id = p.user_id \
            WHERE p.availability = 'available' AND u.active = \(bind: true) AND u.role IN ('agent', 'lead', 'admin')
            """
        // Every agent works a case without a queue.
        if let queue {
            query += " AND p.user_id IN (SELECT user_id FROM queue_members WHERE queue_id = \(bind: queue))"
        }
        struct Profile: Decodable {
            var userId: UUID
            var capacity: String
        }
        let profiles = try await db.sql.raw(query).all(
            decoding: Profile.self, keyDecodingStrategy: .convertFromSnakeCase)
        var withRoom = 0
        let open: SQLQueryString = "status IN ('new', 'open', 'pending_customer', 'pending_internal')"
        for start in stride(from: 0, to: profiles.count, by: 500) {
            var counts: SQLQueryString = ""
            var limits: [Int] = []
            for profile in profiles[start..<min(start + 500, profiles.count)] {
                let capacity = AgentProfile.parseCapacityLeniently(profile.capacity)[channel] ?? 0
                // An agent with no capacity on the channel never has room there.
                guard capacity > 0 else { continue }
                if !limits.isEmpty { counts += " UNION ALL " }
                counts += """
                    SELECT COUNT(*) AS n FROM (SELECT 1 FROM cases WHERE owner_id = \(bind: profile.userId) \
                    AND \(open) AND channel = \(bind: channel.rawValue) LIMIT \(bind: capacity)) AS capped
                    """
                limits.append(capacity)
            }
            guard !limits.isEmpty else { continue }
            let rows = try await db.sql.raw(counts).all()
            for (row, capacity) in zip(rows, limits) where try row.decode(column: "n", as: Int.self) < capacity {
                withRoom += 1
            }
        }
        return (profiles.count, withRoom)
    }

    /// The available, active agents with their queues, skills, capacity and current load.
    func availableAgents() async throws -> [AgentSnapshot] {
        let profiles = try await db.sql.raw(
            """
            SELECT p.* FROM agent_profiles p JOIN users u ON u.id = p.user_id \
            WHERE p.availability = 'available' AND u.active = \(bind: true) \
            AND u.role IN ('agent', 'lead', 'admin')
            """
        ).all(decoding: AgentProfile.Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        if profiles.isEmpty { return [] }
        let ids = profiles.map(\.userId)
        struct Member: Decodable {
            var queueId: UUID
            var userId: UUID
        }
        let members = try await db.sql.select().column("queue_id").column("user_id").from("queue_members")
            .where("user_id", .in, ids).all(decoding: Member.self, keyDecodingStrategy: .convertFromSnakeCase)
        struct Load: Decodable {
            var ownerId: UUID
            var channel: ContactChannel
            var open: Int
        }
        let loads = try await db.sql.raw(
            """
            SELECT owner_id, channel, COUNT(*) AS open FROM cases WHERE owner_id IN (\(binds: ids)) \
            AND status IN ('new', 'open', 'pending_customer', 'pending_internal') GROUP BY owner_id, channel
            """
        ).all(decoding: Load.self, keyDecodingStrategy: .convertFromSnakeCase)
        let queues = Dictionary(grouping: members, by: \.userId).mapValues { Set($0.map(\.queueId)) }
        var load: [UUID: [ContactChannel: Int]] = [:]
        for row in loads { load[row.ownerId, default: [:]][row.channel] = row.open }
        return profiles.map { row in
            let profile = AgentProfile(row: row)
            return AgentSnapshot(
                id: profile.userID, queueIDs: queues[profile.userID] ?? [], skills: profile.skills,
                capacity: profile.capacity, load: load[profile.userID] ?? [:], availability: profile.availability,
                idleSince: max(profile.availabilitySince, profile.lastAssignedAt ?? .distantPast))
        }
    }

    private func queueSkills() async throws -> [UUID: Set<String>] {
        struct Row: Decodable {
            var id: UUID
            var requiredSkills: String
        }
        let rows = try await db.sql.raw("SELECT id, required_skills FROM queues")
            .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        var skills: [UUID: Set<String>] = [:]
        for row in rows { skills[row.id] = (try? AgentProfile.parseSkills(row.requiredSkills)) ?? [] }
        return skills
    }

    /// Makes `agentID` the owner, off the waiting list, with the reason on the timeline and audit log.
    private func give(caseID: UUID, to agentID: UUID, reason: String, actor: Actor) async throws {
        guard let supportCase = try await SupportCase.find(caseID, on: db),
            let agent = try await User.find(agentID, on: db)
        else { return }
        let earlier = try await CaseOwner.query(on: db).filter(\.$supportCase.$id == caseID)
            .filter(\.$user.$id == agentID).count()
        supportCase.$owner.id = agentID
        if earlier == 0 { supportCase.ownerCount += 1 }
        supportCase.updatedAt = now
        try await supportCase.save(on: db)
        try await CaseOwner(
            caseID: caseID, userID: agentID, queueID: supportCase.$queue.id, startedAt: now, startedByID: nil
        ).create(on: db)
        try await RoutingWaits(db: db, now: now, catalog: catalog).remove(caseID)
        try await db.sql.raw(
            "UPDATE agent_profiles SET last_assigned_at = \(bind: now) WHERE user_id = \(bind: agentID)"
        ).run()
        let work = CaseWork(db: db, now: now, actor: actor, config: config, catalog: catalog)
        try await work.addEntry(
            to: supportCase, kind: .note, direction: .internal, channel: supportCase.channel,
            body: "Assigned to \(agent.name): \(reason).",
            details: ["assignedTo": agentID.uuidString, "reason": reason])
        try await AuditLog.append(
            on: db, at: now, actor: actor, action: "case.assigned", subjectType: "case", subjectID: caseID,
            reason: reason, details: ["ownerId": agentID.uuidString, "number": String(supportCase.number)],
            policyVersion: "service settings v\(catalog.settings.version)")
    }

    /// Takes the case from its owner and puts it back on the waiting list.
    private func take(_ supportCase: SupportCase, reason: String) async throws {
        guard let previous = supportCase.$owner.id else { return }
        let caseID = try supportCase.requireID()
        supportCase.$owner.id = nil
        supportCase.updatedAt = now
        try await supportCase.save(on: db)
        try await CaseOwner(
            caseID: caseID, userID: nil, queueID: supportCase.$queue.id, startedAt: now, startedByID: nil
        ).create(on: db)
        try await RoutingWaits(db: db, now: now, catalog: catalog).sync(supportCase)
        let work = CaseWork(db: db, now: now, actor: .system, config: config, catalog: catalog)
        try await work.addEntry(
            to: supportCase, kind: .note, direction: .internal, channel: supportCase.channel,
            body: "Taken back to the queue: \(reason). No other agent was free.",
            details: ["fromOwnerId": previous.uuidString])
        try await AuditLog.append(
            on: db, at: now, actor: .system, action: "case.unassigned", subjectType: "case", subjectID: caseID,
            reason: reason, details: ["fromOwnerId": previous.uuidString, "number": String(supportCase.number)],
            policyVersion: "service settings v\(catalog.settings.version)")
    }
}

extension LiveHub {
    /// Tells open pages about cases that just got an owner.
    func publishAssignments(_ assignments: [Assignment], app: Application) async {
        let ids = assignments.map(\.caseID)
        guard let cases = try? await SupportCase.query(on: app.db).filter(\.$id ~~ ids).all() else { return }
        publish(cases.map { LiveEvent(kind: .supportCase, supportCase: $0) })
    }
}
