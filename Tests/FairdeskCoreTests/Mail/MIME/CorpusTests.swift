import FairdeskCore
import Foundation
import Testing

/// The parser against the corpus in `Mail/Corpus`: messages as common mail clients, mailing lists and mail
/// servers write them, and broken ones. See `Mail/Corpus/README.md` for what each file stands for.
@Suite("Inbound mail corpus: real clients, lists, machines and broken mail")
struct CorpusTests {
    private static func url(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Corpus"))
    }

    private func raw(_ name: String) throws -> Data {
        try Data(contentsOf: Self.url(name))
    }

    private func mail(_ name: String) throws -> ParsedMail {
        MIMEParser.parse(try raw(name))
    }

    private func problems(_ mail: ParsedMail, mention words: String) -> Bool {
        mail.problems.contains { $0.lowercased().contains(words.lowercased()) }
    }

    /// True when no HTML tag, comment or declaration is left in the text ("<support@…>" is not a tag).
    private func hasNoMarkup(_ text: String) -> Bool {
        let tags = [
            "</", "<!", "<?", "<html", "<head", "<body", "<div", "<p", "<br", "<span", "<a ", "<img", "<o:", "<b>",
            "<table", "<td",
        ]
        let lowered = text.lowercased()
        return !tags.contains { lowered.contains($0) }
    }

    private static let pngSignature = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    private static let pdfSignature = Data("%PDF-1.4".utf8)

    /// Every file of the corpus, by name.
    private static func corpusFiles() throws -> [String] {
        let folder = try url("README.md").deletingLastPathComponent()
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".eml") }
            .sorted()
    }

    // MARK: Mail clients

    @Test("Gmail web: the plain part is read, the gmail_quote history is cut from the new text")
    func gmail() throws {
        let mail = try mail("gmail-reply.eml")
        #expect(mail.from == MailAddress(name: "Ana Lima", address: "ana.lima@example.net"))
        #expect(mail.to == [MailAddress(name: "Fairdesk Support", address: "support@example.com")])
        #expect(mail.subject == "Re: Your order 4521 has shipped")
        #expect(mail.date == Date(timeIntervalSince1970: 1_770_110_142))
        #expect(mail.messageID == "CAKx7Zq1pY3T8bV2=Hn0uE9rQ4sWmX6dJfLa+Gc5YtR8oPz_1Bw@mail.example.net")
        #expect(mail.inReplyTo == ["case-4521.1770023100@example.com"])
        #expect(mail.references == ["case-4521.1770023100@example.com"])
        #expect(
            mail.newText == """
                Hi,

                The parcel still hasn’t arrived and the tracking page hasn’t changed since Monday. Could you \
                check with the driver?

                Thanks,
                Ana
                """)
        #expect(mail.text.contains("> Your order 4521 has shipped and should arrive within two working days."))
        let html = try #require(mail.html)
        #expect(html.contains("class=\"gmail_quote"))
        let htmlText = HTMLText.plainText(html)
        #expect(htmlText.hasPrefix("Hi,\n\nThe parcel still hasn’t arrived"))
        #expect(htmlText.contains("> Your order 4521 has shipped"))
        #expect(htmlText.contains("Fairdesk Support <support@example.com> wrote:"))
        #expect(hasNoMarkup(htmlText))
        #expect(!mail.isAutomatic)
        #expect(mail.attachments.isEmpty)
        #expect(mail.problems.isEmpty)
    }

    @Test("Outlook desktop: Windows-1252 quoted-printable, Original Message cut, <o:p> gone, logo by cid")
    func outlookDesktop() throws {
        let mail = try mail("outlook-desktop-reply.eml")
        #expect(mail.from == MailAddress(name: "Tom Berger", address: "tom.berger@example.com"))
        #expect(mail.subject == "RE: Invoice 2026-113 for order 4521")
        #expect(mail.date == Date(timeIntervalSince1970: 1_770_240_007))
        // The Message-ID value is folded onto the next line, as Exchange writes it.
        #expect(mail.messageID == "AM0PR07MB6148A1B2C3D4E5F6A7B8C9D0E1F2A3B4@AM0PR07MB6148.eurprd07.prod.example.com")
        #expect(mail.inReplyTo == ["invoice-113.1770110000@example.net"])
        #expect(mail.references == ["invoice-113.1770110000@example.net"])
        #expect(
            mail.newText == """
                Hello,

                The invoice shows 120 € but we agreed on 100 € – please check the line items. I’ve attached \
                nothing new, the order number is 4521.

                Regards
                Tom Berger
                Purchasing | Example Retail
                """)
        #expect(mail.text.contains("-----Original Message-----\nFrom: Fairdesk Support <support@example.net> \n"))
        #expect(mail.text.contains("[cid:image001.png@01DA5E1F.6B2C3D40]"))
        let html = try #require(mail.html)
        #expect(html.contains("<o:p>"))
        let htmlText = HTMLText.plainText(html)
        #expect(htmlText.contains("The invoice shows 120 € but we agreed on 100 € – please check the line items."))
        #expect(hasNoMarkup(htmlText))
        #expect(htmlText.contains("From: Fairdesk Support <support@example.net>\nSent: Tuesday"))
        for leftover in ["o:p", "MsoNormal", "font-family", "behavior", "shapedefaults"] {
            #expect(!htmlText.contains(leftover), "\(leftover)")
        }
        #expect(mail.attachments.count == 1)
        let logo = try #require(mail.attachments.first)
        #expect(logo.filename == "image001.png")
        #expect(logo.contentType == "image/png")
        #expect(logo.contentID == "image001.png@01DA5E1F.6B2C3D40")
        #expect(logo.inline)
        #expect(logo.data.count == 69)
        #expect(logo.data.prefix(8) == Self.pngSignature)
        #expect(html.contains("src=\"cid:image001.png@01DA5E1F.6B2C3D40\""))
        #expect(!mail.isAutomatic)
        #expect(mail.problems.isEmpty)
    }

    @Test("Outlook.com from the Android app: underscore line and From/Sent block cut, mobile signature gone")
    func outlookCom() throws {
        let mail = try mail("outlook-com-reply.eml")
        #expect(mail.from == MailAddress(name: "Maria Rossi", address: "maria.rossi@example.org"))
        #expect(mail.subject == "Re: Replacement for damaged kettle")
        #expect(mail.date == Date(timeIntervalSince1970: 1_770_277_338))
        #expect(mail.inReplyTo == ["case-4610.1770200000@example.com"])
        #expect(
            mail.newText
                == "Thank you, the replacement arrived this morning and works fine.\n\nYou can close the case.\n\nMaria"
        )
        #expect(mail.text.contains("Get Outlook for Android<https://aka.ms/AAb9ysg>\n________________________________"))
        let htmlText = HTMLText.plainText(try #require(mail.html))
        #expect(htmlText.hasPrefix("Thank you, the replacement arrived this morning and works fine."))
        #expect(hasNoMarkup(htmlText))
        #expect(!mail.isAutomatic)
        #expect(mail.attachments.isEmpty)
        #expect(mail.problems.isEmpty)
    }

    @Test("Apple Mail: alternative inside mixed, an inline image by cid in related, a PDF attached")
    func appleMail() throws {
        let mail = try mail("apple-mail-inline-image.eml")
        #expect(mail.from == MailAddress(name: "Zoë Martin", address: "zoe.martin@example.net"))
        #expect(mail.subject == "Damaged parcel, photo attached")
        #expect(mail.messageID == "4B9C2E1F-7A3D-4C8E-B5F6-0D1E2A3B4C5D@example.net")
        let expected = """
            Hello,

            the parcel for order 4733 arrived today with the box crushed and the glass vase inside broken. A \
            photo is below and the delivery note is attached.

            Could you send a replacement?

            Zoë
            """
        #expect(mail.text == expected)
        #expect(mail.newText == expected)
        #expect(mail.inReplyTo.isEmpty)
        #expect(mail.attachments.count == 2)
        let photo = try #require(mail.attachments.first)
        #expect(photo.filename == "IMG_2841.png")
        #expect(photo.contentType == "image/png")
        #expect(photo.contentID == "7C1D3E5F-2A4B-4C6D-8E0F-1A2B3C4D5E6F")
        #expect(photo.inline)
        #expect(photo.data.count == 69)
        #expect(photo.data.prefix(8) == Self.pngSignature)
        #expect(mail.html?.contains("<img src=\"cid:7C1D3E5F-2A4B-4C6D-8E0F-1A2B3C4D5E6F\"") == true)
        let note = try #require(mail.attachments.last)
        #expect(note.filename == "Lieferschein-4733.pdf")
        #expect(note.contentType == "application/pdf")
        #expect(note.contentID == nil)
        #expect(!note.inline)
        #expect(note.data.count == 463)
        #expect(note.data.prefix(8) == Self.pdfSignature)
        #expect(!mail.isAutomatic)
        #expect(mail.problems.isEmpty)
    }

    @Test("iPhone: the reply above \"Sent from my iPhone\" and the quote is all that is new")
    func iPhone() throws {
        let mail = try mail("iphone-reply.eml")
        #expect(mail.from == MailAddress(name: "Jonas Weber", address: "jonas.weber@example.org"))
        #expect(mail.subject == "Re: Delivery window for order 4588")
        #expect(mail.date == Date(timeIntervalSince1970: 1_770_227_049))
        #expect(mail.header("X-Mailer") == "iPhone Mail (22C152)")
        #expect(mail.inReplyTo == ["case-4588.1770190000@example.com"])
        #expect(mail.references == ["case-4588.1770190000@example.com"])
        #expect(
            mail.newText
                == "Tomorrow between 8 and 12 works for me. Please ask the driver to ring twice, the bell is broken.")
        #expect(mail.text.contains("\n\nSent from my iPhone\n\n> On 4 Feb 2026, at 17:30, Fairdesk Support"))
        #expect(!mail.isAutomatic)
        #expect(mail.problems.isEmpty)
    }

    @Test("Thunderbird: format=flowed joined, a reply below the quote kept, the \"-- \" signature cut")
    func thunderbird() throws {
        let mail = try mail("thunderbird-flowed.eml")
        #expect(mail.from == MailAddress(name: "Lena Schulz", address: "lena.schulz@example.org"))
        #expect(mail.subject == "Re: Tracking number for order 4600")
        #expect(mail.inReplyTo == ["case-4600.1770180000@example.com"])
        #expect(mail.header("User-Agent")?.hasSuffix("Thunderbird/128.6.0") == true)
        #expect(
            mail.newText == """
                Thank you, but the carrier's site says the number is unknown. Could you check that it is right? \
                I would like to be at home when the parcel comes, so a delivery date would help too.

                Regards,
                Lena
                """)
        #expect(
            mail.text.contains(
                "> your parcel was handed to the carrier today. The tracking number is 00340434161234567890.\n"))
        #expect(mail.text.hasSuffix("-- \nLena Schulz\nGrünstraße 12, 10115 Berlin"))
        #expect(!mail.isAutomatic)
        #expect(mail.problems.isEmpty)
    }

    @Test("Yahoo Mail: ----=_Part_ boundaries and an indented quote without \">\"")
    func yahoo() throws {
        let mail = try mail("yahoo-reply.eml")
        let priya = MailAddress(name: "Priya Nair", address: "priya.nair@example.com")
        #expect(mail.from == priya)
        #expect(mail.replyTo == priya)
        #expect(mail.to.map(\.address) == ["support@example.net"])
        #expect(mail.subject == "Re: Your refund for order 4702")
        #expect(mail.date == Date(timeIntervalSince1970: 1_770_290_620))
        #expect(mail.inReplyTo == ["refund-4702.1770200000@example.net"])
        #expect(
            mail.newText == """
                Hi,
                It is now ten days and I have not seen the refund on my card. Can you tell me when it was sent?
                Thanks,
                Priya
                """)
        #expect(mail.text.contains("Your refund of 39.99 GBP has been approved"))
        #expect(mail.html?.contains("yahoo_quoted") == true)
        #expect(!mail.isAutomatic)
        #expect(mail.problems.isEmpty)
    }

    // MARK: Mailing lists

    @Test("Mailman list post: automatic; Gnus attribution, quote and list footer cut from the new text")
    func mailman() throws {
        let mail = try mail("mailman-list-post.eml")
        #expect(mail.isAutomatic)
        #expect(mail.from == MailAddress(name: "Piet de Vries", address: "piet@example.net"))
        #expect(mail.subject == "Re: [Fairdesk-users] Webhook fails with self-signed certificate")
        #expect(mail.header("List-Id") == "Fairdesk users <users.lists.example.org>")
        #expect(mail.header("Precedence") == "list")
        #expect(mail.inReplyTo == ["CAB5Xq9+mRt4bW1@mail.example.com"])
        #expect(
            mail.newText == """
                Put the CA certificate in the trust store of the machine that runs
                Fairdesk and restart the worker; the webhook client uses the system
                store.

                Piet
                """)
        #expect(mail.text.hasPrefix("Ana Lima <ana.lima@example.com> writes:\n\n> Has anyone got"))
        #expect(
            mail.text.hasSuffix(
                "Fairdesk-users mailing list\nusers@lists.example.org\n"
                    + "https://lists.example.org/mailman/listinfo/users"))
        #expect(mail.problems.isEmpty)
    }

    @Test("Google Groups post: automatic, Reply-To the group, the group's footer cut")
    func googleGroups() throws {
        let mail = try mail("google-groups-post.eml")
        #expect(mail.isAutomatic)
        #expect(mail.from == MailAddress(name: "Lars Berg", address: "lars.berg@example.net"))
        #expect(mail.to == [MailAddress(name: "Fairdesk users", address: "fairdesk-users@groups.example.com")])
        #expect(mail.replyTo == MailAddress(address: "fairdesk-users@groups.example.com"))
        #expect(mail.subject == "Export closed cases to CSV?")
        #expect(mail.date == Date(timeIntervalSince1970: 1_770_200_035))
        #expect(
            mail.newText == """
                Hello all,

                is there a way to export all closed cases of a month to CSV? The reports
                page only shows charts.

                Lars
                """)
        #expect(mail.text.contains("You received this message because you are subscribed to the Google Groups"))
        #expect(mail.attachments.isEmpty)
        #expect(mail.problems.isEmpty)
    }

    // MARK: Machines

    @Test("Postfix bounce: automatic, the notification as text, the report and the returned message attached")
    func bounce() throws {
        let mail = try mail("bounce-postfix.eml")
        #expect(mail.isAutomatic)
        #expect(mail.from == MailAddress(name: "Mail Delivery System", address: "MAILER-DAEMON@mx.example.net"))
        #expect(mail.subject == "Undelivered Mail Returned to Sender")
        #expect(mail.date == Date(timeIntervalSince1970: 1_770_110_142))
        #expect(mail.text.hasPrefix("This is the mail system at host mx.example.net."))
        #expect(mail.text.contains("<nobody@example.org>: host mx.example.org[192.0.2.25] said: 550 5.1.1"))
        #expect(mail.attachments.map(\.contentType) == ["message/delivery-status", "message/rfc822"])
        let report = String(decoding: try #require(mail.attachments.first).data, as: UTF8.self)
        #expect(report.contains("Final-Recipient: rfc822; nobody@example.org"))
        #expect(report.contains("Status: 5.1.1"))
        let returned = try #require(mail.attachments.last)
        #expect(returned.filename == "Your case 4521 has been updated.eml")
        // The returned message says which of Fairdesk's messages bounced.
        let original = MIMEParser.parse(returned.data)
        #expect(original.messageID == "case-4521.3@example.com")
        #expect(original.to == [MailAddress(address: "nobody@example.org")])
        #expect(mail.problems.isEmpty)
    }

    @Test("Exchange out-of-office: automatic, threaded to the case, HTML and plain say the same")
    func exchangeOutOfOffice() throws {
        let mail = try mail("exchange-out-of-office.eml")
        #expect(mail.isAutomatic)
        #expect(mail.from == MailAddress(name: "Sam Sales", address: "sam.sales@example.org"))
        #expect(mail.subject == "Automatic reply: Your case 4521 has been updated")
        #expect(mail.inReplyTo == ["case-4521.3@example.com"])
        #expect(mail.header("X-Auto-Response-Suppress") == "All")
        #expect(mail.header("X-MS-Has-Attach") == "")
        let expected = """
            I am out of the office until Monday 9 February with no access to email.

            For urgent questions about orders please contact orders@example.org.

            Sam
            """
        #expect(mail.text == expected)
        #expect(mail.newText == expected)
        #expect(HTMLText.plainText(try #require(mail.html)) == expected)
        #expect(mail.problems.isEmpty)
    }

    @Test("vacation(1) reply: automatic by Precedence: bulk alone, no MIME headers needed")
    func vacation() throws {
        let mail = try mail("vacation-precedence-bulk.eml")
        #expect(mail.isAutomatic)
        #expect(mail.header("Auto-Submitted") == nil)
        #expect(mail.header("Return-Path") == "<piet.jansen@example.org>")
        #expect(mail.from == MailAddress(name: "Piet Jansen", address: "piet.jansen@example.org"))
        #expect(mail.subject == "away from my mail")
        #expect(mail.date == Date(timeIntervalSince1970: 1_770_107_412))
        #expect(
            mail.text == """
                I will not be reading my mail for a while.
                Your mail concerning "Your case 4590 has been updated"
                will be read when I'm back.
                """)
        #expect(mail.problems.isEmpty)
    }

    @Test("HTML-only marketing mail: automatic by one-click unsubscribe, readable text without markup")
    func marketing() throws {
        let mail = try mail("marketing-html-only.eml")
        #expect(mail.isAutomatic)
        #expect(mail.header("Precedence") == nil)
        #expect(mail.from == MailAddress(name: "Garden Supplies Co.", address: "news@shop.example.net"))
        #expect(mail.subject == "Spring sale: 20% off everything 🌷")
        #expect(mail.html != nil)
        let text = mail.text
        #expect(text.hasPrefix("Everything for your garden, this week only\n\nView this email in your browser"))
        #expect(text.contains("\nSpring sale: 20 % off everything\n\nDear gardener,\n"))
        #expect(text.contains("you get 20 % off seeds, tools & pots – and delivery is free over € 40."))
        #expect(text.contains("Shop now (https://shop.example.net/sale?utm_source=newsletter&utm_medium=email)"))
        #expect(text.contains("Copyright © 2026 Garden Supplies Co., All rights reserved."))
        #expect(hasNoMarkup(text))
        for leftover in ["<", ">", "&nbsp;", "&zwnj;", "&amp;", "&#", "{", "mso", "\u{34F}", "\u{FEFF}", "\u{200C}"] {
            #expect(!text.contains(leftover), "\(leftover.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        #expect(!text.contains("  "))
        #expect(mail.problems.isEmpty)
    }

    // MARK: Charsets

    @Test("ISO-8859-1 from Windows Live Mail: 8-bit body, Q-encoded name and subject, flowed")
    func latin1() throws {
        let mail = try mail("latin1-windows-live-mail.eml")
        #expect(mail.from == MailAddress(name: "Françoise Dupré", address: "francoise.dupre@example.net"))
        #expect(mail.to == [MailAddress(address: "support@example.com")])
        #expect(mail.subject == "Réclamation commande n° 4521")
        #expect(mail.messageID == "000801dc5f1a$2b3c4d50$81b6e7f0$@example.net")
        #expect(
            mail.text == """
                Bonjour,

                Je n'ai toujours pas reçu ma commande n° 4521, passée il y a trois semaines. Pouvez-vous \
                vérifier où elle se trouve ?

                Merci d'avance,
                Françoise Dupré
                """)
        #expect(!mail.isAutomatic)
        #expect(mail.problems.isEmpty)
    }

    @Test("ISO-8859-15 from KMail: 0xA4 is €, 0xA6 is Š, not Latin-1's ¤ and ¦")
    func latin9() throws {
        let mail = try mail("latin9-kmail.eml")
        #expect(mail.from == MailAddress(name: "Mikko Šalin", address: "mikko.salin@example.org"))
        #expect(mail.subject == "Lasku 4815 veloitettu kahdesti - 49,90 €")
        #expect(mail.text.contains("veloitettiin korttiltani kahdesti 49,90 €. Palauttakaa toinen veloitus."))
        #expect(mail.text.hasSuffix("Terveisin\nMikko Šalin"))
        #expect(!mail.text.contains("¤") && !mail.text.contains("¦"))
        #expect(mail.problems.isEmpty)
    }

    @Test("KOI8-R from Mutt: Cyrillic body, name and subject; the signature cut")
    func koi8r() throws {
        let mail = try mail("koi8r-mutt.eml")
        #expect(mail.from == MailAddress(name: "Иван Петров", address: "ivan.petrov@example.net"))
        #expect(mail.subject == "Заказ 4521 не доставлен")
        #expect(mail.messageID == "20260204134510.GA12345@example.net")
        #expect(
            mail.newText == """
                Здравствуйте!

                Мой заказ 4521 так и не доставлен, хотя на сайте написано "доставлен".
                Пожалуйста, проверьте.
                """)
        #expect(mail.text.hasSuffix("-- \nИван Петров"))
        #expect(mail.attachments.isEmpty)
        #expect(mail.problems.isEmpty)
    }

    @Test("ISO-2022-JP from Becky!: Japanese body, name and subject decoded, no escape bytes left")
    func iso2022JP() throws {
        let mail = try mail("iso-2022-jp-becky.eml")
        #expect(mail.from == MailAddress(name: "山田 太郎", address: "taro.yamada@example.com"))
        #expect(mail.subject == "注文番号4521の配送について")
        #expect(mail.date == Date(timeIntervalSince1970: 1_770_253_953))
        #expect(
            mail.text == """
                サポート御中

                注文番号4521の商品がまだ届いていません。
                配送状況を確認していただけますか。

                よろしくお願いします。
                山田太郎
                """)
        #expect(!mail.text.contains("\u{1B}"))
        #expect(mail.problems.isEmpty)
    }

    // MARK: Attachments

    @Test("Thunderbird with a PDF and a .docx: RFC 2231 names, one split in two sections, exact bytes")
    func attachments() throws {
        let mail = try mail("attachments-pdf-docx.eml")
        #expect(mail.from == MailAddress(name: "Jana Novak", address: "jana.novak@example.org"))
        #expect(
            mail.text == """
                Hello,

                attached are the invoice and the delivery note for order 4521. The delivery note lists two \
                boxes but only one arrived.

                Jana
                """)
        #expect(
            mail.attachments.map(\.filename) == ["Rechnung März 2026.pdf", "Lieferschein für Bestellung 4521.docx"])
        #expect(
            mail.attachments.map(\.contentType) == [
                "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ])
        #expect(mail.attachments.map(\.data.count) == [461, 928])
        #expect(mail.attachments.allSatisfy { !$0.inline && $0.contentID == nil })
        let pdf = try #require(mail.attachments.first).data
        #expect(pdf.prefix(8) == Self.pdfSignature)
        #expect(String(decoding: pdf.suffix(6), as: UTF8.self) == "%%EOF\n")
        let docx = try #require(mail.attachments.last).data
        #expect(docx.prefix(4) == Data([0x50, 0x4B, 0x03, 0x04]))
        // A whole ZIP ends with its end-of-central-directory record.
        #expect(docx.suffix(22).prefix(4) == Data([0x50, 0x4B, 0x05, 0x06]))
        #expect(!mail.isAutomatic)
        #expect(mail.problems.isEmpty)
    }

    // MARK: Broken mail

    @Test("missing closing boundary: the text and the photo are kept, and the problem named")
    func missingClosingBoundary() throws {
        let mail = try mail("broken-missing-closing-boundary.eml")
        #expect(mail.from == MailAddress(name: "Shop contact form", address: "noreply@shop.example.com"))
        #expect(mail.replyTo == MailAddress(name: "Olu Adeyemi", address: "olu.adeyemi@example.net"))
        #expect(
            mail.text == """
                Name: Olu Adeyemi
                Order: 4777

                I ordered the blue jacket in size M and received a red one in size L.
                A photo of the label is attached.
                """)
        #expect(mail.attachments.map(\.filename) == ["label.png"])
        #expect(mail.attachments.first?.data.prefix(8) == Self.pngSignature)
        #expect(mail.attachments.first?.data.count == 69)
        #expect(mail.problems == ["body: the closing boundary is missing; the parts found were kept"])
    }

    @Test("a boundary declared but never used: the body is read as text, and the problem named")
    func boundaryUnused() throws {
        let mail = try mail("broken-boundary-unused.eml")
        #expect(mail.subject == "Change of delivery address")
        #expect(
            mail.text == """
                Hello,

                please deliver order 4803 to my office instead:
                12 Harbour Road, Unit 5.

                Thank you,
                Kim
                """)
        #expect(mail.problems == ["body: boundary \"=_alt_5f2c91d0\" never appears; body read as text"])
    }

    @Test("base64 with garbage characters: the garbage is skipped, the text is whole, the count named")
    func base64Garbage() throws {
        let mail = try mail("broken-base64-garbage.eml")
        #expect(mail.from == MailAddress(name: "Noor Haddad", address: "noor.haddad@example.org"))
        #expect(
            mail.text == """
                Hello,

                the invoice for order 4655 is missing the VAT number of my company. Please send a corrected \
                invoice.

                Best regards,
                Noor
                """)
        #expect(mail.problems == ["body: 8 characters that are not base64 were skipped"])
    }

    @Test("quoted-printable with bad escapes: stray \"=\" kept as written, good escapes decoded")
    func quotedPrintableBadEscapes() throws {
        let mail = try mail("broken-qp-bad-escapes.eml")
        #expect(
            mail.text == """
                Hi,

                the code SPRING=ZZ is rejected at checkout. The page says "code=none" and the total stays \
                59,90 €.

                I tried 3 times, the price = 59,90 every time.

                Thanks, Sven
                """)
        #expect(mail.problems == ["body: 3 stray \"=\" in quoted-printable text were kept as they are"])
    }

    @Test("a charset that lies (UTF-8 declared, Latin-1 sent, raw Latin-1 subject): read right, both named")
    func charsetLie() throws {
        let mail = try mail("broken-charset-lie.eml")
        #expect(mail.subject == "Stornierung Bestellung 4712 - zu spät")
        #expect(mail.from == MailAddress(name: "Joerg Mueller", address: "joerg.mueller@example.com"))
        #expect(mail.text.contains("Die Lieferung kommt zu spät für die Feier."))
        #expect(mail.text.hasSuffix("Mit freundlichen Grüßen\nJörg Müller"))
        #expect(!mail.text.contains("\u{FFFD}"))
        #expect(problems(mail, mention: "body: text is not valid UTF-8"))
        #expect(problems(mail, mention: "headers: a header had 8-bit bytes that are not UTF-8"))
        #expect(mail.problems.count == 2)
    }

    @Test("raw UTF-8 in Subject and From name: read as UTF-8 (RFC 6532), not as Latin-1 mojibake")
    func rawUTF8Headers() throws {
        let mail = try mail("broken-raw-utf8-headers.eml")
        #expect(mail.from == MailAddress(name: "Jürgen Groß", address: "juergen.gross@example.com"))
        #expect(mail.subject == "Rückerstattung für Bestellung 4521 – noch nicht erhalten")
        #expect(mail.header("Subject") == mail.subject)
        #expect(!mail.subject.contains("Ã"))
        #expect(mail.text.contains("die Rückerstattung für Bestellung 4521 ist noch nicht auf meinem Konto."))
        #expect(mail.problems.isEmpty)
    }

    @Test("headers that run into the body without a blank line: headers and body both read, problem named")
    func noBodySeparator() throws {
        let mail = try mail("broken-no-body-separator.eml")
        #expect(mail.from == MailAddress(name: "Alex Moreau", address: "alex.moreau@example.org"))
        #expect(mail.subject == "Cancel my order 4830")
        #expect(mail.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(mail.text == "Hello,\nplease cancel order 4830, I ordered the wrong size.\nThanks\nAlex")
        #expect(mail.problems == ["headers: the headers ended without a blank line; the rest was read as the body"])
    }

    @Test("LF-only mbox export: the From_ line skipped, parts split, the CSV's bytes exact")
    func lfOnly() throws {
        let bytes = try raw("lf-only-mbox.eml")
        #expect(!bytes.contains(0x0D))
        let mail = MIMEParser.parse(bytes)
        #expect(mail.from == MailAddress(name: "Ops Robot Owner", address: "ops@example.com"))
        #expect(mail.subject == "Weekly list of open cases")
        #expect(mail.text == "Hi team,\n\nthe open cases of this week are in the attached file.\n\nOps")
        #expect(mail.attachments.map(\.filename) == ["open-cases.csv"])
        #expect(mail.attachments.first?.contentType == "text/csv")
        #expect(mail.attachments.first?.data == Data("case,status\n4521,open\n4588,waiting\n".utf8))
        #expect(mail.problems.isEmpty)
        // The same message with CRLF reads the same.
        let crlf = MIMEParser.parse(
            Data(
                String(decoding: bytes, as: UTF8.self).replacingOccurrences(
                    of: "\n", with: "\r\n"
                ).utf8))
        #expect(crlf.text == mail.text)
        #expect(crlf.subject == mail.subject)
        #expect(crlf.attachments.map(\.filename) == mail.attachments.map(\.filename))
        #expect(crlf.problems.isEmpty)
    }

    @Test("a truncated message: the text is there, the partial PDF kept, the cut named")
    func truncated() throws {
        let mail = try mail("broken-truncated.eml")
        #expect(mail.from == MailAddress(name: "Ana Lima", address: "ana.lima@example.net"))
        #expect(mail.subject == "Photo of the damaged box")
        #expect(mail.text == "Here is the photo of the damaged box for order 4521.")
        #expect(mail.html?.contains("Here is the photo") == true)
        let pdf = try #require(mail.attachments.first)
        #expect(mail.attachments.count == 1)
        #expect(pdf.filename == "photos.pdf")
        #expect(pdf.data.prefix(8) == Self.pdfSignature)
        #expect(pdf.data.count == 54)
        #expect(problems(mail, mention: "body: the closing boundary is missing"))
        #expect(problems(mail, mention: "part 2: the base64 ended with a stray character"))
        #expect(mail.problems.count == 2)
    }

    // MARK: The whole corpus

    @Test("every corpus file is described in the README and reads to some text")
    func everyFile() throws {
        let files = try Self.corpusFiles()
        #expect(files.count >= 20)
        let readme = try String(contentsOf: Self.url("README.md"), encoding: .utf8)
        for file in files {
            #expect(readme.contains("`\(file)`"), "\(file) is not in the README")
            let mail = try mail(file)
            #expect(mail.from != nil, "\(file)")
            #expect(!mail.subject.isEmpty, "\(file)")
            #expect(!mail.text.isEmpty, "\(file)")
            #expect(!mail.newText.isEmpty, "\(file)")
            #expect(!mail.text.contains("\u{FFFD}"), "\(file)")
        }
    }

    @Test("only the bounce, the auto-replies, the lists and the bulk mail are automatic")
    func automatic() throws {
        let machines: Set<String> = [
            "bounce-postfix.eml", "exchange-out-of-office.eml", "vacation-precedence-bulk.eml",
            "mailman-list-post.eml", "google-groups-post.eml", "marketing-html-only.eml",
        ]
        for file in try Self.corpusFiles() {
            #expect(try mail(file).isAutomatic == machines.contains(file), "\(file)")
        }
    }

    @Test("every inline image's Content-ID is referred to in its message's HTML")
    func inlineImages() throws {
        var seen = 0
        for file in try Self.corpusFiles() {
            let mail = try mail(file)
            for image in mail.attachments where image.inline {
                let cid = try #require(image.contentID, "\(file)")
                #expect(mail.html?.contains("cid:\(cid)") == true, "\(file)")
                seen += 1
            }
        }
        #expect(seen == 2)
    }

    @Test("every reply (\"Re:\") names the message it answers")
    func replies() throws {
        for file in try Self.corpusFiles() {
            let mail = try mail(file)
            guard mail.subject.lowercased().hasPrefix("re:") else { continue }
            #expect(!mail.inReplyTo.isEmpty, "\(file)")
            #expect(mail.references.suffix(1) == mail.inReplyTo.suffix(1), "\(file)")
        }
    }
}
