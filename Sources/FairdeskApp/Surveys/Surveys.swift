import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// "Did we solve your problem?": scheduled when a case is resolved, sent on the case's channel
/// after a delay with a link that expires, answered once, judged under the attribution policy in
/// force when the case was resolved, shared among the agents who handled the case, and followed
/// by a recovery when the answer is no.
enum Surveys {
    /// How often the survey job looks for surveys to send.
    static let interval: TimeInterval = 30

    struct Row: Decodable, Sendable {
        var id: UUID
        var caseId: UUID
        var customerId: UUID
        var channel: String
        var tokenHash: String?
        var state: String
        var createdAt: Date
        var sendAt: Date
        var sentAt: Date?
        var expiresAt: Date
        var solved: Bool?
        var reason: String?
        var comment: String?
        var attribution: String?
        var policy: String?
        var answeredAt: Date?
        var recoveryCaseId: UUID?

        var dto: SurveyDTO {
            SurveyDTO(
                id: id, caseId: caseId, state: state, sendAt: sendAt, sentAt: sentAt, expiresAt: expiresAt,
                solved: solved, reason: reason, comment: comment, attribution: attribution, policy: policy,
                answeredAt: answeredAt, recoveryCaseId: recoveryCaseId)
        }
    }

    /// Schedules the case's survey, inside the transaction that resolved it. A case is surveyed
    /// once: a later resolution after the survey went out schedules nothing.
    static func schedule(_ supportCase: SupportCase, at now: Date, config: FairdeskConfig, on db: any Database)
        async throws
    {
        let sendAt = now.addingTimeInterval(Double(config.surveyDelayMinutes) * 60)
        try await db.sql.raw(
            """
            INSERT INTO surveys (id, case_id, customer_id, channel, token_hash, state, created_at, send_at, sent_at, \
            expires_at, solved, reason, comment, attribution, policy, answered_at, recovery_case_id) VALUES (\
            \(bind: UUID()), \(bind: try supportCase.requireID()), \(bind: supportCase.$customer.id), \
            \(bind: supportCase.channel.rawValue), NULL, 'scheduled', \(bind: now), \(bind: sendAt), NULL, \
            \(bind: sendAt.addingTimeInterval(Double(config.surveyLinkDays) * 86_400)), NULL, NULL, NULL, NULL, NULL, \
            NULL, NULL) ON CONFLICT (case_id) DO NOTHING
            """
        ).run()
    }

    static func find(_ id: UUID?, on db: any Database) async throws -> Row? {
        guard let id else { return nil }
        return try await db.sql.raw("SELECT * FROM surveys WHERE id = \(bind: id)")
            .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    static func byToken(_ token: String, on db: any Database) async throws -> Row? {
        try await db.sql.raw("SELECT * FROM surveys WHERE token_hash = \(bind: AuditLog.sha256(token))")
            .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    // MARK: Sending

    /// Sends every survey that is due; answers how many were looked at.
    static func sendDue(app: Application) async throws -> Int {
        let now = app.fairdesk.clock.now
        let due = try await app.db.sql.raw(
            "SELECT * FROM surveys WHERE state = 'scheduled' AND send_at <= \(bind: now) ORDER BY send_at LIMIT 200"
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        for survey in due { try await send(survey, app: app, now: now) }
        return due.count
    }

    /// The question goes on the case's channel: a message on the conversation (the chat widget
    /// and the customer's case page show it) and, for email cases, an email to the customer.
    static func send(_ survey: Row, app: Application, now: Date) async throws {
        let token = Secrets.token(prefix: "")
        let config = app.fairdesk.config
        let link = config.publicURL + SitePath.survey(token).path
        let events = try await app.write { db -> [LiveEvent] in
            guard let supportCase = try await SupportCase.find(survey.caseId, on: db) else { return [] }
            // Reopened since it was resolved: no survey now; the next resolution schedules one.
            guard !supportCase.status.isActive else {
                try await db.sql.raw("DELETE FROM surveys WHERE id = \(bind: survey.id) AND state = 'scheduled'").run()
                return []
            }
            let question = "Did we solve your problem? Please tell us, it takes a few seconds: \(link)"
            let entry = try await app.caseWork(on: db, actor: .system).addEntry(
                to: supportCase, kind: .message, direction: .outbound, channel: supportCase.channel, body: question,
                details: ["surveyId": survey.id.uuidString])
            try await CustomerMail.send(
                about: supportCase, subject: "Did we solve your problem?",
                body: "Hello,\n\nYour case \"\(supportCase.subject)\" is resolved. Did we solve your problem?\n\n"
                    + "Answer here (the link works for \(config.surveyLinkDays) days):\n\(link)\n\nThank you.",
                kind: "survey", at: now, on: db)
            try await db.sql.raw(
                """
                UPDATE surveys SET state = 'sent', sent_at = \(bind: now), token_hash = \(bind: AuditLog.sha256(token)), \
                expires_at = \(bind: now.addingTimeInterval(Double(config.surveyLinkDays) * 86_400)) \
                WHERE id = \(bind: survey.id)
                """
            ).run()
            return [LiveEvent(kind: .entry, supportCase: supportCase, entry: entry)]
        }
        // A chat visitor still on the page sees the question at once.
        await app.fairdesk.live.publish(events)
    }

    static func emailAddress(of customerID: UUID, on db: any Database) async throws -> String? {
        struct Found: Decodable { var value: String }
        return try await db.sql.raw(
            """
            SELECT value FROM identities WHERE customer_id = \(bind: customerID) AND kind = 'email' \
            ORDER BY created_at LIMIT 1
            """
        ).first(decoding: Found.self)?.value
    }

    // MARK: Answering

    /// Why an answer cannot be taken, in words for the customer's page.
    enum Refusal: Error {
        case unknown, expired, answered
    }

    /// Records the answer given with the link's token. A "no" is put down to whoever the
    /// attribution policy in force when the case was resolved says; one put down to the agent is
    /// shared among every agent who handled the case; and the case reopens (or, if closed, a
    /// recovery case opens) with the answer on its timeline.
    static func answer(token: String, _ answer: SurveyAnswer, app: Application) async throws -> Row {
        guard let survey = try await byToken(token, on: app.db) else { throw Refusal.unknown }
        let now = app.fairdesk.clock.now
        if survey.state == "answered" { throw Refusal.answered }
        if now > survey.expiresAt { throw Refusal.expired }
        var attribution: Attribution?
        var citation: String?
        let policy = try await PolicyBook.inForce(
            kind: .surveyAttribution, for: PolicyReader(role: .agent), at: survey.createdAt, on: app.db)
        // How soon someone must get back to a dissatisfied customer, under the same policy.
        let recoveryHours = policy?.parameters.integer("recovery_follow_up_hours") ?? 24
        if let reason = answer.reason {
            let table = policy?.parameters.table("attribution") ?? SurveyReason.suggestedAttribution
            attribution = table[reason.rawValue].flatMap(Attribution.init(rawValue:)) ?? .process
            citation = policy?.citation ?? "built-in default"
        }
        try await app.write { [attribution, citation, recoveryHours] db in
            // Only the first answer counts, even when two arrive at once.
            let claimed = try await db.sql.raw(
                """
                UPDATE surveys SET state = 'answered', solved = \(bind: answer.solved), \
                reason = \(bind: answer.reason?.rawValue), comment = \(bind: answer.comment), \
                attribution = \(bind: attribution?.rawValue), policy = \(bind: citation), answered_at = \(bind: now) \
                WHERE id = \(bind: survey.id) AND state = 'sent' RETURNING id
                """
            ).all()
            guard !claimed.isEmpty else { throw Refusal.answered }
            guard let supportCase = try await SupportCase.find(survey.caseId, on: db) else { return }
            let customer = Actor(id: nil, label: "the customer")
            var words =
                answer.solved ? "Survey: yes, the problem was solved." : "Survey: no, the problem was not solved"
            if let reason = answer.reason {
                words += ": \(reason.label.lowercased()) (put down to \(attribution!.rawValue), \(citation!))."
            }
            if let comment = answer.comment { words += " \"\(comment)\"" }
            let work = try await app.caseWork(on: db, actor: customer)
            try await work.rollups.record(
                .surveyAnswered(at: now, solved: answer.solved, reason: answer.reason?.rawValue), for: supportCase)
            _ = try await work.addEntry(
                to: supportCase, kind: .note, direction: .internal, channel: supportCase.channel, body: words,
                author: customer, details: ["surveyId": survey.id.uuidString])
            if attribution == .agent {
                try await recordShares(survey: survey.id, supportCase: supportCase, until: survey.createdAt, on: db)
            }
            if !answer.solved {
                try await recover(
                    supportCase, survey: survey.id, words: words, within: recoveryHours, app: app, now: now, on: db)
            }
            try await AuditLog.append(
                on: db, at: now, actor: customer, action: "survey.answered", subjectType: "survey",
                subjectID: survey.id, reason: answer.comment,
                details: [
                    "case": String(supportCase.number), "solved": answer.solved ? "yes" : "no",
                    "reason": answer.reason?.rawValue ?? "", "attribution": attribution?.rawValue ?? "",
                ], policyVersion: citation)
            try await Webhooks.emit(
                .surveyAnswered,
                data: SurveyAnsweredData(
                    surveyId: survey.id, caseId: survey.caseId, caseNumber: supportCase.number, solved: answer.solved,
                    reason: answer.reason?.rawValue, attribution: attribution?.rawValue, policy: citation,
                    comment: answer.comment),
                at: now, on: db)
        }
        return try await find(survey.id, on: app.db)!
    }

    /// Shares an agent-attributed "no" among the agents who handled the case: by what each wrote
    /// on it and how long each owned it, up to its resolution.
    static func recordShares(survey: UUID, supportCase: SupportCase, until resolved: Date, on db: any Database)
        async throws
    {
        struct Written: Decodable {
            var authorId: UUID
            var n: Int
        }
        struct Owner: Decodable {
            var userId: UUID?
            var startedAt: Date
        }
        let caseID = try supportCase.requireID()
        let written = try await db.sql.raw(
            """
            SELECT t.author_id, COUNT(*) AS n FROM timeline_entries t JOIN users u ON u.id = t.author_id \
            WHERE t.case_id = \(bind: caseID) AND t.kind IN ('message', 'note', 'call') \
            AND (t.kind = 'call' OR t.direction <> 'inbound') AND u.role IN ('agent', 'lead', 'admin') \
            AND t.occurred_at <= \(bind: resolved) GROUP BY t.author_id
            """
        ).all(decoding: Written.self, keyDecodingStrategy: .convertFromSnakeCase)
        let owners = try await db.sql.raw(
            "SELECT user_id, started_at FROM case_owners WHERE case_id = \(bind: caseID) ORDER BY started_at"
        ).all(decoding: Owner.self, keyDecodingStrategy: .convertFromSnakeCase)
        var parts = written.map { HandlingPart(agentKey: $0.authorId.uuidString, entries: $0.n, ownedSeconds: 0) }
        for (index, owner) in owners.enumerated() {
            guard let user = owner.userId, owner.startedAt < resolved else { continue }
            let end = index + 1 < owners.count ? min(owners[index + 1].startedAt, resolved) : resolved
            parts.append(
                HandlingPart(
                    agentKey: user.uuidString, entries: 0, ownedSeconds: end.timeIntervalSince(owner.startedAt)))
        }
        let shares = AttributionShares.split(parts)
        let rows: [[(any Encodable & Sendable)?]] = shares.keys.sorted().map { key in
            let entries = parts.filter { $0.agentKey == key }.map(\.entries).reduce(0, +)
            let seconds = parts.filter { $0.agentKey == key }.map(\.ownedSeconds).reduce(0, +)
            return [UUID(), survey, UUID(uuidString: key)!, shares[key]!, entries, Int(seconds), false]
        }
        try await db.insertRows(
            "survey_shares", columns: ["id", "survey_id", "agent_id", "share", "entries", "owned_seconds", "voided"],
            rows)
    }

    /// A dissatisfied customer is not left there: a resolved case opens again for its owner; a
    /// closed one gets a new case in the Recovery queue, with the answer as its first note.
    static func recover(
        _ supportCase: SupportCase, survey: UUID, words: String, within hours: Int, app: Application, now: Date,
        on db: any Database
    ) async throws {
        let work = try await app.caseWork(on: db, actor: .system)
        if supportCase.status != .closed {
            if supportCase.status == .resolved {
                try await work.changeStatus(
                    supportCase, to: .open, reason: "the customer said the problem was not solved", automatic: true)
            }
            try await Notifications.send(
                to: [supportCase.$owner.id].compactMap { $0 }
                    + (try await Notifications.leads(of: supportCase.$queue.id, on: db)),
                caseID: supportCase.id, kind: "survey.dissatisfied",
                body: "Case \(supportCase.number): the customer says the problem was not solved. It is open again: "
                    + "get back to them within \(hours) hours.",
                at: now, on: db)
            return
        }
        let queue = try await recoveryQueue(at: now, on: db)
        let recovery = try await work.openCase(
            customerID: supportCase.$customer.id, subject: "Recovery: \(supportCase.subject)",
            channel: supportCase.channel, queueID: queue)
        _ = try await work.addEntry(
            to: recovery, kind: .note, direction: .internal, channel: supportCase.channel,
            body: "Opened because the customer said case \(supportCase.number) did not solve their problem. \(words)",
            details: ["surveyId": survey.uuidString])
        try await db.sql.raw(
            "UPDATE surveys SET recovery_case_id = \(bind: try recovery.requireID()) WHERE id = \(bind: survey)"
        ).run()
        try await Notifications.send(
            to: try await Notifications.leads(of: nil, on: db), caseID: recovery.id, kind: "survey.dissatisfied",
            body: "Case \(recovery.number) opened in Recovery: the customer says closed case \(supportCase.number) "
                + "did not solve their problem. Get back to them within \(hours) hours.",
            at: now, on: db)
    }

    static func recoveryQueue(at now: Date, on db: any Database) async throws -> UUID {
        if let queue = try await Queue.query(on: db).filter(\.$name == "Recovery").first() {
            return try queue.requireID()
        }
        let queue = Queue(
            name: "Recovery", description: "Customers who told us their problem was not solved", createdAt: now)
        try await queue.create(on: db)
        return try queue.requireID()
    }
}
