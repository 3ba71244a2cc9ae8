import FairdeskCore
import Foundation
import Testing

@Suite("Outgoing mail messages")
struct MailMessageTests {
    let date = Date(timeIntervalSince1970: 1_790_000_000)

    @Test("a message has the RFC 5322 headers, CRLF line endings, and its text as base64 UTF-8")
    func rendering() throws {
        let message = MailMessage(
            from: MailAddress(name: "Fairdesk", address: "fairdesk@example.com"),
            to: MailAddress(name: "Dee Driver", address: "dee@example.com"), subject: "Policy change",
            text: "Hello Dee,\nversion 2 applies from 7 December.\n.\nBye", messageID: "abc@example.com", date: date)
        let rendered = message.rendered
        let parts = rendered.components(separatedBy: "\r\n\r\n")
        #expect(parts.count == 2)
        let headers = parts[0].components(separatedBy: "\r\n")
        #expect(headers.contains("From: Fairdesk <fairdesk@example.com>"))
        #expect(headers.contains("To: Dee Driver <dee@example.com>"))
        #expect(headers.contains("Subject: Policy change"))
        #expect(headers.contains("Date: Mon, 21 Sep 2026 14:13:20 +0000"))
        #expect(headers.contains("Message-ID: <abc@example.com>"))
        #expect(headers.contains("Content-Type: text/plain; charset=utf-8"))
        let body = parts[1].replacingOccurrences(of: "\r\n", with: "")
        let decoded = String(decoding: try #require(Data(base64Encoded: body)), as: UTF8.self)
        #expect(decoded == "Hello Dee,\r\nversion 2 applies from 7 December.\r\n.\r\nBye")
        #expect(!rendered.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(parts[1].components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
    }

    @Test("non-ASCII subjects and names become encoded words; header injection is impossible")
    func encodedWords() {
        let subject = MailHeader.encodedText("Änderung der Richtlinie: Fahrer-Status und Einsprüche, Version 2 gilt ab")
        #expect(subject.hasPrefix("=?utf-8?B?"))
        for word in subject.components(separatedBy: "\r\n ") {
            #expect(word.count <= 75)
            let inner = word.dropFirst("=?utf-8?B?".count).dropLast(2)
            #expect(Data(base64Encoded: String(inner)) != nil)
        }
        #expect(MailHeader.encodedText("Hi\r\nBcc: x@example.com") == "Hi  Bcc: x@example.com")
        #expect(MailAddress(name: "Zoë Driver", address: "z@example.com").header.hasPrefix("=?utf-8?B?"))
        #expect(MailAddress(name: "Lee, Lead", address: "l@example.com").header == "\"Lee, Lead\" <l@example.com>")
    }

    @Test("addresses are read from configuration text, and nonsense is refused")
    func parsing() {
        #expect(
            MailAddress.parse("Fairdesk <no-reply@fairdesk.example>")
                == MailAddress(name: "Fairdesk", address: "no-reply@fairdesk.example"))
        #expect(MailAddress.parse("ops@example.com") == MailAddress(address: "ops@example.com"))
        #expect(MailAddress.parse("not an address") == nil)
        #expect(MailAddress.parse("a@b") == nil)
        #expect(MailAddress.parse("<x@example.com>, y@example.com") == nil)
    }
}
