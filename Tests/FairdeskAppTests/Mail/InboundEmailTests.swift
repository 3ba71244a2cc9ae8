import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@testable import FairdeskApp

extension TestFairdesk {
    /// Posts a raw email as a relay would.
    func postEmail(_ raw: String, as person: Person? = nil) async throws -> TestingHTTPResponse {
        try await send(
            .POST, "api/v1/inbound/email", as: person ?? admin, raw: raw,
            headers: ["Content-Type": "message/rfc822"])
    }

    func ingest(_ raw: String) async throws -> MailIntakeService.Outcome {
        let response = try await postEmail(raw)
        guard response.status == .created || response.status == .ok else {
            Issue.record("ingest failed: \(response.status) \(response.body.string)")
            throw TestFailure("ingest failed")
        }
        return try decode(MailIntakeService.Outcome.self, response)
    }

    func supportCase(_ id: UUID?) async throws -> SupportCase {
        try #require(try await SupportCase.find(try #require(id), on: app.db))
    }
}

/// A raw email with CRLF line endings.
func rawEmail(
    from: String = "Ann Example <ann@example.com>", subject: String = "Parcel never arrived",
    messageID: String = "\(UUID().uuidString)@mail.example.com", inReplyTo: String? = nil, extra: [String] = [],
    body: String = "Hello,\nmy parcel never arrived.\nAnn"
) -> String {
    var headers = [
        "From: \(from)", "To: Support <support@fairdesk.example>", "Subject: \(subject)",
        "Date: Mon, 21 Sep 2026 14:13:20 +0000", "Message-ID: <\(messageID)>", "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
    ]
    if let inReplyTo { headers += ["In-Reply-To: <\(inReplyTo)>", "References: <\(inReplyTo)>"] }
    headers += extra
    return headers.joined(separator: "\r\n") + "\r\n\r\n" + body.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
}

@Suite("Email in and out")
struct InboundEmailTests {
    @Test("a relay posts a raw email: it starts a case on the sender's new customer record, with the new text only")
    func newCase() async throws {
        try await TestFairdesk.with { fd in
            let outcome = try await fd.ingest(
                rawEmail(body: "My parcel never arrived.\n\nOn Sun, Support wrote:\n> Your parcel is on its way"))
            #expect(outcome.state == "filed")
            #expect(outcome.caseCreated && outcome.customerCreated)
            #expect(outcome.threadedBy == "new case")
            let supportCase = try await fd.supportCase(outcome.caseId)
            #expect(supportCase.subject == "Parcel never arrived")
            #expect(supportCase.channel == .email)
            let entry = try #require(try await TimelineEntry.find(outcome.entryId, on: fd.app.db))
            #expect(entry.body == "My parcel never arrived.")
            #expect(entry.authorLabel == "Ann Example")
            #expect(try await fd.count("inbound_emails") == 1)
        }
    }

    @Test("the relay endpoint names what is wrong: the content type, an empty body, a role without access")
    func badRequests() async throws {
        try await TestFairdesk.with { fd in
            let json = try await fd.send(.POST, "api/v1/inbound/email", as: fd.admin, raw: "{}")
            #expect(json.status == .unsupportedMediaType)
            #expect(try fd.problems(json) == ["Content-Type: must be message/rfc822"])
            let empty = try await fd.postEmail("")
            #expect(empty.status == .badRequest)
            let customer = try await fd.postEmail(rawEmail(), as: fd.customer)
            #expect(customer.status == .forbidden)
            #expect(try await fd.count("inbound_emails") == 0)
        }
    }

    @Test("the same message delivered twice is kept once")
    func duplicate() async throws {
        try await TestFairdesk.with { fd in
            let raw = rawEmail(messageID: "twice@mail.example.com")
            let first = try await fd.ingest(raw)
            let second = try await fd.ingest(raw)
            #expect(second.duplicate)
            #expect(second.inboundEmailId == first.inboundEmailId)
            #expect(second.caseId == first.caseId)
            #expect(try await fd.count("inbound_emails") == 1)
            #expect(try await fd.count("timeline_entries") == 1)
        }
    }

    @Test(
        "an agent's reply goes out by SMTP in the customer's thread with its file; the answer comes back to the case"
    )
    func replyThread() async throws {
        let smtp = try await TestSMTPServer.start()
        try await TestFairdesk.with(.set(\.smtp, smtp.settings)) { fd in
            let first = try await fd.ingest(rawEmail(messageID: "c1@mail.example.com"))
            let caseID = try #require(first.caseId)
            let boundary = "----reply"
            var body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nHere is your label.\r\n"
            body +=
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"attachments[]\"; filename=\"label.pdf\"\r\n"
            body += "Content-Type: application/pdf\r\n\r\n%PDF-1.4 label\r\n--\(boundary)--\r\n"
            var headers = fd.agent.headers
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            let posted = try await fd.app.testing().sendRequest(
                .POST, "api/v1/cases/\(caseID)/messages", headers: headers, body: ByteBuffer(string: body))
            #expect(posted.status == .created)
            #expect(try await JobWorker(app: fd.app).drain().ran >= 1)
            let received = try #require(try await smtp.messages.first)
            #expect(received.to == ["<ann@example.com>"])
            let sent = MIMEParser.parse(Data(received.data.utf8))
            #expect(sent.subject == "Re: Parcel never arrived (case \(first.caseNumber!))")
            #expect(sent.inReplyTo == ["c1@mail.example.com"])
            #expect(sent.references == ["c1@mail.example.com"])
            #expect(sent.header("Auto-Submitted") == nil)
            #expect(sent.text.contains("Here is your label."))
            #expect(sent.attachments.map(\.filename) == ["label.pdf"])
            #expect(sent.attachments.first?.data == Data("%PDF-1.4 label".utf8))
            // The outbox row says it went, in which thread, written with the job's completion.
            let stored = try #require(try await Outbox.recent(on: fd.app.db).first { $0.caseId == caseID })
            #expect(stored.state == "sent" && stored.sentAt != nil && stored.attempts == 1)
            #expect(stored.inReplyTo == "c1@mail.example.com")
            #expect(stored.referencesIds == "c1@mail.example.com")
            let ourID = try #require(sent.messageID)

            // The customer answers and changes the subject: the headers still lead back.
            let answer = try await fd.ingest(
                rawEmail(subject: "thanks", inReplyTo: ourID, body: "Got it, thanks."))
            #expect(answer.caseId == caseID)
            #expect(answer.threadedBy == "in-reply-to")
            #expect(!answer.customerCreated)

            // Someone who saw a forwarded copy cannot join Ann's conversation (and get its replies).
            let forwarded = try await fd.ingest(
                rawEmail(from: "mallory@example.net", subject: "Re: thanks", inReplyTo: ourID, body: "Send it to me"))
            #expect(forwarded.caseId != caseID)
            #expect(forwarded.caseCreated)

            // A client that drops the headers still keeps the case number in the subject.
            let bySubject = try await fd.ingest(
                rawEmail(subject: "Re: Parcel never arrived (case \(first.caseNumber!))", body: "One more thing"))
            #expect(bySubject.caseId == caseID)
            #expect(bySubject.threadedBy == "subject")

            // Someone else quoting the number does not get into Ann's case.
            let stranger = try await fd.ingest(
                rawEmail(from: "eve@example.net", subject: "Re: (case \(first.caseNumber!))", body: "Let me in"))
            #expect(stranger.caseId != caseID)
            #expect(stranger.caseCreated)
        }
        await smtp.stop()
    }

    @Test(
        "auto-replies and bounces never start a case; a bounce of our reply is noted on its case, which stays as it was"
    )
    func loopProtection() async throws {
        try await TestFairdesk.with { fd in
            let vacation = try await fd.ingest(
                rawEmail(
                    from: "bob@example.com", subject: "Out of office", extra: ["Auto-Submitted: auto-replied"],
                    body: "I am away until Monday."))
            #expect(vacation.state == "automatic")
            #expect(vacation.caseId == nil)
            #expect(try await fd.count("cases") == 0)

            let first = try await fd.ingest(rawEmail(messageID: "c1@mail.example.com"))
            let before = try await fd.supportCase(first.caseId).status
            let bounce = try await fd.ingest(
                rawEmail(
                    from: "MAILER-DAEMON@mx.example.com", subject: "Undelivered Mail Returned to Sender",
                    inReplyTo: "c1@mail.example.com", body: "The mail system could not deliver your message."))
            #expect(bounce.state == "automatic")
            #expect(bounce.reason == "a delivery failure report (bounce)")
            #expect(bounce.caseId == first.caseId)
            let note = try #require(try await TimelineEntry.find(bounce.entryId, on: fd.app.db))
            #expect(note.kind == .note)
            #expect(note.direction == .internal)
            #expect(note.body.contains("could not deliver"))
            #expect(try await fd.supportCase(first.caseId).status == before)
            #expect(try await fd.count("cases") == 1)

            let loop = try await fd.ingest(rawEmail(from: fd.app.fairdesk.config.mailFrom.address))
            #expect(loop.state == "held")
            #expect(loop.reason?.contains("mail loop") == true)
        }
    }

    @Test("a sender over the hourly limit is held, so two robots answering each other cannot flood the queue")
    func flood() async throws {
        try await TestFairdesk.with(.set(\.mailHourlyLimit, 3)) { fd in
            var states: [String] = []
            for number in 1...5 {
                states.append(
                    try await fd.ingest(rawEmail(from: "robot@example.com", subject: "Ticket \(number)")).state)
            }
            #expect(states == ["filed", "filed", "filed", "held", "held"])

            // An admin looks at a held one and files it, saying why; the audit log keeps who and why.
            let held = try await fd.ingest(rawEmail(from: "robot@example.com", subject: "Ticket 6"))
            let intake = MailIntakeService(app: fd.app, source: .http)
            let admin = Actor(id: fd.admin.id, label: "Ada Admin (admin)")
            await #expect(throws: ValidationFailure.self) {
                try await intake.release(held.inboundEmailId, by: admin, reason: " ")
            }
            let filed = try await intake.release(
                held.inboundEmailId, by: admin, reason: "a real customer writing about six orders")
            #expect(filed.state == "filed")
            #expect(filed.caseId != nil)
            let entry = try #require(
                try await AuditEntry.query(on: fd.app.db).filter(\.$action == "mail.released").first())
            #expect(entry.reason == "a real customer writing about six orders")
            #expect(entry.actorLabel == "Ada Admin (admin)")
            await #expect(throws: ApiError.self) {
                try await intake.release(held.inboundEmailId, by: admin, reason: "again")
            }
            fd.clock.advance(by: 3601)
            #expect(try await fd.ingest(rawEmail(from: "robot@example.com")).state == "filed")
        }
    }

    @Test("broken mail is kept and filed with what could be read, the problems named; its raw bytes are stored")
    func brokenMail() async throws {
        try await TestFairdesk.with { fd in
            let raw =
                "From: Ann <ann@example.com>\r\nSubject: Photo\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\n"
                + "See the photo\r\n--b1\r\nContent-Type: image/png; name=p.png\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "iVBORw0KGgo!!!notbase64\r\n"
            let outcome = try await fd.ingest(raw)
            #expect(outcome.state == "filed")
            #expect(!outcome.problems.isEmpty)
            let entry = try #require(try await TimelineEntry.find(outcome.entryId, on: fd.app.db))
            #expect(entry.body.contains("See the photo"))
            struct Row: Decodable { var storageKey: String }
            let row = try #require(
                try await (fd.app.db as! any SQLDatabase).raw("SELECT storage_key FROM inbound_emails")
                    .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase))
            #expect(try fd.app.fairdesk.attachments.load(key: row.storageKey) == Data(raw.utf8))
        }
    }

    @Test("reparse reads the stored raw mail again and puts back the text and files a better parser finds")
    func reparse() async throws {
        try await TestFairdesk.with { fd in
            let raw =
                "From: Ann <ann@example.com>\r\nSubject: Label\r\nMessage-ID: <r1@example.com>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\n"
                + "Label attached\r\n--b1\r\nContent-Type: application/pdf; name=label.pdf\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQ=\r\n--b1--\r\n"
            let outcome = try await fd.ingest(raw)
            let entryID = try #require(outcome.entryId)
            #expect(try await Attachment.query(on: fd.app.db).filter(\.$entry.$id == entryID).count() == 1)
            // As an older parser would have left it: the wrong text, no file.
            try await (fd.app.db as! any SQLDatabase).raw(
                "UPDATE timeline_entries SET body = 'garbled' WHERE id = \(bind: entryID)"
            ).run()
            try await Attachment.query(on: fd.app.db).filter(\.$entry.$id == entryID).delete()

            let summary = try await MailReparser(app: fd.app).run(onlyOutdated: false)
            #expect(
                summary == MailReparser.Summary(read: 1, textChanged: 1, filesChanged: 1, withProblems: 0, missing: 0))
            #expect(try await TimelineEntry.find(entryID, on: fd.app.db)?.body == "Label attached")
            let files = try await Attachment.query(on: fd.app.db).filter(\.$entry.$id == entryID).all()
            #expect(files.map(\.filename) == ["label.pdf"])
            #expect(try fd.app.fairdesk.attachments.load(key: files[0].storageKey) == Data("%PDF-1.4".utf8))
            // Nothing changes the second time.
            let again = try await MailReparser(app: fd.app).run(onlyOutdated: false)
            #expect(again == MailReparser.Summary(read: 1))
        }
    }

    @Test("an mbox is split into its messages, with >From lines unquoted")
    func mbox() {
        let mbox =
            "From ann@example.com Mon Sep 21 14:13:20 2026\nSubject: one\n\n>From the start\nbody\n\n"
            + "From bob@example.com Mon Sep 21 14:14:20 2026\nSubject: two\n\ntext\n"
        let messages = Mailbox.mboxMessages(Data(mbox.utf8)).map { String(decoding: $0, as: UTF8.self) }
        #expect(messages.count == 2)
        #expect(messages[0] == "Subject: one\n\nFrom the start\nbody\r\n")
        #expect(messages[1] == "Subject: two\n\ntext\r\n")
    }
}

@Suite("Social messages")
struct SocialInboundTests {
    @Test("a bridge posts a social message: it starts a case; the same external id again is ignored")
    func social() async throws {
        try await TestFairdesk.with { fd in
            let message = SocialMessageRequest(
                network: "Instagram", handle: "@ann.example", name: "Ann", text: "Where is my order?",
                externalId: "ig-1")
            let first = try await fd.send(.POST, "api/v1/inbound/social", as: fd.admin, json: message)
            #expect(first.status == .created)
            let result = try fd.decode(InboundResultDTO.self, first)
            #expect(result.caseCreated)
            #expect(try await fd.supportCase(result.caseId).channel == .social)
            let again = try await fd.send(.POST, "api/v1/inbound/social", as: fd.admin, json: message)
            #expect(again.status == .ok)
            #expect(try fd.decode(InboundResultDTO.self, again).duplicate)
            #expect(try await fd.count("timeline_entries") == 1)
        }
    }

    @Test("a social message without a usable network or text names the fields")
    func socialBadInput() async throws {
        try await TestFairdesk.with { fd in
            let response = try await fd.send(
                .POST, "api/v1/inbound/social", as: fd.admin,
                json: SocialMessageRequest(network: "my network!", handle: "x", name: nil, text: " ", externalId: "1"))
            #expect(response.status == .unprocessableEntity)
            let problems = try fd.problems(response)
            #expect(problems.contains { $0.hasPrefix("network:") })
            #expect(problems.contains { $0.hasPrefix("text:") })
            #expect(try await fd.count("cases") == 0)
        }
    }
}
