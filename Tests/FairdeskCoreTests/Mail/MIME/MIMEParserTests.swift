import FairdeskCore
import Foundation
import Testing

@Suite("Inbound mail parsing")
struct MIMEParserTests {
    @Test("a simple plain message gives its headers, addresses, date and text")
    func plain() throws {
        let mail = MIMEParser.parse(MIMEFixtures.crlf(MIMEFixtures.plain))
        #expect(mail.from == MailAddress(name: "Dee Driver", address: "dee@example.com"))
        #expect(mail.to == [MailAddress(address: "support@fairdesk.example")])
        #expect(mail.subject == "Where is my refund?")
        #expect(mail.date == Date(timeIntervalSince1970: 1_770_023_100))
        #expect(mail.messageID == "abc.123@example.com")
        #expect(mail.text == "Hello,\n\nI asked for a refund two weeks ago.\n\nDee")
        #expect(mail.newText == mail.text)
        #expect(mail.html == nil)
        #expect(mail.attachments.isEmpty)
        #expect(!mail.isAutomatic)
        #expect(mail.problems.isEmpty)
        #expect(mail.headers.count == 7)
        #expect(mail.header("SUBJECT") == "Where is my refund?")
        // LF line endings read the same.
        #expect(MIMEParser.parse(MIMEFixtures.lf(MIMEFixtures.plain)) == mail)
    }

    @Test("a folded subject of UTF-8 B and ISO-8859-1 Q encoded words is unfolded and decoded")
    func encodedSubject() {
        let mail = MIMEParser.parse(MIMEFixtures.crlf(MIMEFixtures.encodedSubject))
        #expect(mail.subject == "Änderung der Richtlinie für Fahrer (Version 2)")
        #expect(mail.header("Subject") == mail.subject)
        #expect(mail.from == MailAddress(name: "Ängelka Müller", address: "a.mueller@example.de"))
        #expect(mail.text == "Grüße")
        #expect(mail.problems.isEmpty)
    }

    @Test("Gmail multipart/alternative: plain text preferred, HTML kept, quote removed from the new text")
    func gmail() {
        let mail = MIMEParser.parse(MIMEFixtures.crlf(MIMEFixtures.gmail))
        #expect(mail.text.hasPrefix("Hi, the parcel still hasn’t arrived.\n\nOn Mon, Feb 2, 2026"))
        #expect(mail.text.hasSuffix("> Your order has shipped.\n>"))
        #expect(mail.newText == "Hi, the parcel still hasn’t arrived.")
        #expect(mail.html?.hasPrefix("<div dir=\"ltr\">Hi, the parcel still hasn’t arrived.</div>") == true)
        #expect(mail.html?.contains("<div class=\"gmail_quote\">") == true)
        #expect(mail.messageID == "CAF=abc123+x@mail.gmail.com")
        #expect(mail.date == Date(timeIntervalSince1970: 1_770_110_142))
        #expect(mail.to == [MailAddress(name: "Fairdesk Support", address: "support@fairdesk.example")])
        #expect(
            mail.cc == [
                MailAddress(address: "bob@example.com"), MailAddress(name: "Lee, Carol", address: "carol@example.com"),
            ])
        #expect(mail.attachments.isEmpty)
        #expect(mail.problems.isEmpty)
    }

    @Test("In-Reply-To and References give message ids without brackets, in order")
    func threading() {
        let gmail = MIMEParser.parse(MIMEFixtures.crlf(MIMEFixtures.gmail))
        #expect(gmail.inReplyTo == ["ticket-42@fairdesk.example"])
        #expect(gmail.references == ["ticket-41@fairdesk.example", "ticket-42@fairdesk.example"])
        let raw = """
            From: a@example.com
            Message-ID:   < spaced@example.com >
            In-Reply-To: <one@example.com> (sent by a client) <two@example.com>
            References: three@example.com four@example.com
            References: <five@example.com>

            x
            """
        let mail = MIMEParser.parse(MIMEFixtures.lf(raw))
        #expect(mail.messageID == "spaced@example.com")
        #expect(mail.inReplyTo == ["one@example.com", "two@example.com"])
        #expect(mail.references == ["three@example.com", "four@example.com", "five@example.com"])
    }

    @Test("Outlook: Windows-1252 quoted-printable decoded, the original message cut from the new text")
    func outlook() {
        let mail = MIMEParser.parse(MIMEFixtures.crlf(MIMEFixtures.outlook))
        #expect(mail.from == MailAddress(name: "Berger, Tom", address: "tom.berger@contoso.example"))
        #expect(mail.text.contains("the invoice shows 120 € but we agreed on 100 € – please check the line items. \n"))
        #expect(mail.text.contains("-----Original Message-----"))
        let invoiceLine = "the invoice shows 120 € but we agreed on 100 € – please check the line items. "
        #expect(mail.newText == "Hello,\n\n\(invoiceLine)\nThanks, Tom")
        // Missing seconds: 16:20 at -0500 is 21:20 UTC.
        #expect(mail.date == Date(timeIntervalSince1970: 1_770_240_000))
        #expect(mail.inReplyTo == ["invoice-113@fairdesk.example"])
        #expect(mail.problems.isEmpty)
    }

    @Test("Apple Mail related + mixed: inline image by Content-ID, RFC 2231 file name, HTML as text")
    func appleMail() throws {
        let mail = MIMEParser.parse(MIMEFixtures.crlf(MIMEFixtures.appleMail))
        #expect(mail.from?.name == "Zoë Martin")
        #expect(mail.text == "See the photo:\n\nIt came like this.")
        #expect(!mail.text.contains("color"))
        #expect(mail.html?.contains("cid:photo1@apple") == true)
        #expect(mail.attachments.count == 2)
        let image = try #require(mail.attachments.first)
        #expect(image.filename == "photo.png")
        #expect(image.contentType == "image/png")
        #expect(image.contentID == "photo1@apple")
        #expect(image.inline)
        #expect(image.data.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        let pdf = try #require(mail.attachments.last)
        #expect(pdf.filename == "été.pdf")
        #expect(pdf.contentType == "application/pdf")
        #expect(pdf.contentID == nil)
        #expect(!pdf.inline)
        #expect(pdf.data.prefix(8) == Data("%PDF-1.4".utf8))
        #expect(mail.problems.isEmpty)
    }

    @Test("RFC 2231 continuations, encoded words in names and unsafe file names")
    func filenames() {
        let raw = """
            From: a@example.com
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: application/octet-stream
            Content-Disposition: attachment; filename*0*=utf-8''%C3%A9; filename*1*=t%C3%A9;
             filename*2=".txt"

            one
            --b
            Content-Type: text/plain; name="=?iso-8859-1?Q?r=E9sum=E9.txt?="

            two
            --b
            Content-Type: application/pdf
            Content-Disposition: attachment; filename="../../etc/pass\u{07}wd"

            three
            --b
            Content-Type: image/gif

            four
            --b--
            """
        let mail = MIMEParser.parse(MIMEFixtures.lf(raw))
        #expect(mail.attachments.map(\.filename) == ["été.txt", "résumé.txt", "pass wd", "attachment-4"])
        #expect(
            mail.attachments.map(\.contentType) == [
                "application/octet-stream", "text/plain", "application/pdf", "image/gif",
            ])
        #expect(mail.attachments.first?.data == Data("one".utf8))
        #expect(mail.text.isEmpty)
    }

    @Test("an HTML-only message becomes readable text")
    func htmlOnly() {
        let mail = MIMEParser.parse(MIMEFixtures.crlf(MIMEFixtures.htmlOnly))
        let expected = """
            Account question

            I can't log in & the reset mail never arrives.

            • Browser: Firefox
            • Since: Monday

            Details: help page (https://shop.example/help) says "wait" – 3 < 4 ☺ Café

            Order 1234
            Total 9,99€
            """
        #expect(mail.text == expected)
        #expect(mail.html?.contains("<script>") == true)
        #expect(mail.newText == expected)
        #expect(mail.problems.isEmpty)
    }

    @Test("a bounce and an auto-reply are automatic; a person's mail is not")
    func automatic() throws {
        let bounce = MIMEParser.parse(MIMEFixtures.crlf(MIMEFixtures.bounce))
        #expect(bounce.isAutomatic)
        #expect(bounce.text.hasPrefix("I'm sorry to have to inform you"))
        #expect(bounce.attachments.map(\.contentType) == ["message/delivery-status", "message/rfc822"])
        #expect(bounce.attachments.last?.filename == "Your case 42.eml")
        #expect(bounce.attachments.last.map { String(decoding: $0.data, as: UTF8.self) }?.contains("Hello.") == true)
        #expect(bounce.from?.address == "MAILER-DAEMON@mx.example.net")
        #expect(bounce.problems.isEmpty)

        #expect(MIMEParser.parse(MIMEFixtures.crlf(MIMEFixtures.autoReply)).isAutomatic)
        for fixture in [MIMEFixtures.plain, MIMEFixtures.gmail, MIMEFixtures.outlook, MIMEFixtures.appleMail] {
            #expect(!MIMEParser.parse(MIMEFixtures.crlf(fixture)).isAutomatic)
        }
        let signals = [
            "Auto-Submitted: auto-generated", "Precedence: bulk", "Precedence: junk", "Precedence: list",
            "X-Autoreply: yes", "X-Autorespond: Out of office", "Return-Path: <>",
            "Return-Path: <postmaster@example.com>", "Content-Type: multipart/report; boundary=x",
        ]
        for signal in signals {
            let mail = MIMEParser.parse(MIMEFixtures.lf("From: a@example.com\n\(signal)\n\nx"))
            #expect(mail.isAutomatic, "\(signal)")
        }
        #expect(!MIMEParser.parse(MIMEFixtures.lf("From: a@example.com\nAuto-Submitted: no\n\nx")).isAutomatic)
        #expect(!MIMEParser.parse(MIMEFixtures.lf("From: a@example.com\nList-Id: <l.example.com>\n\nx")).isAutomatic)
        let list = "From: a@example.com\nList-Id: <l.example.com>\nPrecedence: first-class\n\nx"
        #expect(MIMEParser.parse(MIMEFixtures.lf(list)).isAutomatic)
        #expect(MIMEParser.parse(MIMEFixtures.lf("From: MAILER-DAEMON@example.com (Mail Delivery)\n\nx")).isAutomatic)
    }

    @Test("format=flowed text is joined back into paragraphs")
    func flowed() {
        let raw =
            "From: a@example.com\nContent-Type: text/plain; charset=utf-8; format=flowed\n\n"
            + "This is a long \nparagraph that \nwas wrapped.\n\n> quoted \n> line\n-- \nSig"
        let mail = MIMEParser.parse(MIMEFixtures.lf(raw))
        #expect(mail.text == "This is a long paragraph that was wrapped.\n\n> quoted line\n-- \nSig")
        #expect(mail.newText == "This is a long paragraph that was wrapped.")
    }
}
