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
        let trimmed = text.trimmedSpaces
        var name: String?
        var address = trimmed
        if let open = trimmed.lastIndex(of: "<"), trimmed.hasSuffix(">") {
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            let display = trimmed[..<open].trimmedSpaces
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

/// An email Fairdesk sends, written out as RFC 5322 with a MIME body (RFC 2045): the text alone,
/// or the text and files as multipart/mixed.
public struct MailMessage: Sendable, Equatable {
    /// A file sent with the message.
    public struct Attachment: Sendable, Equatable {
        public var filename: String
        public var contentType: String
        public var data: Data

        public init(filename: String, contentType: String, data: Data) {
            self.filename = filename
            self.contentType = contentType
            self.data = data
        }
    }

    public var from: MailAddress
    public var to: MailAddress
    public var subject: String
    /// UTF-8 text; any line endings.
    public var text: String
    /// Without angle brackets: "4f1c…@fairdesk.example".
    public var messageID: String
    public var date: Date
    /// The message this one answers, without angle brackets; with `references` it lets the
    /// customer's mail client show one thread.
    public var inReplyTo: String?
    /// The earlier messages of the conversation, oldest first, without angle brackets.
    public var references: [String]
    /// True for mail Fairdesk writes by itself (reminders, surveys), marked `Auto-Submitted` so other
    /// robots do not answer it; false for a reply a person wrote.
    public var automatic: Bool
    public var attachments: [Attachment]

    public init(
        from: MailAddress, to: MailAddress, subject: String, text: String, messageID: String, date: Date,
        inReplyTo: String? = nil, references: [String] = [], automatic: Bool = true, attachments: [Attachment] = []
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.messageID = messageID
        self.date = date
        self.inReplyTo = inReplyTo
        self.references = references
        self.automatic = automatic
        self.attachments = attachments
    }

    /// The whole message with CRLF line endings: headers, then the text as base64-encoded UTF-8 in
    /// lines of 76 characters, so any language and any line survives every mail server.
    public var rendered: String {
        var headers = [
            "From: \(from.header)",
            "To: \(to.header)",
            "Subject: \(MailHeader.encodedText(subject))",
            "Date: \(MailHeader.date(date))",
            "Message-ID: <\(messageID)>",
        ]
        if let inReplyTo { headers.append("In-Reply-To: <\(inReplyTo)>") }
        if !references.isEmpty {
            headers.append("References: " + references.map { "<\($0)>" }.joined(separator: "\r\n "))
        }
        headers.append("MIME-Version: 1.0")
        if automatic { headers.append("Auto-Submitted: auto-generated") }
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        let textPart = [
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
        ]
        guard !attachments.isEmpty else {
            return (headers + textPart).joined(separator: "\r\n") + "\r\n\r\n" + Self.base64(Data(normalised.utf8))
        }
        let boundary = "=_fairdesk_" + messageID.filter { $0.isLetter || $0.isNumber }.prefix(32)
        headers.append("Content-Type: multipart/mixed; boundary=\"\(boundary)\"")
        var body = "This is a message in MIME format.\r\n"
        body += "--\(boundary)\r\n" + textPart.joined(separator: "\r\n") + "\r\n\r\n"
        body += Self.base64(Data(normalised.utf8))
        for file in attachments {
            let name = MailHeader.fileParameter(file.filename)
            body += "--\(boundary)\r\n"
            body += "Content-Type: \(file.contentType); name=\(name.quoted)\r\n"
            body += "Content-Disposition: attachment; \(name.parameter)\r\n"
            body += "Content-Transfer-Encoding: base64\r\n\r\n"
            body += Self.base64(file.data)
        }
        body += "--\(boundary)--\r\n"
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    private static func base64(_ data: Data) -> String {
        guard !data.isEmpty else { return "" }
        return data.base64EncodedString(options: [
            .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
        ]) + "\r\n"
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

    /// A file name as MIME parameters: `quoted` for `name=` (encoded words for old clients) and
    /// `parameter` for `Content-Disposition` (`filename=` when plain ASCII, RFC 2231 `filename*=` otherwise).
    public static func fileParameter(_ raw: String) -> (quoted: String, parameter: String) {
        let name = raw.filter { $0 != "\r" && $0 != "\n" && $0 != "\"" && $0 != "\\" }
        if name.allSatisfy({ $0.isASCII && $0.asciiValue! >= 32 }) {
            return ("\"\(name)\"", "filename=\"\(name)\"")
        }
        // RFC 2231 attribute-char: ASCII letters and digits and a few marks; everything else as %XX.
        let allowed = CharacterSet(
            charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? "attachment"
        return ("\"\(encodedText(name))\"", "filename*=utf-8''\(encoded)")
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
