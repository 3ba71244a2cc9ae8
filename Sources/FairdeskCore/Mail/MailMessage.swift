import Foundation

/// A mailbox: an address and an optional display name ("Dee Driver <dee@example.com>").
public struct MailAddress: Sendable, Equatable {
    public var name: String?
    public var address: String

    public init(name: String? = nil, address: String) {
        self.name = name
        self.address = address
    }

    /// Reads "Name <address>" or a bare "address"; nil when it does not look like one mailbox.
    public static func parse(_ text: String) -> MailAddress? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var name: String?
        var address = trimmed
        if let open = trimmed.lastIndex(of: "<"), trimmed.hasSuffix(">") {
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            let display = trimmed[..<open].trimmingCharacters(in: .whitespaces)
                .trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            name = display.isEmpty ? nil : display
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !address.contains(where: { $0.isWhitespace || "<>,;\"".contains($0) || !$0.isASCII })
        else { return nil }
        return MailAddress(name: name, address: address)
    }

    /// The mailbox as a header value, with the name encoded when it is not plain ASCII.
    public var header: String {
        guard let name, !name.isEmpty else { return address }
        return "\(MailHeader.encodedPhrase(name)) <\(address)>"
    }
}

/// A plain-text email Fairdesk sends, written out as RFC 5322 with a MIME body (RFC 2045).
public struct MailMessage: Sendable, Equatable {
    public var from: MailAddress
    public var to: MailAddress
    public var subject: String
    /// UTF-8 text; any line endings.
    public var text: String
    /// Without angle brackets: "4f1c…@fairdesk.example".
    public var messageID: String
    public var date: Date

    public init(from: MailAddress, to: MailAddress, subject: String, text: String, messageID: String, date: Date) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.messageID = messageID
        self.date = date
    }

    /// The whole message with CRLF line endings: headers, then the text as base64-encoded UTF-8 in
    /// lines of 76 characters, so any language and any line survives every mail server.
    public var rendered: String {
        let headers = [
            "From: \(from.header)",
            "To: \(to.header)",
            "Subject: \(MailHeader.encodedText(subject))",
            "Date: \(MailHeader.date(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "Auto-Submitted: auto-generated",
        ]
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        let encoded = Data(normalised.utf8).base64EncodedString(options: [
            .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
        ])
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + encoded + "\r\n"
    }
}

/// Header encodings: RFC 2047 encoded words for text that is not plain ASCII, and RFC 5322 dates.
public enum MailHeader {
    /// The text as is when it is printable ASCII, otherwise as "=?utf-8?B?…?=" words of at most 75
    /// characters each, split between characters, never inside one.
    public static func encodedText(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.allSatisfy({ $0.isASCII && !($0.asciiValue! < 32) }) && !clean.contains("=?") { return clean }
        var words: [String] = []
        var chunk = ""
        for character in clean {
            // 45 bytes of UTF-8 become 60 characters of base64; with "=?utf-8?B?" and "?=" a word stays under 75.
            if Data((chunk + String(character)).utf8).count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?utf-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// A display name: quoted when it holds special characters, encoded when it is not ASCII.
    public static func encodedPhrase(_ raw: String) -> String {
        // A line break in a name must never start a new header.
        let name = raw.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if !name.allSatisfy({ $0.isASCII }) { return encodedText(name) }
        let plain = name.allSatisfy { $0.isLetter || $0.isNumber || $0 == " " || "!#$%&'*+-/=?^_`{|}~".contains($0) }
        if plain { return name }
        return "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            + "\""
    }

    /// "Mon, 23 Nov 2026 09:05:00 +0000".
    public static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
