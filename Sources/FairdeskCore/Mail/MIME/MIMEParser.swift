import Foundation

/// Reads inbound email (RFC 5322 with MIME, RFC 2045–2047 and RFC 2231) into a `ParsedMail`.
///
/// Made for the mail that really arrives: it accepts CRLF and LF, broken encodings, unknown charsets,
/// missing boundaries and truncated messages, never traps on any input, and lists in `problems` what it
/// had to guess. Nesting is followed 20 levels deep and at most 1,000 parts are read.
///
/// An attached message (message/rfc822) becomes an attachment named after its subject ("Subject.eml");
/// its own parts are not read into the outer mail's text.
public enum MIMEParser {
    /// How deep multiparts are followed; deeper parts are skipped (problem noted).
    public static let maximumDepth = 20
    /// How many parts are read; the rest are skipped (problem noted).
    public static let maximumParts = 1_000

    /// Reads the message. Never fails: broken mail gives what could be read plus `problems`.
    public static func parse(_ raw: Data) -> ParsedMail {
        var walker = Walker(bytes: [UInt8](raw))
        return walker.run()
    }

    private struct Walker {
        let bytes: [UInt8]
        var mail = ParsedMail()
        var plainTexts: [String] = []
        var htmls: [String] = []
        var partCount = 0
        var tooDeep = false
        var tooMany = false

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func run() -> ParsedMail {
            guard !bytes.isEmpty else {
                mail.problems.append("the message is empty")
                return mail
            }
            let entity = MIMEHeaders.entity(bytes, 0..<bytes.count, problems: &mail.problems, label: "headers")
            readHeaders(entity)
            if entity.body.isEmpty {
                mail.problems.append("the message has no body")
            } else {
                walk(entity, depth: 0, label: "body")
            }
            finish()
            return mail
        }

        // MARK: Headers

        private mutating func readHeaders(_ entity: RawEntity) {
            for header in entity.headers {
                let value = MIMEHeaders.decodeWords(header.value, problems: &mail.problems, label: header.name)
                mail.headers.append(MailHeaderField(name: header.name, value: value))
            }
            if entity.headers.isEmpty { mail.problems.append("the message has no headers") }
            if let from = entity.value("from") {
                mail.from = AddressList.parse(from, problems: &mail.problems, label: "From").first
                if mail.from == nil { mail.problems.append("From: no address found in \"\(from.prefix(80))\"") }
            } else {
                mail.problems.append("the message has no From header")
            }
            mail.to = addresses("to", "To", entity)
            mail.cc = addresses("cc", "Cc", entity)
            mail.replyTo = entity.value("reply-to").flatMap {
                AddressList.parse($0, problems: &mail.problems, label: "Reply-To").first
            }
            if let subject = entity.value("subject") {
                mail.subject = MIMEHeaders.decodeWords(subject, problems: &mail.problems, label: "Subject")
            }
            if let date = entity.value("date") {
                mail.date = MailDate.parse(date)
                if mail.date == nil { mail.problems.append("Date: cannot read \"\(date.prefix(80))\"; left empty") }
            }
            mail.messageID = entity.value("message-id").flatMap { MIMEHeaders.messageIDs($0).first }
            mail.inReplyTo = entity.value("in-reply-to").map(MIMEHeaders.messageIDs) ?? []
            mail.references = entity.headers.filter { $0.key == "references" }.flatMap {
                MIMEHeaders.messageIDs($0.value)
            }
            mail.isAutomatic = Self.isAutomatic(entity)
        }

        private mutating func addresses(_ key: String, _ label: String, _ entity: RawEntity) -> [MailAddress] {
            var result: [MailAddress] = []
            for header in entity.headers where header.key == key {
                result += AddressList.parse(header.value, problems: &mail.problems, label: label)
            }
            return result
        }

        private static func isAutomatic(_ entity: RawEntity) -> Bool {
            func value(_ key: String) -> String? {
                entity.value(key).map { $0.trimmedSpaces.lowercased() }
            }
            func firstWord(_ text: String) -> String {
                String(text.prefix { $0 != ";" && $0 != " " && $0 != "(" })
            }
            if let submitted = value("auto-submitted"), !submitted.isEmpty, firstWord(submitted) != "no" {
                return true
            }
            let precedence = value("precedence") ?? value("x-precedence")
            if let precedence, ["bulk", "junk", "list", "auto_reply"].contains(firstWord(precedence)) { return true }
            if precedence != nil && value("list-id") != nil { return true }
            // One-click unsubscribe (RFC 8058) is sent only with bulk mail: newsletters and marketing.
            if value("list-unsubscribe-post") != nil { return true }
            for key in ["x-autoreply", "x-autorespond", "x-autogenerated"] {
                if let flag = value(key), flag != "no", flag != "false" { return true }
            }
            if let returnPath = value("return-path") {
                let inner = returnPath.filter { !$0.isWhitespace }
                if inner == "<>" || inner.isEmpty { return true }
                if isDaemon(inner) { return true }
            }
            if let from = value("from"), isDaemon(from) { return true }
            if let type = entity.value("content-type"), MIMEHeaders.parameterized(type).value == "multipart/report" {
                return true
            }
            return false
        }

        private static func isDaemon(_ addresses: String) -> Bool {
            var scratch: [String] = []
            let parsed = AddressList.parse(addresses, problems: &scratch, label: "")
            return parsed.contains { address in
                let local = address.address.lowercased().split(separator: "@").first.map(String.init) ?? ""
                return local == "mailer-daemon" || local == "postmaster"
            }
        }

        // MARK: Parts

        private mutating func walk(_ entity: RawEntity, depth: Int, label: String, defaultType: String = "text/plain") {
            partCount += 1
            if partCount > MIMEParser.maximumParts {
                if !tooMany {
                    tooMany = true
                    mail.problems.append("more than \(MIMEParser.maximumParts) parts; the rest were skipped")
                }
                return
            }
            var type = defaultType
            var parameters: [String: String] = [:]
            if let raw = entity.value("content-type") {
                let parsed = MIMEHeaders.parameterized(raw)
                parameters = parsed.parameters
                let pieces = parsed.value.split(separator: "/", omittingEmptySubsequences: false)
                if pieces.count == 2 && !pieces[0].isEmpty && !pieces[1].isEmpty {
                    type = parsed.value
                } else if parsed.value == "text" || parsed.value.isEmpty {
                    type = "text/plain"
                } else {
                    mail.problems.append("\(label): content type \"\(raw.prefix(60))\" is not valid; read as text")
                    type = "text/plain"
                }
            }
            if type.hasPrefix("multipart/") {
                guard depth < MIMEParser.maximumDepth else {
                    if !tooDeep {
                        tooDeep = true
                        let limit = MIMEParser.maximumDepth
                        mail.problems.append(
                            "\(label): parts nested more than \(limit) deep; the deeper parts were skipped")
                    }
                    return
                }
                guard let boundary = parameters["boundary"], !boundary.isEmpty else {
                    mail.problems.append("\(label): \(type) without a boundary; its body was read as text")
                    leaf(entity, type: "text/plain", parameters: parameters, label: label)
                    return
                }
                let (parts, closed) = split(entity.body, boundary: Array(boundary.utf8))
                if parts.isEmpty {
                    mail.problems.append(
                        "\(label): boundary \"\(boundary.prefix(60))\" never appears; body read as text")
                    leaf(entity, type: "text/plain", parameters: parameters, label: label)
                    return
                }
                if !closed {
                    mail.problems.append("\(label): the closing boundary is missing; the parts found were kept")
                }
                let childType = type == "multipart/digest" ? "message/rfc822" : "text/plain"
                for (offset, range) in parts.enumerated() {
                    if tooMany { return }
                    let childLabel = label == "body" ? "part \(offset + 1)" : "\(label).\(offset + 1)"
                    let child = MIMEHeaders.entity(bytes, range, problems: &mail.problems, label: childLabel)
                    walk(child, depth: depth + 1, label: childLabel, defaultType: childType)
                }
                return
            }
            leaf(entity, type: type, parameters: parameters, label: label)
        }

        /// The parts of a multipart body and whether its closing boundary was there. Delimiter lines must
        /// start with "--boundary" and have nothing but white space (or the closing "--") after it.
        private func split(_ body: Range<Int>, boundary: [UInt8]) -> (parts: [Range<Int>], closed: Bool) {
            let delimiter = Array("--".utf8) + boundary
            var parts: [Range<Int>] = []
            var partStart: Int?
            var position = body.lowerBound
            let end = body.upperBound
            while position < end {
                let newline = MIMEHeaders.lineEnd(bytes, from: position, to: end)
                if newline - position >= delimiter.count && bytes[position] == UInt8(ascii: "-")
                    && bytes[position..<position + delimiter.count].elementsEqual(delimiter)
                {
                    var after = position + delimiter.count
                    var closing = false
                    if after + 1 < newline && bytes[after] == UInt8(ascii: "-")
                        && bytes[after + 1] == UInt8(ascii: "-")
                    {
                        closing = true
                        after += 2
                    }
                    let restIsBlank = bytes[min(after, newline)..<newline].allSatisfy {
                        $0 == 0x20 || $0 == 0x09 || $0 == 0x0D
                    }
                    if restIsBlank || closing {
                        if let start = partStart {
                            var contentEnd = position
                            if contentEnd > start && bytes[contentEnd - 1] == 0x0A { contentEnd -= 1 }
                            if contentEnd > start && bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                            parts.append(start..<max(start, contentEnd))
                        }
                        if closing { return (parts, true) }
                        partStart = min(newline + 1, end)
                    }
                }
                position = newline + 1
            }
            if let start = partStart { parts.append(start..<max(start, end)) }
            return (parts, false)
        }

        private mutating func leaf(_ entity: RawEntity, type: String, parameters: [String: String], label: String) {
            let data = decodedBody(entity, label: label)
            let disposition = entity.value("content-disposition").map(MIMEHeaders.parameterized)
            var filename = disposition?.parameters["filename"] ?? parameters["name"]
            if let name = filename {
                filename = MIMEHeaders.decodeWords(name, problems: &mail.problems, label: label)
            }
            let isAttachment = disposition?.value == "attachment"
            if (type == "text/plain" || type == "text/html") && !isAttachment && filename == nil {
                let (decoded, problem) = Charsets.decode(bytes: data, charset: parameters["charset"])
                if let problem { mail.problems.append("\(label): \(problem)") }
                var text = Self.normaliseLineEndings(decoded)
                if type == "text/plain" {
                    if parameters["format"]?.lowercased() == "flowed" {
                        text = Self.unflow(text, deleteSpace: parameters["delsp"]?.lowercased() == "yes")
                    }
                    plainTexts.append(text)
                } else {
                    htmls.append(text)
                }
                return
            }
            let contentID = entity.value("content-id").flatMap { MIMEHeaders.messageIDs($0).first ?? $0 }
                .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "<> ")) }
            if filename == nil && type == "message/rfc822" {
                var scratch: [String] = []
                let inner = MIMEHeaders.entity(data, 0..<data.count, problems: &scratch, label: label)
                if let subject = inner.value("subject") {
                    let decoded = MIMEHeaders.decodeWords(subject, problems: &scratch, label: label)
                    if !decoded.trimmedSpaces.isEmpty { filename = decoded + ".eml" }
                }
            }
            let number = mail.attachments.count + 1
            let safeName = Self.sanitisedFilename(filename) ?? "attachment-\(number)"
            let inline = disposition?.value == "inline" || (disposition == nil && contentID != nil)
            mail.attachments.append(
                MailAttachment(
                    filename: safeName, contentType: type, contentID: contentID?.isEmpty == true ? nil : contentID,
                    inline: inline, data: Data(data)))
        }

        private mutating func decodedBody(_ entity: RawEntity, label: String) -> [UInt8] {
            let body = bytes[entity.body]
            let encoding =
                entity.value("content-transfer-encoding")?.trimmedSpaces
                .lowercased() ?? ""
            switch encoding {
            case "base64":
                let (data, problem) = TransferEncoding.base64(body)
                if let problem { mail.problems.append("\(label): \(problem)") }
                return data
            case "quoted-printable":
                let (data, problem) = TransferEncoding.quotedPrintable(Array(body))
                if let problem { mail.problems.append("\(label): \(problem)") }
                return data
            case "", "7bit", "8bit", "binary":
                return Array(body)
            default:
                mail.problems.append("\(label): unknown transfer encoding \"\(encoding.prefix(40))\"; body kept as is")
                return Array(body)
            }
        }

        private static func normaliseLineEndings(_ text: String) -> String {
            guard text.utf8.contains(0x0D) else { return text }
            // Byte by byte: CRLF and a lone CR both become LF.
            var out: [UInt8] = []
            out.reserveCapacity(text.utf8.count)
            var afterCR = false
            for byte in text.utf8 {
                if byte == 0x0D {
                    out.append(0x0A)
                    afterCR = true
                } else {
                    if byte != 0x0A || !afterCR { out.append(byte) }
                    afterCR = false
                }
            }
            return String(decoding: out, as: UTF8.self)
        }

        /// Joins the soft line breaks of format=flowed text (RFC 3676): a line ending in a space goes on with
        /// the next line of the same quote depth. Space-stuffing is removed.
        static func unflow(_ text: String, deleteSpace: Bool) -> String {
            var result: [String] = []
            var current: String?
            var currentDepth = 0
            for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
                var line = Substring(rawLine)
                let depth = line.prefix { $0 == ">" }.count
                line = line.dropFirst(depth)
                if line.hasPrefix(" ") { line = line.dropFirst() }
                let prefix = depth > 0 ? String(repeating: ">", count: depth) + " " : ""
                let isSignature = line == "-- "
                let soft = line.hasSuffix(" ") && !isSignature
                var content = String(line)
                if soft && deleteSpace { content.removeLast() }
                if let open = current, currentDepth == depth {
                    current = open + content
                } else {
                    if let open = current { result.append(open) }
                    current = prefix + content
                    currentDepth = depth
                }
                if !soft, let open = current {
                    result.append(open)
                    current = nil
                }
            }
            if let open = current { result.append(open) }
            return result.joined(separator: "\n")
        }

        /// A file name that is safe to store: the last path component, without control or direction-changing
        /// characters, without leading dots, at most 200 characters with the extension kept; nil if nothing
        /// is left.
        static func sanitisedFilename(_ raw: String?) -> String? {
            guard let raw else { return nil }
            let lastComponent = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
            var scalars = String.UnicodeScalarView()
            for scalar in lastComponent.unicodeScalars {
                let value = scalar.value
                let bad =
                    value < 0x20 || (value >= 0x7F && value < 0xA0) || (0x202A...0x202E).contains(value)
                    || (0x2066...0x2069).contains(value) || value == 0x200E || value == 0x200F || value == 0xFEFF
                    || scalar == ":" || scalar == "\"" || scalar == "*" || scalar == "?" || scalar == "<"
                    || scalar == ">" || scalar == "|"
                scalars.append(bad ? "_" : scalar)
            }
            var name = String(scalars).trimmedSpaces
            while name.hasPrefix(".") { name.removeFirst() }
            name = name.trimmedSpaces
            if name.count > 200 {
                let dot = name.lastIndex(of: ".")
                let ext = dot.map { String(name[$0...]) } ?? ""
                name = String(name.prefix(200 - min(ext.count, 20))) + ext.prefix(20)
            }
            return name.isEmpty || name.allSatisfy({ $0 == "_" }) ? nil : name
        }

        // MARK: Result

        private mutating func finish() {
            let plain = plainTexts.filter { !$0.isBlank }
            if !htmls.isEmpty { mail.html = htmls.joined(separator: "\n") }
            if !plain.isEmpty {
                mail.text = plain.joined(separator: "\n")
            } else if let html = mail.html {
                mail.text = HTMLText.plainText(html)
            }
            while let last = mail.text.last, last.isWhitespace { mail.text.removeLast() }
            mail.newText = ReplyText.newText(mail.text)
        }
    }
}
