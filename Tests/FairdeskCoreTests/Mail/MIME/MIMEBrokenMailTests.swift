import FairdeskCore
import Foundation
import Testing

@Suite("Inbound mail parsing: broken mail")
struct MIMEBrokenMailTests {
    private func problems(_ mail: ParsedMail, mention words: String) -> Bool {
        mail.problems.contains { $0.lowercased().contains(words.lowercased()) }
    }

    @Test("a missing closing boundary keeps the parts that are there")
    func missingClosingBoundary() {
        let raw = """
            From: a@example.com
            Content-Type: multipart/mixed; boundary="zz"

            --zz
            Content-Type: text/plain

            first part
            --zz
            Content-Type: application/pdf; name=a.pdf
            Content-Transfer-Encoding: base64

            JVBERi0xLjQK
            """
        let mail = MIMEParser.parse(MIMEFixtures.lf(raw))
        #expect(mail.text == "first part")
        #expect(mail.attachments.first?.filename == "a.pdf")
        #expect(mail.attachments.first?.data == Data("%PDF-1.4\n".utf8))
        #expect(problems(mail, mention: "closing boundary is missing"))
    }

    @Test("a multipart without a boundary parameter is read as text")
    func missingBoundaryParameter() {
        let raw = "From: a@example.com\nContent-Type: multipart/mixed\n\n--x\n\nhello\n--x--\n"
        let mail = MIMEParser.parse(MIMEFixtures.lf(raw))
        #expect(mail.text.contains("hello"))
        #expect(problems(mail, mention: "without a boundary"))
        let absent = MIMEParser.parse(
            MIMEFixtures.lf("From: a@example.com\nContent-Type: multipart/mixed; boundary=q\n\nhi"))
        #expect(absent.text == "hi")
        #expect(problems(absent, mention: "never appears"))
    }

    @Test("invalid base64 is decoded as far as it goes")
    func invalidBase64() {
        let raw = "From: a@example.com\nContent-Transfer-Encoding: base64\n\nSGVs!!bG8*gd29y\nbGQ"
        let mail = MIMEParser.parse(MIMEFixtures.lf(raw))
        #expect(mail.text == "Hello world")
        #expect(problems(mail, mention: "not base64"))
    }

    @Test("an unknown charset is read as UTF-8 when valid, else Latin-1, and noted")
    func unknownCharset() {
        let header = "From: a@example.com\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
        var bytes = Data((header + "Content-Type: text/plain; charset=x-foo\n\nCaf").utf8)
        bytes.append(0xE9)
        bytes.append(contentsOf: Data("\n--b--\n".utf8))
        let mail = MIMEParser.parse(bytes)
        #expect(mail.text == "Café")
        #expect(mail.problems.contains("part 1: unknown charset x-foo, read as Latin-1"))
    }

    @Test("8-bit bytes in a header are read as Latin-1 when they are not UTF-8")
    func eightBitHeader() {
        var bytes = Data("From: Ren".utf8)
        bytes.append(0xE9)
        bytes.append(contentsOf: Data(" <rene@example.com>\nSubject: Caf".utf8))
        bytes.append(0xE9)
        bytes.append(contentsOf: Data(" \u{00FC}ber\n\nbody".utf8))
        let mail = MIMEParser.parse(bytes)
        #expect(mail.from == MailAddress(name: "René", address: "rene@example.com"))
        #expect(mail.subject == "Café Ã¼ber")
        #expect(problems(mail, mention: "8-bit"))
        // Valid UTF-8 in headers (RFC 6532) is fine.
        let utf8 = MIMEParser.parse(Data("Subject: Café über\n\nbody".utf8))
        #expect(utf8.subject == "Café über")
        #expect(!problems(utf8, mention: "8-bit"))
    }

    @Test("empty input and headers-only input")
    func emptyAndHeadersOnly() {
        let empty = MIMEParser.parse(Data())
        #expect(empty.text.isEmpty)
        #expect(empty.problems == ["the message is empty"])
        let headersOnly = MIMEParser.parse(Data("From: a@example.com\r\nSubject: only headers".utf8))
        #expect(headersOnly.subject == "only headers")
        #expect(headersOnly.text.isEmpty)
        #expect(problems(headersOnly, mention: "no body"))
        let noHeaders = MIMEParser.parse(Data("just some words\nand more".utf8))
        #expect(noHeaders.text == "just some words\nand more")
        #expect(problems(noHeaders, mention: "no headers"))
    }

    @Test("a 200-level nested multipart stops at the depth guard")
    func deepNesting() {
        var raw = "From: a@example.com\n"
        for level in 0..<200 {
            raw += "Content-Type: multipart/mixed; boundary=\"b\(level)\"\n\n--b\(level)\n"
        }
        raw += "Content-Type: text/plain\n\ndeep text\n"
        for level in (0..<200).reversed() { raw += "--b\(level)--\n" }
        let mail = MIMEParser.parse(MIMEFixtures.lf(raw))
        #expect(mail.text.isEmpty)
        #expect(problems(mail, mention: "nested more than 20 deep"))
        #expect(mail.problems.count < 10)
    }

    @Test("too many parts stop at the part limit")
    func manyParts() {
        var raw = "From: a@example.com\nContent-Type: multipart/mixed; boundary=b\n\n"
        for _ in 0..<1_500 { raw += "--b\nContent-Type: image/png\n\nx\n" }
        raw += "--b--\n"
        let mail = MIMEParser.parse(MIMEFixtures.lf(raw))
        #expect(mail.attachments.count == MIMEParser.maximumParts - 1)
        #expect(problems(mail, mention: "more than 1000 parts"))
    }

    @Test("bad dates, bad quoted-printable and bad encoded words are kept or skipped, and noted")
    func otherBreakage() {
        let raw = """
            From: a@example.com
            Date: sometime last week
            Subject: =?utf-8?X?broken?= and =?utf-8?Q?ok?=
            Content-Transfer-Encoding: quoted-printable

            100% =ZZ sure=3f
            """
        let mail = MIMEParser.parse(MIMEFixtures.lf(raw))
        #expect(mail.date == nil)
        #expect(problems(mail, mention: "Date: cannot read"))
        #expect(mail.subject == "=?utf-8?X?broken?= and ok")
        #expect(mail.text == "100% =ZZ sure?")
        #expect(problems(mail, mention: "stray \"=\""))
    }

    /// A small, seeded random generator so failures can be reproduced.
    private struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }

    @Test("2,000 random byte strings and random truncations of the fixtures never crash")
    func fuzz() {
        var random = SplitMix(state: 2_026)
        let pieces = [
            "From: ", "Content-Type: multipart/mixed; boundary=b\r\n", "--b\r\n", "--b--\r\n", "\r\n", "\n",
            "=?utf-8?B?", "=?utf-8?Q?=C3", "?=", "Content-Transfer-Encoding: base64\n", "quoted-printable\n",
            "charset=", "filename*0*=utf-8''%", "<a href=\"", "&#x", "&#99999999999;", "<blockquote>", "<",
            "multipart/alternative; boundary=\"", "message/rfc822\n", "Date: 31 Feb 99999 25:61:61 +9999\n",
            "To: \"a, b\" <", "(((", "\\", "=\r\n", "=", "> ", "On Mon wrote:", "-- \n", "\u{00E9}", "\t",
        ]
        var inputs: [Data] = []
        for _ in 0..<1_000 {
            let length = Int.random(in: 0..<600, using: &random)
            inputs.append(Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }))
        }
        for _ in 0..<1_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0..<40, using: &random) {
                text += pieces.randomElement(using: &random) ?? ""
                if Bool.random(using: &random) {
                    text += String(UnicodeScalar(UInt8.random(in: 32...126, using: &random)))
                }
            }
            inputs.append(Data(text.utf8))
        }
        for fixture in MIMEFixtures.all {
            let bytes = MIMEFixtures.crlf(fixture)
            for _ in 0..<60 {
                let cut = Int.random(in: 0...bytes.count, using: &random)
                inputs.append(bytes.prefix(cut))
                var mangled = bytes
                if !mangled.isEmpty {
                    let at = Int.random(in: 0..<mangled.count, using: &random)
                    mangled[mangled.startIndex + at] = UInt8.random(in: 0...255, using: &random)
                }
                inputs.append(mangled)
            }
        }
        var parsed = 0
        for input in inputs {
            let mail = MIMEParser.parse(input)
            #expect(mail.attachments.allSatisfy { !$0.filename.isEmpty && !$0.filename.contains("/") })
            #expect(!mail.newText.isEmpty || mail.text.isEmpty)
            parsed += 1
        }
        #expect(parsed == inputs.count)
        #expect(parsed >= 2_000)
    }

    @Test("speed: parsing 1,000 copies of a 20 KB message (printed, not asserted)")
    func speed() {
        let message = MIMEFixtures.lf(MIMEFixtures.twentyKilobytes)
        let check = MIMEParser.parse(message)
        #expect(check.attachments.first?.filename == "label.pdf")
        #expect(check.newText.hasPrefix("Hello,"))
        #expect(!check.newText.contains("> Thanks"))
        let start = Date()
        var characters = 0
        for _ in 0..<1_000 { characters += MIMEParser.parse(message).text.utf8.count }
        let seconds = Date().timeIntervalSince(start)
        // 1,000 messages: the total in seconds is the cost of one in milliseconds.
        let perMessage = seconds
        print(
            "MIME speed: 1,000 × \(message.count / 1_024) KB in \(String(format: "%.2f", seconds)) s, "
                + "\(String(format: "%.3f", perMessage)) ms per message (\(characters) bytes of text)")
        #expect(characters > 0)
    }
}
