import Crypto
import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// Making, confirming and recording evidence for promises, the same for the JSON API, the web
/// pages and the order system's webhook. Each change is one transaction with its timeline entry,
/// its event and its audit entry.
struct PromiseActions {
    let app: Application

    private var now: Date { app.fairdesk.clock.now }

    /// A kept promise's follow-up goes out this long after the evidence, so the customer has had
    /// time to see the refund or the parcel.
    static let followUpDelay: TimeInterval = 3_600

    /// The event names from the order system that show each kind of promise was kept.
    static let keepingEvents: [PromiseKind: Set<String>] = [
        .refund: ["refund_issued", "fulfilled"], .replacement: ["replacement_shipped", "fulfilled"],
        .callback: ["callback_made", "fulfilled"], .investigation: ["investigation_closed", "fulfilled"],
        .other: ["fulfilled"],
    ]

    /// Records a promise on a case the viewer works, and tells the customer in a reply on the
    /// case's channel. A refund, replacement or callback must fall due within what the refunds
    /// policy in force allows.
    func make(caseID: UUID?, _ input: PromiseRequest, by viewer: Viewer) async throws -> UUID {
        var checks = Checks()
        let kind = checks.oneOf(input.kind, field: "kind", as: PromiseKind.self)
        try checks.finish()
        var draft = PromiseDraft(
            kind: kind!, amountMinor: input.amountMinor, currency: input.currency, item: input.item,
            callbackAt: input.callbackAt, description: input.description, dueAt: input.dueAt)
        let now = now
        do { draft = try PromiseRules.check(draft, now: now) } catch { throw ApiError.invalid(error) }
        let supportCase = try await CaseActions.load(caseID, for: viewer, on: app.db)
        guard viewer.canWork(supportCase) else { throw ApiError.forbidden("you cannot work on this case") }
        let ownerID = input.ownerId ?? viewer.userID
        guard let owner = try await User.find(ownerID, on: app.db), owner.active, Role.caseWorkers.contains(owner.role)
        else { throw ApiError.invalid(field: "ownerId", rule: "must be an active agent, lead or admin") }
        let policy = try await PolicyBook.inForce(
            kind: .refundsReplacements, for: PolicyReader(owner), at: now, on: app.db)
        if let policy, let limit = Self.longestWait(draft.kind, policy.parameters),
            draft.dueAt > now.addingTimeInterval(limit.seconds)
        {
            throw ApiError.invalid(
                field: "dueAt", rule: "must be within \(limit.words) for a \(draft.kind.rawValue) (\(policy.citation))")
        }
        let id = UUID()
        let actor = viewer.actor
        let announced = draft
        let events = try await app.write { db -> [LiveEvent] in
            try await db.insertRow(
                "promises",
                [
                    ("id", id), ("case_id", supportCase.requireID()), ("kind", announced.kind.rawValue),
                    ("amount_minor", announced.amountMinor), ("currency", announced.currency),
                    ("item", announced.item), ("callback_at", announced.callbackAt),
                    ("description", announced.description), ("owner_id", ownerID), ("created_by_id", actor.id),
                    ("created_at", now), ("due_at", announced.dueAt), ("state", "open"), ("kept_at", nil),
                    ("kept_by", nil), ("evidence", nil),
                    ("check_at", PromiseRules.reminderAt(madeAt: now, dueAt: announced.dueAt)), ("reminded_at", nil),
                    ("escalated_at", nil), ("follow_up_sent_at", nil), ("follow_up_token_hash", nil),
                    ("follow_up_answer", nil), ("follow_up_answered_at", nil), ("policy", policy?.citation),
                ])
            try await PromiseStore.addEvent(
                id, source: "agent", kind: "made", note: announced.headline, actorID: actor.id, at: now, on: db)
            let work = try await app.caseWork(on: db, actor: actor)
            let words =
                "We promise: \(announced.headline), by \(PageTime.text(announced.dueAt)). " + announced.description
            let entry = try await work.addEntry(
                to: supportCase, kind: .message, direction: .outbound, channel: supportCase.channel, body: words,
                details: ["promiseId": id.uuidString])
            try await CustomerMail.send(
                about: supportCase, subject: "Our promise: \(announced.headline)", body: "Hello,\n\n\(words)",
                kind: "promise.made", at: now, on: db)
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "promise.made", subjectType: "promise", subjectID: id,
                reason: nil,
                details: [
                    "case": String(supportCase.number), "kind": announced.kind.rawValue,
                    "headline": announced.headline, "dueAt": PageTime.iso(announced.dueAt),
                    "owner": ownerID.uuidString,
                ], policyVersion: policy?.citation)
            return [LiveEvent(kind: .entry, supportCase: supportCase, entry: entry)]
        }
        // The customer's widget and open pages show the promise at once.
        await app.fairdesk.live.publish(events)
        return id
    }

    /// The longest a kind of promise may run under the refunds policy's parameters.
    static func longestWait(_ kind: PromiseKind, _ parameters: PolicyParameters) -> (seconds: Double, words: String)? {
        switch kind {
        case .refund: parameters.integer("refund_due_days").map { (Double($0) * 86_400, "\($0) days") }
        case .replacement: parameters.integer("replacement_due_days").map { (Double($0) * 86_400, "\($0) days") }
        case .callback: parameters.integer("callback_due_hours").map { (Double($0) * 3_600, "\($0) hours") }
        case .investigation, .other: nil
        }
    }

    /// An agent confirms a promise was kept, saying what shows it.
    func confirm(_ promiseID: UUID?, note: String, by viewer: Viewer) async throws {
        var checks = Checks()
        let evidence = checks.text(note, field: "note", max: 2_000)
        try checks.finish()
        guard let promise = try await PromiseStore.find(promiseID, on: app.db) else {
            throw ApiError.notFound("promise")
        }
        let supportCase = try await CaseActions.load(promise.caseId, for: viewer, on: app.db)
        guard viewer.canWork(supportCase) else { throw ApiError.forbidden("you cannot work on this case") }
        try await keep(promise, source: "agent", event: "confirmed", by: viewer.actor, evidence: evidence!)
    }

    /// Records evidence from the order system. The body must carry a valid HMAC-SHA256 signature
    /// made with the shared secret (`X-Fairdesk-Signature: sha256=<hex>`); a repeated event id
    /// changes nothing. Answers whether the event was new.
    func orderSystemEvent(_ promiseID: UUID?, body: ByteBuffer?, signature: String?) async throws -> Bool {
        guard let secret = app.fairdesk.config.webhookSecret else {
            throw ApiError(
                status: .serviceUnavailable, code: "not_configured",
                reason: "promise events are switched off: set FAIRDESK_WEBHOOK_SECRET on the server")
        }
        let data = body.map { Data($0.readableBytesView) } ?? Data()
        guard Self.validSignature(signature, body: data, secret: secret) else {
            throw ApiError(
                status: .unauthorized, code: "bad_signature",
                reason: "X-Fairdesk-Signature must be sha256= and the HMAC-SHA256 of the body with the shared secret")
        }
        let input: PromiseEventRequest
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            input = try decoder.decode(PromiseEventRequest.self, from: data)
        } catch {
            throw ApiError.malformed(field: "body", rule: "must be JSON with eventId, event and an optional note")
        }
        var checks = Checks()
        // The promise is named inside the signed body, so a signed event cannot be replayed
        // against another promise.
        if input.promiseId != promiseID {
            checks.add("promiseId", "must be the id of the promise in the address, inside the signed body")
        }
        let eventID = checks.text(input.eventId, field: "eventId", max: 200)
        let events = Set(Self.keepingEvents.values.flatMap { $0 })
        if !events.contains(input.event) {
            checks.add("event", "must be one of: " + events.sorted().joined(separator: ", "))
        }
        let note = checks.text(input.note, field: "note", max: 2_000, required: false)
        try checks.finish()
        guard let promise = try await PromiseStore.find(promiseID, on: app.db) else {
            throw ApiError.notFound("promise")
        }
        let kind = PromiseKind(rawValue: promise.kind) ?? .other
        let keeps = Self.keepingEvents[kind]?.contains(input.event) == true
        let recorded = try await app.write { [now] db in
            struct Seen: Decodable { var id: UUID }
            let seen = try await db.sql.raw(
                """
                SELECT id FROM promise_events WHERE promise_id = \(bind: promise.id) AND external_id = \(bind: eventID!)
                """
            ).first(decoding: Seen.self)
            if seen != nil { return false }
            try await PromiseStore.addEvent(
                promise.id, source: "webhook", kind: input.event, note: note, externalID: eventID, actorID: nil,
                at: now, on: db)
            return true
        }
        if recorded && keeps && promise.state == "open" {
            try await keep(
                promise, source: "webhook", event: nil, by: Actor(id: nil, label: "Order system"),
                evidence: [input.event.replacingOccurrences(of: "_", with: " "), note].compactMap { $0 }
                    .joined(separator: ": "))
        }
        return recorded
    }

    static func validSignature(_ header: String?, body: Data, secret: String) -> Bool {
        guard let header, header.hasPrefix("sha256="), let mac = Data(hexString: String(header.dropFirst(7))) else {
            return false
        }
        return HMAC<SHA256>.isValidAuthenticationCode(
            mac, authenticating: body, using: SymmetricKey(data: Data(secret.utf8)))
    }

    /// Marks a promise kept and schedules the customer's follow-up.
    private func keep(_ promise: PromiseStore.Row, source: String, event: String?, by actor: Actor, evidence: String)
        async throws
    {
        guard promise.state == "open" else {
            throw ApiError.conflict(
                "this promise was already kept on \(PageTime.text(promise.keptAt ?? promise.dueAt))")
        }
        let now = now
        try await app.write { db in
            // Kept once, even when the order system and an agent say so at the same moment.
            let claimed = try await db.sql.raw(
                """
                UPDATE promises SET state = 'kept', kept_at = \(bind: now), kept_by = \(bind: actor.label), \
                evidence = \(bind: evidence), check_at = \(bind: now.addingTimeInterval(Self.followUpDelay)) \
                WHERE id = \(bind: promise.id) AND state = 'open' RETURNING id
                """
            ).all()
            if claimed.isEmpty { throw ApiError.conflict("this promise was already kept") }
            if let event {
                try await PromiseStore.addEvent(
                    promise.id, source: source, kind: event, note: evidence, actorID: actor.id, at: now, on: db)
            }
            guard let supportCase = try await SupportCase.find(promise.caseId, on: db) else { return }
            let late = now > promise.dueAt ? " (late: it was due \(PageTime.text(promise.dueAt)))" : ""
            let work = try await app.caseWork(on: db, actor: actor)
            // Kept in time counts as kept; kept late counts as broken, unless the sweep already counted it.
            if now <= promise.dueAt {
                try await work.rollups.record(.promiseKept(dueAt: promise.dueAt), for: supportCase)
            } else if promise.escalatedAt == nil {
                try await work.rollups.record(.promiseBroken(dueAt: promise.dueAt), for: supportCase)
            }
            _ = try await work.addEntry(
                to: supportCase, kind: .note, direction: .internal, channel: supportCase.channel,
                body: "Promise kept\(late): \(promise.draft.headline). Evidence: \(evidence)",
                details: ["promiseId": promise.id.uuidString])
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "promise.kept", subjectType: "promise", subjectID: promise.id,
                reason: evidence,
                details: [
                    "case": String(supportCase.number), "outcome": now > promise.dueAt ? "kept_late" : "kept_on_time",
                ], policyVersion: promise.policy)
        }
    }
}

extension Data {
    /// Bytes from hexadecimal text; nil when it is not hex.
    init?(hexString: String) {
        guard hexString.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = hexString.startIndex
        while index < hexString.endIndex {
            let next = hexString.index(index, offsetBy: 2)
            guard let byte = UInt8(hexString[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}
