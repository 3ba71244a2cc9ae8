import FairdeskCore
import Foundation
import Testing

@Suite("Threading and loop protection for inbound mail")
struct MailIntakeTests {
    @Test("the case number is found in the subjects customers' clients send back, and not in other numbers")
    func caseNumberInSubject() {
        #expect(MailIntake.caseNumber(inSubject: "Re: Where is my parcel? (case 1042)") == 1042)
        #expect(MailIntake.caseNumber(inSubject: "AW: [Case #77] Refund") == 77)
        #expect(MailIntake.caseNumber(inSubject: "Fwd: about case #5") == 5)
        #expect(MailIntake.caseNumber(inSubject: "Order 1042 never arrived") == nil)
        #expect(MailIntake.caseNumber(inSubject: "In case you missed it 12") == nil)
        #expect(MailIntake.caseNumber(inSubject: "") == nil)
    }

    @Test("a reply subject has one Re: and one case marker, however often the thread went back and forth")
    func replySubject() {
        #expect(MailIntake.replySubject(caseSubject: "Parcel late", caseNumber: 9) == "Re: Parcel late (case 9)")
        #expect(
            MailIntake.replySubject(caseSubject: "RE: Re: AW: Parcel late (case 9)", caseNumber: 9)
                == "Re: Parcel late (case 9)")
    }

    @Test("a reply is matched by the message it answers first, then by its references, newest first")
    func candidates() {
        #expect(
            MailIntake.threadCandidates(inReplyTo: ["c@x"], references: ["a@x", "b@x", "c@x"]) == ["c@x", "b@x", "a@x"])
        #expect(MailIntake.threadCandidates(inReplyTo: [], references: []) == [])
    }

    @Test("References of a long conversation keep the first message and the latest ones")
    func references() {
        let ids = (1...30).map { "m\($0)@x" }
        let kept = MailIntake.references(ids + ["m30@x"])
        #expect(kept.count == 20)
        #expect(kept.first == "m1@x")
        #expect(kept.last == "m30@x")
        #expect(MailIntake.references(["a", "a", "b"]) == ["a", "b"])
    }

    private func mail(from: String?, headers: [(String, String)] = [], automatic: Bool = false) -> ParsedMail {
        var mail = ParsedMail()
        mail.from = from.map { MailAddress(address: $0) }
        mail.headers = headers.map { MailHeaderField(name: $0.0, value: $0.1) }
        mail.isAutomatic = automatic
        return mail
    }

    @Test("people's mail is filed; machines' mail is never allowed to start a case; loops and floods are held")
    func verdicts() {
        let ours: Set<String> = ["support@fairdesk.example"]
        #expect(
            MailIntake.verdict(
                for: mail(from: "ann@example.com"), ourAddresses: ours, recentFromSender: 3, hourlyLimit: 20) == .file)
        let bounce = mail(
            from: "MAILER-DAEMON@mx.example.com", headers: [("Content-Type", "multipart/report; report-type=x")],
            automatic: true)
        #expect(
            MailIntake.verdict(for: bounce, ourAddresses: ours, recentFromSender: 0, hourlyLimit: 20)
                == .automatic("a delivery failure report (bounce)"))
        let vacation = mail(
            from: "ann@example.com", headers: [("Auto-Submitted", "auto-replied")], automatic: true)
        #expect(
            MailIntake.verdict(for: vacation, ourAddresses: ours, recentFromSender: 0, hourlyLimit: 20)
                == .automatic("an automatic reply (Auto-Submitted: auto-replied)"))
        let list = mail(from: "list@example.org", headers: [("Precedence", "bulk")], automatic: true)
        #expect(
            MailIntake.verdict(for: list, ourAddresses: ours, recentFromSender: 0, hourlyLimit: 20)
                == .automatic("bulk mail (Precedence: bulk)"))
        guard
            case .held(let why) = MailIntake.verdict(
                for: mail(from: "Support@Fairdesk.example"), ourAddresses: ours, recentFromSender: 0, hourlyLimit: 20)
        else {
            Issue.record("mail from our own address must be held")
            return
        }
        #expect(why.contains("mail loop"))
        guard
            case .held(let flood) = MailIntake.verdict(
                for: mail(from: "ann@example.com"), ourAddresses: ours, recentFromSender: 20, hourlyLimit: 20)
        else {
            Issue.record("the 21st message in an hour must be held")
            return
        }
        #expect(flood.contains("more than 20 messages"))
        guard
            case .held = MailIntake.verdict(
                for: mail(from: nil), ourAddresses: ours, recentFromSender: 0, hourlyLimit: 20)
        else {
            Issue.record("mail without a sender must be held")
            return
        }
    }

    @Test("a reply with threading headers and files reads back through Fairdesk's own MIME parser")
    func replyRoundTrip() throws {
        let message = MailMessage(
            from: MailAddress(name: "Fairdesk Support", address: "support@fairdesk.example"),
            to: MailAddress(name: "Zoë Customer", address: "zoe@example.com"),
            subject: "Re: Parcel late (case 9)", text: "Hello Zoë,\nthe refund is on its way.\n.\nLee",
            messageID: "r2@fairdesk.example", date: Date(timeIntervalSince1970: 1_790_000_000),
            inReplyTo: "c1@example.com", references: ["c0@example.com", "c1@example.com"], automatic: false,
            attachments: [
                .init(filename: "Rückerstattung.pdf", contentType: "application/pdf", data: Data("%PDF-1.4 x".utf8)),
                .init(filename: "label.txt", contentType: "text/plain", data: Data("label".utf8)),
            ])
        let rendered = message.rendered
        #expect(!rendered.contains("Auto-Submitted"))
        #expect(rendered.contains("In-Reply-To: <c1@example.com>\r\n"))
        let parsed = MIMEParser.parse(Data(rendered.utf8))
        #expect(parsed.messageID == "r2@fairdesk.example")
        #expect(parsed.inReplyTo == ["c1@example.com"])
        #expect(parsed.references == ["c0@example.com", "c1@example.com"])
        #expect(parsed.subject == "Re: Parcel late (case 9)")
        #expect(parsed.text.contains("the refund is on its way."))
        #expect(parsed.attachments.map(\.filename) == ["Rückerstattung.pdf", "label.txt"])
        #expect(parsed.attachments.first?.data == Data("%PDF-1.4 x".utf8))
        #expect(parsed.isAutomatic == false)
        #expect(parsed.problems.isEmpty)
        #expect(
            MIMEParser.parse(
                Data(
                    MailMessage(
                        from: message.from, to: message.to, subject: "s", text: "t", messageID: "m@x",
                        date: message.date
                    ).rendered.utf8)
            ).isAutomatic)
    }
}
