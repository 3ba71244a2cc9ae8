import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// Mail to a customer about their case. On an email case, an agent's reply and the messages
/// Fairdesk itself sends (a promise, its follow-up, a survey) go out by email, so the customer hears
/// on the channel they used, in the thread their mail client already shows. On other channels the
/// message on the case is what the customer sees, in the chat widget and on their case page.
enum CustomerMail {
    /// Fairdesk's own message about a case: marked as automatic so auto-responders stay quiet.
    static func send(
        about supportCase: SupportCase, subject: String, body: String, kind: String, at now: Date, on db: any Database
    ) async throws {
        try await queue(
            about: supportCase, subject: "\(subject) \(MailIntake.subjectMarker(caseNumber: supportCase.number))",
            body: body, kind: kind, entryID: nil, automatic: true, at: now, on: db)
    }

    /// An agent's reply on an email case, with the files of its timeline entry.
    static func reply(
        on supportCase: SupportCase, entry: TimelineEntry, at now: Date, on db: any Database
    ) async throws {
        try await queue(
            about: supportCase,
            subject: MailIntake.replySubject(caseSubject: supportCase.subject, caseNumber: supportCase.number),
            body: entry.body, kind: "case.reply", entryID: try entry.requireID(), automatic: false, at: now, on: db)
    }

    /// The bot's answer on an email case, in the customer's thread. It is marked `Auto-Submitted`
    /// (RFC 3834), so the customer's own auto-responder does not answer it back.
    static func botReply(on supportCase: SupportCase, entry: TimelineEntry, at now: Date, on db: any Database)
        async throws
    {
        try await queue(
            about: supportCase,
            subject: MailIntake.replySubject(caseSubject: supportCase.subject, caseNumber: supportCase.number),
            body: entry.body, kind: "bot.reply", entryID: try entry.requireID(), automatic: true, at: now, on: db)
    }

    private static func queue(
        about supportCase: SupportCase, subject: String, body: String, kind: String, entryID: UUID?, automatic: Bool,
        at now: Date, on db: any Database
    ) async throws {
        guard supportCase.channel == .email, let caseID = supportCase.id,
            let recipient = try await recipient(for: supportCase, on: db)
        else { return }
        try await Outbox.queue(
            [recipient], subject: subject, body: body, kind: kind,
            thread: Outbox.Thread(caseID: caseID, entryID: entryID, automatic: automatic), at: now, on: db)
    }

    /// Where mail about the case goes, with the customer's name: the address the customer last
    /// wrote from about it (their Reply-To, if they set one), else the first email address on their
    /// record. One query: it runs for every reply on an email case.
    static func recipient(for supportCase: SupportCase, on db: any Database) async throws -> Outbox.Recipient? {
        struct Found: Decodable {
            var name: String
            var replyAddress: String?
            var email: String?
        }
        guard let caseID = supportCase.id else { return nil }
        let customerID = supportCase.$customer.id
        let found = try await db.sql.raw(
            """
            SELECT c.display_name AS name, \
            (SELECT reply_address FROM inbound_emails WHERE case_id = \(bind: caseID) AND state = 'filed' \
            ORDER BY received_at DESC LIMIT 1) AS reply_address, \
            (SELECT value FROM identities WHERE customer_id = \(bind: customerID) AND kind = 'email' \
            ORDER BY created_at LIMIT 1) AS email \
            FROM customers c WHERE c.id = \(bind: customerID)
            """
        ).first(decoding: Found.self, keyDecodingStrategy: .convertFromSnakeCase)
        guard let found, let address = found.replyAddress ?? found.email else { return nil }
        return Outbox.Recipient(userID: nil, address: address, name: found.name)
    }
}
