import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// The changes that can happen to a case, each one complete: the row, its timeline entry and its
/// audit line. Always used inside one write transaction (see `Application.write`).
struct CaseWork {
    let db: any Database
    let now: Date
    let actor: Actor
    let config: FairdeskConfig
    /// Tiers, calendars and targets, for the case's SLA clocks.
    let catalog: ServiceCatalog

    var clocks: CaseClocks { CaseClocks(db: db, now: now, catalog: catalog) }
    var waits: RoutingWaits { RoutingWaits(db: db, now: now, catalog: catalog) }
    var rollups: ReportRollups { ReportRollups(db: db, timeZone: config.timeZone) }

    /// The next case number (one reserved for this batch if any is left, see ``DeferredWrites``).
    func nextCaseNumber() async throws -> Int64 {
        if let reserved = DeferredWrites.current?.takeCaseNumber() { return reserved }
        return try await Self.takeCaseNumbers(1, on: db).lowerBound
    }

    /// Takes the next `count` case numbers with one statement, from a counter row that PostgreSQL
    /// locks until commit.
    static func takeCaseNumbers(_ count: Int, on db: any Database) async throws -> ClosedRange<Int64> {
        struct Row: Decodable { var value: Int64 }
        guard
            let last = try await db.sql.raw(
                "UPDATE counters SET value = value + \(bind: count) WHERE name = 'case_number' RETURNING value"
            ).first(decoding: Row.self)?.value
        else { throw AuditLogError.missingCounter }
        return (last - Int64(count) + 1)...last
    }

    /// The queue new cases go to when nothing else says where: the configured one, else the oldest.
    static func defaultQueue(on db: any Database, config: FairdeskConfig) async throws -> UUID? {
        // The named queue if it exists, else the oldest: one query either way.
        struct Row: Decodable { var id: UUID }
        return try await db.sql.raw(
            """
            SELECT id FROM queues ORDER BY CASE WHEN name = \(bind: config.defaultQueueName) THEN 0 ELSE 1 END, \
            created_at, id LIMIT 1
            """
        ).first(decoding: Row.self)?.id
    }

    /// Opens a case in `queueID` (or the default queue), with the customer's `tier` if the caller
    /// already knows it. `newCustomer` says the customer was made in this transaction (so has no
    /// other case). A case opened `withBot` waits for no agent and runs no SLA clock until the bot
    /// hands it over (see ``BotConversations``).
    func openCase(
        customerID: UUID, subject: String, channel: ContactChannel, queueID: UUID?, tier: String? = nil,
        newCustomer: Bool = false, withBot: Bool = false
    ) async throws -> SupportCase {
        let queue: UUID?
        if let queueID { queue = queueID } else { queue = try await Self.defaultQueue(on: db, config: config) }
        struct Tier: Decodable { var tier: String }
        let tier =
            if let tier { tier } else {
                try await db.sql.raw("SELECT tier FROM customers WHERE id = \(bind: customerID)")
                    .first(decoding: Tier.self)?.tier ?? "standard"
            }
        let supportCase = SupportCase(
            id: TimeOrderedID.next(at: now), number: try await nextCaseNumber(), customerID: customerID,
            subject: subject, channel: channel,
            queueID: queue, ownerID: nil, at: now, tier: tier)
        supportCase.withBot = withBot
        try await db.insertRow(
            "cases",
            [
                ("id", supportCase.id), ("number", supportCase.number), ("customer_id", customerID),
                ("subject", subject), ("status", CaseStatus.new.rawValue), ("channel", channel.rawValue),
                ("queue_id", queue), ("owner_id", nil), ("owner_count", 0), ("bounce_count", 0), ("created_at", now),
                ("updated_at", now), ("last_activity_at", now), ("resolved_at", nil), ("closed_at", nil),
                ("tier", tier), ("frustrated", false), ("with_bot", withBot),
            ], deferrable: true)
        supportCase.$id.exists = true
        try await db.insertRow(
            "case_owners",
            [
                ("id", TimeOrderedID.next(at: now)), ("case_id", supportCase.id), ("user_id", nil), ("queue_id", queue),
                ("started_at", now), ("started_by_id", actor.id),
            ], deferrable: true)
        if !withBot {
            let due = try await clocks.caseOpened(
                caseID: supportCase.id!, tier: tier, channel: channel, deferrable: true)
            try await waits.sync(supportCase, dueAt: due, newCustomer: newCustomer, newCase: true)
        }
        try await rollups.record(.caseOpened(at: now), for: supportCase)
        try await Webhooks.emit(.caseCreated, data: CaseEventData(supportCase), at: now, on: db)
        return supportCase
    }

    /// Adds an entry to the case's timeline and marks the case as active now. Other changes to
    /// `supportCase` are not saved here: the caller saves them.
    @discardableResult
    func addEntry(
        to supportCase: SupportCase, kind: EntryKind, direction: Direction, channel: ContactChannel, body: String,
        author: Actor? = nil, details: [String: String]? = nil, externalID: String? = nil,
        call: (talk: Int, hold: Int, afterCallWork: Int)? = nil
    ) async throws -> TimelineEntry {
        let author = author ?? actor
        let entry = TimelineEntry(
            caseID: try supportCase.requireID(), customerID: supportCase.$customer.id, kind: kind, direction: direction,
            channel: channel, authorID: author.id, authorLabel: author.label, body: body, occurredAt: now)
        entry.details = details.map(AuditLog.encodeDetails)
        entry.externalID = externalID
        if let call {
            entry.talkSeconds = call.talk
            entry.holdSeconds = call.hold
            entry.afterCallWorkSeconds = call.afterCallWork
        }
        try await db.insertRow(
            "timeline_entries",
            [
                ("id", entry.id), ("case_id", entry.$supportCase.id), ("customer_id", entry.$customer.id),
                ("kind", kind.rawValue), ("direction", direction.rawValue), ("channel", channel.rawValue),
                ("author_id", author.id), ("author_label", author.label), ("body", body), ("talk_seconds", call?.talk),
                ("hold_seconds", call?.hold), ("after_call_work_seconds", call?.afterCallWork),
                ("details", entry.details), ("external_id", externalID), ("occurred_at", now),
            ], deferrable: true)
        entry.$id.exists = true
        // A case opened (or already touched) at this instant already says so.
        if supportCase.lastActivityAt != now || supportCase.updatedAt != now {
            try await db.sql.raw(
                "UPDATE cases SET last_activity_at = \(bind: now), updated_at = \(bind: now) WHERE id = \(bind: entry.$supportCase.id!)"
            ).run()
        }
        supportCase.lastActivityAt = now
        supportCase.updatedAt = now
        // A case opened at this instant has just started its first-response clock: nothing to check.
        // While the bot holds the conversation no clock runs: the customer is not waiting for a person.
        if kind == .message && direction == .inbound && supportCase.createdAt != now && !supportCase.withBot {
            try await clocks.customerWrote(caseID: entry.$supportCase.id!, tier: supportCase.tier, channel: channel)
        } else if kind == .message && direction == .outbound && author.id != nil {
            // Only a person answers the customer; Fairdesk's own messages (a survey question, a
            // promise's follow-up) do not meet a response target.
            try await recordSLA(clocks.staffReplied(caseID: entry.$supportCase.id!), of: supportCase)
            try await firstReply(to: supportCase)
            try await personReplied(to: supportCase)
        }
        return entry
    }

    /// Moves the case to `target`, recording who, when and why on the timeline and the audit log.
    /// `automatic` moves (a customer reply reopening a case) skip the agent's move rules.
    func changeStatus(_ supportCase: SupportCase, to target: CaseStatus, reason: String?, automatic: Bool = false)
        async throws
    {
        let from = supportCase.status
        if !automatic { _ = try from.move(to: target) }
        guard from != target else { return }
        supportCase.status = target
        switch target {
        case .resolved: supportCase.resolvedAt = now
        case .closed: supportCase.closedAt = now
        default: break
        }
        supportCase.updatedAt = now
        try await supportCase.save(on: db)
        let action = from == .resolved && target.isActive ? "case.reopened" : "case.status_changed"
        var body = "Status changed from \(from.rawValue) to \(target.rawValue)"
        if let reason, !reason.isEmpty { body += ": \(reason)" }
        try await addEntry(
            to: supportCase, kind: .statusChange, direction: .internal, channel: supportCase.channel, body: body,
            details: ["from": from.rawValue, "to": target.rawValue])
        try await AuditLog.append(
            on: db, at: now, actor: actor, action: action, subjectType: "case", subjectID: supportCase.requireID(),
            reason: reason,
            details: ["from": from.rawValue, "to": target.rawValue, "number": String(supportCase.number)])
        let stopped = try await clocks.statusChanged(
            caseID: supportCase.requireID(), from: from, to: target, tier: supportCase.tier,
            channel: supportCase.channel)
        try await recordSLA(stopped, of: supportCase)
        if target == .resolved {
            try await rollups.record(
                .resolved(at: now, openedAt: supportCase.createdAt, bounces: supportCase.bounceCount), for: supportCase)
            try await Surveys.schedule(supportCase, at: now, config: config, on: db)
            try await Webhooks.emit(.caseResolved, data: CaseEventData(supportCase), at: now, on: db)
        }
        try await waits.sync(supportCase)
    }

    /// What happens to a case when the customer writes to it: pending and resolved cases open again.
    func customerWrote(to supportCase: SupportCase) async throws {
        guard let next = supportCase.status.afterCustomerReply, next != supportCase.status else { return }
        let reason =
            supportCase.status == .resolved
            ? "the customer wrote again after the case was resolved" : "the customer replied"
        try await CaseWork(db: db, now: now, actor: .system, config: config, catalog: catalog)
            .changeStatus(supportCase, to: next, reason: reason, automatic: true)
    }

    /// Hands the case to an agent or a queue, with the handoff note the next person will read first.
    func transfer(
        _ supportCase: SupportCase, toAgent agent: User?, toQueue queue: Queue?, note: String?, actorIsSupervisor: Bool
    ) async throws {
        let caseID = try supportCase.requireID()
        let history = try await CaseOwner.query(on: db).filter(\.$supportCase.$id == caseID).all()
        let humans = Set(history.compactMap { $0.$user.id?.uuidString })
        let target: TransferRules.Target =
            if let agent { .agent(ownerKey: try agent.requireID().uuidString) } else {
                .queue(queueKey: try queue!.requireID().uuidString)
            }
        let handoff = try config.transferRules.check(
            note: note, target: target, currentOwnerKey: supportCase.$owner.id?.uuidString,
            currentQueueKey: supportCase.$queue.id?.uuidString, previousOwnerKeys: humans,
            mayExceedOwnerCap: actorIsSupervisor)

        let fromOwner = supportCase.$owner.id
        let fromQueue = supportCase.$queue.id
        if let agent {
            let agentID = try agent.requireID()
            supportCase.$owner.id = agentID
            if !humans.contains(agentID.uuidString) { supportCase.ownerCount += 1 }
        } else if let queue {
            supportCase.$owner.id = nil
            supportCase.$queue.id = try queue.requireID()
        }
        supportCase.bounceCount += 1
        supportCase.updatedAt = now
        try await supportCase.save(on: db)
        try await CaseOwner(
            caseID: caseID, userID: supportCase.$owner.id, queueID: supportCase.$queue.id, startedAt: now,
            startedByID: actor.id
        ).create(on: db)
        if supportCase.status.isActive { try await waits.sync(supportCase) }
        var details = ["handoffNote": handoff]
        details["fromOwnerId"] = fromOwner?.uuidString
        details["fromQueueId"] = fromQueue?.uuidString
        details["toOwnerId"] = agent?.id?.uuidString
        details["toQueueId"] = queue?.id?.uuidString
        let destination = agent.map { "to \($0.name)" } ?? "to the \(queue!.name) queue"
        try await addEntry(
            to: supportCase, kind: .transfer, direction: .internal, channel: supportCase.channel,
            body: "Transferred \(destination). Handoff note: \(handoff)", details: details)
        try await AuditLog.append(
            on: db, at: now, actor: actor, action: "case.transferred", subjectType: "case", subjectID: caseID,
            reason: handoff, details: details.merging(["number": String(supportCase.number)]) { a, _ in a })
        if agent?.role == .lead { try await escalatedToLead(supportCase) }
    }

    /// Marks the first reply a person sent the customer, and counts its wait for the reports: from
    /// the bot's hand-over when there was one, else from the opening.
    private func firstReply(to supportCase: SupportCase) async throws {
        guard supportCase.firstResponseAt == nil else { return }
        let caseID = try supportCase.requireID()
        let claimed = try await db.sql.raw(
            """
            UPDATE cases SET first_response_at = \(bind: now) WHERE id = \(bind: caseID) \
            AND first_response_at IS NULL RETURNING id
            """
        ).all()
        supportCase.firstResponseAt = now
        guard !claimed.isEmpty else { return }
        struct HandOver: Decodable { var at: Date? }
        let since =
            try await db.sql.raw("SELECT handed_over_at AS at FROM bot_conversations WHERE case_id = \(bind: caseID)")
            .first(decoding: HandOver.self)?.at ?? supportCase.createdAt
        try await rollups.record(.firstResponse(at: now, since: since), for: supportCase)
    }

    /// Marks the first time the case went to a lead, and counts it for the reports (once per case).
    func escalatedToLead(_ supportCase: SupportCase) async throws {
        guard supportCase.escalatedAt == nil else { return }
        let claimed = try await db.sql.raw(
            """
            UPDATE cases SET escalated_at = \(bind: now) WHERE id = \(bind: supportCase.requireID()) \
            AND escalated_at IS NULL RETURNING id
            """
        ).all()
        supportCase.escalatedAt = now
        if !claimed.isEmpty { try await rollups.record(.escalatedToLead(at: now), for: supportCase) }
    }

    /// Counts each stopped clock's outcome once: met when it stopped in time; missed when stopping it
    /// found it late before the SLA worker did (the worker counts the breaches it finds, see ``SLASweep``).
    private func recordSLA(_ stopped: [StoppedClock], of supportCase: SupportCase) async throws {
        for item in stopped {
            if let breached = item.stored.clock.breachedAt {
                if item.breachedAtStop { try await rollups.record(.slaMissed(at: breached), for: supportCase) }
            } else {
                try await rollups.record(.slaMet(at: now), for: supportCase)
            }
        }
    }
}
