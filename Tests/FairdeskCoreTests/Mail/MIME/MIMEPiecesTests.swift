import FairdeskCore
import Foundation
import Testing

@Suite("Inbound mail parsing: charsets, dates, addresses, HTML and replies")
struct MIMEPiecesTests {
    @Test("charsets: the common ones decode, unknown and invalid ones fall back and say so")
    func charsets() {
        #expect(Charsets.decode(Data([0x43, 0x61, 0x66, 0xC3, 0xA9]), charset: "UTF-8") == ("Café", nil))
        #expect(Charsets.decode(Data([0x43, 0x61, 0x66, 0xE9]), charset: "iso-8859-1") == ("Café", nil))
        #expect(Charsets.decode(Data([0x80, 0x96, 0x93, 0x94]), charset: "windows-1252") == ("€–“”", nil))
        #expect(Charsets.decode(Data([0xA4, 0xBD]), charset: "ISO_8859-15") == ("€œ", nil))
        #expect(Charsets.decode(Data([0xB1, 0xEA]), charset: "iso-8859-2") == ("ąę", nil))
        #expect(Charsets.decode(Data([0x9A, 0xE8]), charset: "windows-1250") == ("šč", nil))
        #expect(Charsets.decode(Data([0xCF, 0xF0, 0xE8]), charset: "windows-1251") == ("При", nil))
        #expect(Charsets.decode(Data([0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4]), charset: "koi8-r") == ("Привет", nil))
        #expect(Charsets.decode(Data([0xBF, 0xE0]), charset: "iso-8859-5") == ("Пр", nil))
        #expect(Charsets.decode(Data([0x93, 0xFA, 0x96, 0x7B]), charset: "shift_jis") == ("日本", nil))
        #expect(Charsets.decode(Data("plain".utf8), charset: "x-anything") == ("plain", nil))
        #expect(Charsets.decode(Data([0xC3, 0xA9]), charset: "x-foo") == ("é", "unknown charset x-foo, read as UTF-8"))
        #expect(Charsets.decode(Data([0xE9]), charset: "x-foo") == ("é", "unknown charset x-foo, read as Latin-1"))
        let broken = Charsets.decode(Data([0x61, 0xC3, 0xA9, 0xE9, 0x62]), charset: "utf-8")
        #expect(broken.text == "aééb")
        #expect(broken.problem != nil)
        #expect(Charsets.decode(Data([0xE9]), charset: "us-ascii").text == "é")
        #expect(Charsets.decode(Data([0xE9]), charset: nil).problem != nil)
    }

    private func date(_ text: String) -> TimeInterval? {
        let raw = "From: a@example.com\nDate: \(text)\n\nx"
        return MIMEParser.parse(Data(raw.utf8)).date?.timeIntervalSince1970
    }

    @Test("dates: with and without day name, obsolete zones, missing seconds, two-digit years")
    func dates() {
        let noon: TimeInterval = 1_770_033_600  // Mon, 2 Feb 2026 12:00:00 +0000
        #expect(date("Mon, 2 Feb 2026 12:00:00 +0000") == noon)
        #expect(date("2 Feb 2026 12:00:00 +0000") == noon)
        #expect(date("Mon, 02 Feb 2026 12:00 GMT") == noon)
        #expect(date("Mon, 2 Feb 2026 07:00:00 EST") == noon)
        #expect(date("Mon, 2 Feb 2026 04:00:00 PST") == noon)
        #expect(date("Mon, 2 Feb 2026 05:00:00 PDT") == noon)
        #expect(date("Mon, 2 Feb 2026 13:00:00 CET") == noon)
        #expect(date("Mon, 2 Feb 2026 12:00:00 UT") == noon)
        #expect(date("Mon, 2 Feb 26 13:00:00 +0100 (CET)") == noon)
        #expect(date("Mon,  2 Feb 2026 12:00:00") == noon)
        #expect(date("Mon Feb  2 12:00:00 2026") == noon)
        #expect(date("2026-02-02T12:00:00Z") == noon)
        #expect(date("Mon, 31 Feb 2026 12:00:00 +0000") == nil)
        #expect(date("Mon, 2 Feb 2026 25:00:00 +0000") == nil)
        #expect(date("yesterday") == nil)
    }

    private func addresses(_ text: String) -> [MailAddress] {
        MIMEParser.parse(Data("To: \(text)\n\nx".utf8)).to
    }

    @Test("addresses: quoted names, bare names, comments, groups and encoded-word names")
    func addressLists() {
        #expect(
            addresses("\"Dee, Driver\" <dee@example.com>") == [
                MailAddress(name: "Dee, Driver", address: "dee@example.com")
            ])
        #expect(
            addresses("Dee Driver <dee@example.com>") == [MailAddress(name: "Dee Driver", address: "dee@example.com")])
        #expect(
            addresses("dee@example.com (Dee Driver)") == [MailAddress(name: "Dee Driver", address: "dee@example.com")])
        #expect(addresses("undisclosed-recipients:;").isEmpty)
        #expect(
            addresses("team: a@example.com, B <b@example.com>;, c@example.com") == [
                MailAddress(address: "a@example.com"), MailAddress(name: "B", address: "b@example.com"),
                MailAddress(address: "c@example.com"),
            ])
        #expect(
            addresses("=?utf-8?B?Wm/Dqw==?= =?utf-8?Q?_D?= <z@example.com>")
                == [MailAddress(name: "Zoë D", address: "z@example.com")])
        #expect(addresses("Doe, John <j@example.com>") == [MailAddress(name: "Doe, John", address: "j@example.com")])
        #expect(addresses("<@route.example:x@example.com>") == [MailAddress(address: "x@example.com")])
        let mail = MIMEParser.parse(Data("To: nobody, a@example.com\n\nx".utf8))
        #expect(mail.to == [MailAddress(address: "a@example.com")])
        #expect(mail.problems.contains { $0.contains("\"nobody\" is not an address") })
    }

    @Test("HTML to text: line breaks, lists, entities, links, quotes, broken markup")
    func html() {
        #expect(HTMLText.plainText("a<br>b<br/>c") == "a\nb\nc")
        #expect(HTMLText.plainText("<p>one</p><p>two</p>") == "one\n\ntwo")
        #expect(HTMLText.plainText("<div>x</div><div>y</div>") == "x\ny")
        #expect(HTMLText.plainText("<ol><li>a</li><li>b</li></ol>") == "• a\n• b")
        #expect(HTMLText.plainText("&amp;&lt;&gt;&quot;&#39;&nbsp;&#233;&#xE9;&euro;") == "&<>\"' éé€")
        #expect(HTMLText.plainText("<a href=\"https://x.example/a\">link</a>") == "link (https://x.example/a)")
        #expect(HTMLText.plainText("<a href=\"https://x.example/a\">link</a>", linkURLs: false) == "link")
        #expect(HTMLText.plainText("<a href='https://x.example'>https://x.example/</a>") == "https://x.example/")
        #expect(HTMLText.plainText("hi<blockquote>old<br>text</blockquote>") == "hi\n> old\n> text")
        #expect(HTMLText.plainText("<style>p{}</style><script>x<y</script>  a   b  ") == "a b")
        #expect(HTMLText.plainText("1 < 2 & 3 > 2 <unclosed") == "1 < 2 & 3 > 2")
        #expect(HTMLText.plainText("<pre>a  b\n c</pre>") == "a  b\n c")
        #expect(HTMLText.plainText("<!-- hidden -->shown") == "shown")
        #expect(HTMLText.plainText("<h2>Title</h2>body") == "Title\n\nbody")
    }

    @Test("reply text: quotes, Outlook blocks, signatures and mobile footers are cut")
    func replies() {
        #expect(
            ReplyText.newText("Yes please.\n\nOn Tue, 3 Feb 2026 at 10:00, Ana <a@x> wrote:\n> Shall I?")
                == "Yes please.")
        #expect(ReplyText.newText("Ja.\n\nAm 03.02.2026 um 10:00 schrieb Ana <a@x>:\n> Soll ich?") == "Ja.")
        #expect(ReplyText.newText("Fine.\n\n-- \nAna Lima\nSupport") == "Fine.")
        #expect(ReplyText.newText("Fine.\n\nSent from my iPhone") == "Fine.")
        #expect(
            ReplyText.newText("Done.\n\nFrom: Ana <a@x>\nSent: Tuesday\nTo: Bo\nSubject: Hi\n\nOld text")
                == "Done.")
        #expect(
            ReplyText.newText("Done.\n________________________________\nFrom: Ana <a@x>\nDate: Tue\n\nOld") == "Done.")
        #expect(ReplyText.newText("Answers inline:\n> Q1?\nA1\n> Q2?\nA2") == "Answers inline:\n\nA1\n\nA2")
        #expect(ReplyText.newText("> only a quote") == "> only a quote")
        #expect(
            ReplyText.newText("Look at this.\n\n---------- Forwarded message ---------\nFrom: X").contains("Forwarded"))
    }
}
