import FairdeskCore
import Fluent
import Foundation
import NIOCore
import SQLKit
import Vapor

/// How an email reached Fairdesk.
enum MailSource: String, Sendable {
    /// `fairdesk ingest-mail`, run by the mail server's pipe transport.
    case pipe
    /// `POST /api/v1/inbound/email` from a relay.
    case http
    /// `fairdesk ingest-mail --mbox/--maildir`: an existing mailbox brought in.
    case mailbox = "import"
}

/// Takes raw emails in: keeps the bytes, reads them with ``MIMEParser``, finds their case
/// (``MailIntake``) and files them on the customer's timeline, many to a transaction.
///
/// Nothing is lost: the raw message is stored before anything else, a message the parser finds
/// broken is filed with what could be read and the problems listed, and mail that must not start
/// a case (a machine's, a loop's) is kept and shown to admins on the Mail page.
struct MailIntakeService: Sendable {
    /// Raised when the parser changes in a way that reads some mail differently; `fairdesk reparse`
    /// reports how many messages were read by an older one.
    static let parserVersion = 1
    /// Messages one transaction carries.
    static let batchSize = 100

    let app: Application
    let source: MailSource

    /// What became of one email.
    struct Outcome: Content, Equatable {
        var inboundEmailId: UUID
        /// filed, automatic or held
        var state: String
        var reason: String?
        var caseId: UUID?
        var caseNumber: Int64?
        var entryId: UUID?
        /// How it found its case: in-reply-to, references, subject, latest case, new case.
        var threadedBy: String?
        var customerCreated: Bool
        var caseCreated: Bool
        /// True when the same message (by Message-ID) was received before; nothing new was written.
        var duplicate: Bool
        var problems: [String]
    }

    /// A message read and ready to be written.
    private struct Prepared: Sendable {
        var id: UUID
        var raw: Data
        var mail: ParsedMail
        var key: String
        var digest: String
        /// The Message-ID, or "sha256:<digest>" when the message had none.
        var messageID: String
        /// Its attachments, already in the store (written while the previous batch was filed).
        var files: [StoredFile]
    }

    /// An attachment written to the store, waiting for its row.
    struct StoredFile: Sendable {
        var filename: String
        var contentType: String
        var size: Int64
        var sha256: String
        var key: String
    }

    /// Ingests `raws` in order, in transactions of ``batchSize``; `progress` is told after each batch.
    func ingest(_ raws: [Data], progress: (@Sendable (Int) -> Void)? = nil) async throws -> [Outcome] {
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(raws.count)
        var start = 0
        // Parsing the next batch overlaps with writing this one.
        var next: Task<[Prepared], any Error>? = raws.isEmpty ? nil : prepareTask(raws, 0)
        while let current = next {
            let batch = try await current.value
            let following = start + batch.count
            next = following < raws.count ? prepareTask(raws, following) : nil
            outcomes += try await write(batch)
            start = following
            progress?(start)
        }
        // An import wrote its files without waiting for the disk; they are on it before the summary.
        if source == .mailbox { try app.fairdesk.attachments.flush() }
        return outcomes
    }

    private func prepareTask(_ raws: [Data], _ start: Int) -> Task<[Prepared], any Error> {
        let slice = Array(raws[start..<min(start + Self.batchSize, raws.count)])
        let store = app.fairdesk.attachments
        let now = app.fairdesk.clock.now
        let limit = app.fairdesk.config.maximumAttachmentBytes
        // A mail server is told a message is kept only once it is on the disk; an import waits for
        // the disk once, at the end (see `ingest`).
        let quick = source == .mailbox
        // Ids are taken in the mailbox's order, so the messages sort as they came.
        let work = slice.map { (id: TimeOrderedID.next(at: now), raw: $0) }
        @Sendable func prepare(_ work: ArraySlice<(id: UUID, raw: Data)>) throws -> [Prepared] {
            try work.map { id, raw in
                let mail = MIMEParser.parse(raw)
                let digest = Digest.sha256(raw)
                let key = "mail-" + id.uuidString.lowercased()
                try quick ? store.saveQuickly(data: raw, key: key) : store.save(data: raw, key: key)
                let messageID = mail.messageID.map { String($0.prefix(250)) } ?? "sha256:\(digest)"
                return Prepared(
                    id: id, raw: raw, mail: mail, key: key, digest: digest, messageID: messageID,
                    files: try Self.storeFiles(of: mail, limit: limit, in: store, quickly: quick))
            }
        }
        // Off Swift's shared threads (one per core): parsing must never hold the thread the filing
        // code needs to resume between its queries.
        return Task {
            try await withCheckedThrowingContinuation { done in
                DispatchQueue.global().async { done.resume(with: Result { try prepare(work[...]) }) }
            }
        }
    }

    /// Writes a batch in one transaction; if it fails, one message at a time, so one bad message
    /// never takes the others down.
    private func write(_ batch: [Prepared], again: Bool = false) async throws -> [Outcome] {
        do {
            // Mail taken in one by one meets the bot like chat does; an imported mailbox is history, and
            // nobody should get answers to mail they sent long ago.
            let botOn = source != .mailbox && app.fairdesk.config.bot.enabled
            let (outcomes, events, unused) = try await app.write { db in try await file(batch, botOn: botOn, on: db) }
            finish(unused: unused)
            await app.fairdesk.live.publish(events)
            if botOn { app.fairdesk.botDesk.nudge(app: app) }
            return outcomes
        } catch {
            guard batch.count > 1 else {
                // The same message arriving twice at once (a relay that retried early) races for its
                // Message-ID, and a new sender's first two messages race to create the customer:
                // once more, the message finds what the other one wrote.
                if !again, let error = error as? any DatabaseError, error.isConstraintFailure {
                    return try await write(batch, again: true)
                }
                // Nothing of the message was kept: neither may its files be.
                finish(unused: [batch[0].key] + batch[0].files.map(\.key))
                throw error
            }
            var outcomes: [Outcome] = []
            for message in batch { outcomes += try await write([message]) }
            return outcomes
        }
    }

    private func finish(unused keys: [String]) {
        for key in keys { app.fairdesk.attachments.delete(key: key) }
    }

    private func file(
        _ batch: [Prepared], botOn: Bool, on db: any Database
    ) async throws -> ([Outcome], [LiveEvent], [String]) {
        let now = app.fairdesk.clock.now
        let config = app.fairdesk.config
        let service = InboundService(
            config: config, now: now, actor: Actor(id: nil, label: "email"), catalogs: app.fairdesk.catalog,
            botOn: botOn)
        let queue = try await CaseWork.defaultQueue(on: db, config: config)
        let ours: Set<String> = [config.mailFrom.address.lowercased()]
        var outcomes: [Outcome] = []
        var events: [LiveEvent] = []
        var unused: [String] = []
        var seen: [String: Outcome] = [:]
        var sentBy: [String: Int] = [:]
        // One query finds which of the batch's messages were received before.
        let received = try await receivedBefore(batch.map(\.messageID), on: db)
        for message in batch {
            var earlier = seen[message.messageID]
            if earlier == nil, received.contains(message.messageID) {
                earlier = try await duplicate(of: message.messageID, on: db)
            }
            if let earlier {
                var repeated = earlier
                repeated.duplicate = true
                outcomes.append(repeated)
                unused += [message.key] + message.files.map(\.key)
                continue
            }
            let mail = message.mail
            let problems = mail.problems + Self.oversized(mail, limit: config.maximumAttachmentBytes)
            let details = Self.details(id: message.id, problems: problems)
            let sender = mail.from?.address.lowercased() ?? ""
            var recent = 0
            if source != .mailbox, !sender.isEmpty {
                recent =
                    try await recentCount(from: sender, state: "filed", since: now - 3600, on: db)
                    + sentBy["filed " + sender, default: 0]
            }
            var verdict = MailIntake.verdict(
                for: mail, ourAddresses: ours, recentFromSender: recent, hourlyLimit: config.mailHourlyLimit)
            var identity: Identity?
            if verdict == .file {
                do {
                    identity = try Identity(kind: .email, raw: sender, field: "from")
                } catch {
                    verdict = .held("the sender address \(sender) is not one Fairdesk can answer: \(error)")
                }
            }
            var thread: Thread?
            switch verdict {
            case .file: thread = try await findThread(mail, identity: identity, automatic: false, on: db)
            case .automatic: thread = try await findThread(mail, identity: nil, automatic: true, on: db)
            case .held: thread = nil
            }
            var outcome = Outcome(
                inboundEmailId: message.id, state: "held", reason: nil, caseId: nil, caseNumber: nil, entryId: nil,
                threadedBy: nil, customerCreated: false, caseCreated: false, duplicate: false, problems: problems)
            switch verdict {
            case .file:
                sentBy["filed " + sender, default: 0] += 1
                let filed = try await fileMessage(
                    mail, from: identity!, thread: thread, details: details, service: service,
                    queue: queue, files: message.files, into: &outcome, on: db)
                events += filed
            case .automatic(let why):
                outcome.state = "automatic"
                outcome.reason = why
                // Notes stop once a sender's machine mail passes the hourly limit: a bounce storm
                // must not bury the case.
                let notes =
                    try await recentCount(from: sender, state: "automatic", since: now - 3600, on: db)
                    + sentBy["automatic " + sender, default: 0]
                if notes >= config.mailHourlyLimit { outcome.reason = why + "; not noted: over the hourly limit" }
                sentBy["automatic " + sender, default: 0] += 1
                if notes < config.mailHourlyLimit, let thread,
                    let supportCase = try await SupportCase.find(thread.caseID, on: db)
                {
                    // Agents see that their reply bounced or met an out-of-office; the case stays as it was.
                    let work = try await app.caseWork(on: db, actor: Actor(id: nil, label: "email"))
                    let entry = try await work.addEntry(
                        to: supportCase, kind: .note, direction: .internal, channel: .email,
                        body: "Automatic mail received (\(why)) from \(sender): \(mail.subject)\n\n"
                            + String(mail.newText.prefix(2000)),
                        details: details)
                    outcome.caseId = thread.caseID
                    outcome.caseNumber = supportCase.number
                    outcome.entryId = try entry.requireID()
                    outcome.threadedBy = thread.how
                    events.append(LiveEvent(kind: .entry, supportCase: supportCase, entry: entry))
                }
            case .held(let why):
                outcome.reason = why
            }
            if outcome.state != "filed" { unused += message.files.map(\.key) }
            try await record(message, outcome: outcome, at: now, on: db)
            seen[message.messageID] = outcome
            outcomes.append(outcome)
        }
        return (outcomes, events, unused)
    }

    /// Puts a person's email on the timeline: in the case it answers, else as the foundation's rules
    /// say (the customer's open case, or a new one), with its files.
    private func fileMessage(
        _ mail: ParsedMail, from identity: Identity, thread: Thread?, details: [String: String],
        service: InboundService, queue: UUID?, files: [StoredFile], into outcome: inout Outcome, on db: any Database
    ) async throws -> [LiveEvent] {
        let filed = try await service.receive(
            InboundService.Message(
                channel: .email, identity: identity, name: mail.from?.name, subject: Self.subject(of: mail),
                body: Self.body(of: mail), caseNumber: nil, externalID: nil, caseID: thread?.caseID, details: details),
            defaultQueue: queue, on: db)
        let result = filed.result
        outcome.state = "filed"
        outcome.caseId = result.caseId
        outcome.caseNumber = result.caseNumber
        outcome.entryId = result.entryId
        outcome.customerCreated = result.customerCreated
        outcome.caseCreated = result.caseCreated
        outcome.threadedBy =
            result.caseCreated ? "new case" : (result.caseId == thread?.caseID ? thread?.how : "latest case")
        try await recordFiles(files, caseID: result.caseId, entryID: result.entryId, at: app.fairdesk.clock.now, on: db)
        return filed.event.map { [$0] } ?? []
    }

    /// Files a held email after all, because an admin looked at it and decided it is a person's
    /// mail (a customer who wrote many times in an hour, say). Recorded on the audit log with who and why.
    func release(_ id: UUID, by actor: Actor, reason: String?) async throws -> Outcome {
        var checks = Checks()
        let why = checks.text(reason, field: "reason", max: 500)
        try checks.finish()
        struct Row: Decodable {
            var state: String
            var storageKey: String
        }
        guard
            let row = try await app.db.sql.raw(
                "SELECT state, storage_key FROM inbound_emails WHERE id = \(bind: id)"
            ).first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        else { throw ApiError.notFound("email") }
        guard row.state == "held" else {
            throw ApiError.conflict("only held mail can be filed by hand; this email is \(row.state)")
        }
        let mail = MIMEParser.parse(try app.fairdesk.attachments.load(key: row.storageKey))
        let sender = mail.from?.address ?? ""
        let identity: Identity
        do {
            identity = try Identity(kind: .email, raw: sender, field: "from")
        } catch {
            throw ApiError.conflict(
                "the sender \(sender.isEmpty ? "is missing" : sender + " is not an address"); "
                    + "the email cannot become a case")
        }
        let now = app.fairdesk.clock.now
        let config = app.fairdesk.config
        let service = InboundService(config: config, now: now, actor: actor, catalogs: app.fairdesk.catalog)
        let files = try Self.storeFiles(of: mail, limit: config.maximumAttachmentBytes, in: app.fairdesk.attachments)
        do {
            let (outcome, event) = try await app.write { db in
                let thread = try await findThread(mail, identity: identity, automatic: false, on: db)
                var outcome = Outcome(
                    inboundEmailId: id, state: "held", reason: why, caseId: nil, caseNumber: nil, entryId: nil,
                    threadedBy: nil, customerCreated: false, caseCreated: false, duplicate: false,
                    problems: mail.problems + Self.oversized(mail, limit: config.maximumAttachmentBytes))
                let details = Self.details(id: id, problems: outcome.problems)
                let event = try await fileMessage(
                    mail, from: identity, thread: thread, details: details, service: service,
                    queue: try await CaseWork.defaultQueue(on: db, config: config), files: files, into: &outcome,
                    on: db)
                try await db.sql.raw(
                    """
                    UPDATE inbound_emails SET state = 'filed', reason = \(bind: "filed by hand: " + why!), \
                    case_id = \(bind: outcome.caseId), entry_id = \(bind: outcome.entryId), \
                    threaded_by = \(bind: outcome.threadedBy) WHERE id = \(bind: id)
                    """
                ).run()
                try await AuditLog.append(
                    on: db, at: now, actor: actor, action: "mail.released", subjectType: "inbound_email", subjectID: id,
                    reason: why, details: ["case": outcome.caseNumber.map(String.init) ?? "", "from": sender])
                return (outcome, event)
            }
            await app.fairdesk.live.publish(event)
            return outcome
        } catch {
            for file in files { app.fairdesk.attachments.delete(key: file.key) }
            throw error
        }
    }

    // MARK: Threading

    struct Thread {
        var caseID: UUID
        var how: String
    }

    /// The case a message answers: by the ids in `In-Reply-To`/`References` of mail Fairdesk sent or
    /// received, then by the case number in the subject if the sender's customer owns that case.
    ///
    /// A person's mail joins the case only when its sender is that case's customer: a message id or a
    /// case number seen in a forwarded copy must not let someone else into the conversation (and
    /// receive the agent's replies). Automatic mail (`identity` nil) is matched by its headers alone,
    /// as it is only ever noted on the case.
    private func findThread(
        _ mail: ParsedMail, identity: Identity?, automatic: Bool, on db: any Database
    ) async throws -> Thread? {
        let directory = CustomerDirectory(db: db, now: app.fairdesk.clock.now)
        // Who the sender is, looked up only for a message that names a case (most mail doesn't).
        func belongs(_ caseID: UUID) async throws -> Bool {
            if automatic { return true }
            guard let identity, let owner = try await directory.owner(of: identity)?.id,
                let supportCase = try await SupportCase.find(caseID, on: db)
            else { return false }
            return try await directory.current(supportCase.$customer.id)?.id == owner
        }
        let inReplyTo = Set(mail.inReplyTo)
        for id in MailIntake.threadCandidates(inReplyTo: mail.inReplyTo, references: mail.references) {
            let how = inReplyTo.contains(id) ? "in-reply-to" : "references"
            var found: UUID?
            if let row = Outbox.rowID(inMessageID: id) { found = try await caseOfOutbound(row, on: db) }
            if found == nil { found = try await caseOfInbound(id, on: db) }
            if let found {
                return try await belongs(found) ? Thread(caseID: found, how: how) : nil
            }
        }
        if !automatic, let number = MailIntake.caseNumber(inSubject: mail.subject),
            let supportCase = try await SupportCase.query(on: db).filter(\.$number == number).first(),
            try await belongs(try supportCase.requireID())
        {
            return Thread(caseID: try supportCase.requireID(), how: "subject")
        }
        return nil
    }

    private struct CaseRef: Decodable { var caseId: UUID? }

    private func caseOfOutbound(_ id: UUID, on db: any Database) async throws -> UUID? {
        try await db.sql.raw("SELECT case_id FROM outbound_emails WHERE id = \(bind: id)")
            .first(decoding: CaseRef.self, keyDecodingStrategy: .convertFromSnakeCase)?.caseId
    }

    private func caseOfInbound(_ messageID: String, on db: any Database) async throws -> UUID? {
        try await db.sql.raw("SELECT case_id FROM inbound_emails WHERE message_id = \(bind: messageID)")
            .first(decoding: CaseRef.self, keyDecodingStrategy: .convertFromSnakeCase)?.caseId
    }

    // MARK: Storage

    /// Which of `messageIDs` are already stored.
    private func receivedBefore(_ messageIDs: [String], on db: any Database) async throws -> Set<String> {
        struct Row: Decodable {
            var messageID: String
            enum CodingKeys: String, CodingKey { case messageID = "message_id" }
        }
        guard !messageIDs.isEmpty else { return [] }
        let rows = try await db.sql.raw(
            "SELECT message_id FROM inbound_emails WHERE message_id IN (\(binds: messageIDs))"
        )
        .all(decoding: Row.self)
        return Set(rows.map(\.messageID))
    }

    private func duplicate(of messageID: String, on db: any Database) async throws -> Outcome? {
        struct Row: Decodable {
            var id: UUID
            var state: String
            var reason: String?
            var caseId: UUID?
            var entryId: UUID?
            var threadedBy: String?
            var problems: String
        }
        guard
            let row = try await db.sql.raw(
                """
                SELECT id, state, reason, case_id, entry_id, threaded_by, problems FROM inbound_emails \
                WHERE message_id = \(bind: messageID)
                """
            ).first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        else { return nil }
        var number: Int64?
        if let caseID = row.caseId { number = try await SupportCase.find(caseID, on: db)?.number }
        return Outcome(
            inboundEmailId: row.id, state: row.state, reason: row.reason, caseId: row.caseId, caseNumber: number,
            entryId: row.entryId, threadedBy: row.threadedBy, customerCreated: false, caseCreated: false,
            duplicate: true, problems: row.problems.isEmpty ? [] : row.problems.components(separatedBy: "\n"))
    }

    private func recentCount(
        from sender: String, state: String, since: Date, on db: any Database
    ) async throws -> Int {
        struct Count: Decodable { var n: Int }
        return try await db.sql.raw(
            """
            SELECT COUNT(*) AS n FROM inbound_emails WHERE from_address = \(bind: sender) \
            AND received_at > \(bind: since) AND state = \(bind: state)
            """
        ).first(decoding: Count.self)?.n ?? 0
    }

    private func record(_ message: Prepared, outcome: Outcome, at now: Date, on db: any Database) async throws {
        let mail = message.mail
        let reply = (mail.replyTo ?? mail.from)?.address.lowercased()
        try await db.insertRow(
            "inbound_emails",
            [
                ("id", message.id), ("received_at", now), ("source", source.rawValue), ("storage_key", message.key),
                ("byte_size", Int64(message.raw.count)), ("sha256", message.digest), ("message_id", message.messageID),
                ("from_address", mail.from?.address.lowercased()), ("reply_address", reply),
                ("subject", String(mail.subject.prefix(500))), ("state", outcome.state), ("reason", outcome.reason),
                ("threaded_by", outcome.threadedBy), ("case_id", outcome.caseId), ("entry_id", outcome.entryId),
                ("problems", outcome.problems.joined(separator: "\n")), ("parser_version", Self.parserVersion),
                ("parsed_at", now),
            ])
    }

    /// Writes the files of a message to the store. A file larger than the limit for attachments is
    /// left in the raw message (which is kept); ``oversized(_:limit:)`` names it.
    static func storeFiles(
        of mail: ParsedMail, limit: Int, in store: any AttachmentStore, quickly: Bool = false
    ) throws -> [StoredFile] {
        var stored: [StoredFile] = []
        do {
            for file in mail.attachments where file.data.count <= limit {
                let key = UUID().uuidString.lowercased()
                try quickly ? store.saveQuickly(data: file.data, key: key) : store.save(data: file.data, key: key)
                stored.append(
                    StoredFile(
                        filename: String(file.filename.prefix(255)), contentType: file.contentType,
                        size: Int64(file.data.count), sha256: Digest.sha256(file.data), key: key))
            }
        } catch {
            for file in stored { store.delete(key: file.key) }
            throw error
        }
        return stored
    }

    /// The rows of stored files, on a timeline entry.
    func recordFiles(
        _ files: [StoredFile], caseID: UUID, entryID: UUID, at now: Date, on db: any Database
    ) async throws {
        for file in files {
            try await db.insertRow(
                "attachments",
                [
                    ("id", TimeOrderedID.next(at: now)), ("case_id", caseID), ("entry_id", entryID),
                    ("filename", file.filename), ("content_type", file.contentType), ("byte_size", file.size),
                    ("sha256", file.sha256), ("storage_key", file.key), ("created_at", now),
                ])
        }
    }

    // MARK: Reading

    /// A subject for a new case: the mail's, or the start of its text when it had none.
    static func subject(of mail: ParsedMail) -> String {
        let subject = mail.subject.trimmed
        if !subject.isEmpty { return String(subject.prefix(200)) }
        let start = mail.newText.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return start.isEmpty ? "(no subject)" : String(start.prefix(80))
    }

    /// What goes on the timeline: the customer's new words, without the quoted history and the
    /// signature; a line saying so when the message has only files.
    static func body(of mail: ParsedMail) -> String {
        let text = mail.newText.trimmed
        if !text.isEmpty { return String(text.prefix(100_000)) }
        let files = mail.attachments.count
        return files == 0 ? "(the message had no text)" : "(the message had no text, only \(files) file(s))"
    }

    static func details(id: UUID, problems: [String]) -> [String: String] {
        var details = ["inboundEmail": id.uuidString.lowercased()]
        if !problems.isEmpty { details["mailProblems"] = problems.joined(separator: "; ") }
        return details
    }

    /// Files too large to keep as attachments, as problems: they stay inside the raw message.
    static func oversized(_ mail: ParsedMail, limit: Int) -> [String] {
        mail.attachments.filter { $0.data.count > limit }.map {
            "the file \($0.filename) (\($0.data.count) bytes) is over FAIRDESK_MAX_ATTACHMENT_BYTES (\(limit)); "
                + "it is only in the original email"
        }
    }
}

/// The storage keys of files written inside a transaction, to remove if it rolls back.
final class StoredKeys: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    func add(_ keys: [String]) { lock.withLock { stored += keys } }
    var keys: [String] { lock.withLock { stored } }
}
