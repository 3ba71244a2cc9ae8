import Foundation

/// One header of a MIME entity as read from the bytes: unfolded, not yet decoded from encoded words.
struct RawHeader: Sendable, Equatable {
    var name: String
    /// Lower-cased name, for looking headers up.
    var key: String
    /// The unfolded value as text, with encoded words still encoded; structured headers are read from this.
    var value: String
}

/// A MIME entity (a whole message or one part of it): its headers and where its body lies in the bytes.
struct RawEntity: Sendable {
    var headers: [RawHeader]
    var body: Range<Int>

    /// The raw value of the first header with this lower-case name.
    func value(_ key: String) -> String? {
        headers.first { $0.key == key }?.value
    }
}

/// Header sections: splitting them from the body, unfolding, encoded words (RFC 2047) and parameters
/// (RFC 2045 and RFC 2231).
enum MIMEHeaders {
    /// The end of the line that starts at `start` (the index of its "\n", or `end`).
    static func lineEnd(_ bytes: [UInt8], from start: Int, to end: Int) -> Int {
        var index = start
        while index < end && bytes[index] != 0x0A { index += 1 }
        return index
    }

    /// Splits the entity in `range` into headers and body. Accepts CRLF and LF; a line that is no header
    /// before the blank line starts the body (problem noted); a leading mbox "From " line is skipped.
    static func entity(_ bytes: [UInt8], _ range: Range<Int>, problems: inout [String], label: String) -> RawEntity {
        let end = min(range.upperBound, bytes.count)
        var position = max(0, range.lowerBound)
        var headers: [RawHeader] = []
        var currentName: String?
        var currentValue: [UInt8] = []
        var bodyStart = end
        var lossy = false
        func finish() {
            guard let name = currentName else { return }
            let (value, wasLossy) = headerText(currentValue)
            lossy = lossy || wasLossy
            headers.append(RawHeader(name: name, key: name.lowercased(), value: value))
            currentName = nil
            currentValue = []
        }
        var first = true
        while position < end {
            let newline = lineEnd(bytes, from: position, to: end)
            var contentEnd = newline
            if contentEnd > position && bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let next = min(newline + 1, end)
            defer { first = false }
            if contentEnd == position {
                bodyStart = next
                break
            }
            let lead = bytes[position]
            if lead == 0x20 || lead == 0x09 {
                if currentName != nil {
                    currentValue.append(contentsOf: bytes[position..<contentEnd])
                } else {
                    problems.append("\(label): a continuation line without a header before it was skipped")
                }
                position = next
                continue
            }
            var colon = position
            while colon < contentEnd && bytes[colon] != UInt8(ascii: ":") { colon += 1 }
            var nameEnd = colon
            while nameEnd > position && (bytes[nameEnd - 1] == 0x20 || bytes[nameEnd - 1] == 0x09) { nameEnd -= 1 }
            let validName =
                colon < contentEnd && nameEnd > position
                && bytes[position..<nameEnd].allSatisfy { $0 > 0x20 && $0 < 0x7F }
            if validName {
                finish()
                currentName = String(decoding: bytes[position..<nameEnd], as: UTF8.self)
                var valueStart = colon + 1
                while valueStart < contentEnd && (bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09) {
                    valueStart += 1
                }
                currentValue = Array(bytes[valueStart..<contentEnd])
                position = next
                continue
            }
            if first && contentEnd - position >= 5 && bytes[position..<position + 5].elementsEqual("From ".utf8) {
                position = next
                continue
            }
            if headers.isEmpty && currentName == nil {
                problems.append("\(label): no headers found; everything was read as the body")
            } else {
                problems.append("\(label): the headers ended without a blank line; the rest was read as the body")
            }
            bodyStart = position
            break
        }
        finish()
        if lossy { problems.append("\(label): a header had 8-bit bytes that are not UTF-8, read as Latin-1") }
        return RawEntity(headers: headers, body: bodyStart..<max(bodyStart, end))
    }

    /// The header bytes as text (UTF-8 when valid, else Latin-1), with control characters made spaces.
    /// The flag tells whether Latin-1 was needed.
    private static func headerText(_ bytes: [UInt8]) -> (String, Bool) {
        var text: String
        var lossy = false
        if bytes.allSatisfy({ $0 < 0x80 }) {
            text = String(decoding: bytes, as: UTF8.self)
        } else if let valid = Charsets.validUTF8(bytes) {
            text = valid
        } else {
            text = Charsets.decode(bytes: bytes, charset: "iso-8859-1").text
            lossy = true
        }
        text = cleanControls(text)
        return (text.trimmedSpaces, lossy)
    }

    /// The text with each control character (tab, line breaks and NUL included) made a space.
    static func cleanControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(isControl(scalar) ? " " : scalar) }
        return String(scalars)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value < 0xA0)
    }

    // MARK: Encoded words (RFC 2047)

    /// The text with its encoded words ("=?charset?B?…?=", "=?charset?Q?…?=") decoded. White space between
    /// two encoded words is dropped, adjacent words in one charset are decoded together (so a character
    /// split across words survives), and anything that only looks like an encoded word is left as it is.
    static func decodeWords(_ text: String, problems: inout [String], label: String) -> String {
        guard text.contains("=?") else { return text }
        let bytes = Array(text.utf8)
        let count = bytes.count
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var pendingSpace: Range<Int>?
        var lastWasWord = false
        var groupCharset = ""
        var groupBytes: [UInt8] = []
        var index = 0
        func flushGroup() {
            guard !groupBytes.isEmpty else { return }
            let (decoded, problem) = Charsets.decode(bytes: groupBytes, charset: groupCharset)
            if let problem { problems.append("\(label): encoded word: \(problem)") }
            out.append(contentsOf: decoded.utf8)
            groupBytes = []
        }
        while index < count {
            if bytes[index] == UInt8(ascii: "="), let word = encodedWord(bytes, at: index) {
                if !lastWasWord, let space = pendingSpace { out.append(contentsOf: bytes[space]) }
                pendingSpace = nil
                if word.charset != groupCharset { flushGroup() }
                groupCharset = word.charset
                groupBytes.append(contentsOf: word.data)
                index = word.end
                lastWasWord = true
                continue
            }
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 {
                let start = index
                while index < count && (bytes[index] == 0x20 || bytes[index] == 0x09) { index += 1 }
                pendingSpace = start..<index
                continue
            }
            flushGroup()
            if let space = pendingSpace { out.append(contentsOf: bytes[space]) }
            pendingSpace = nil
            lastWasWord = false
            out.append(byte)
            index += 1
        }
        flushGroup()
        if let space = pendingSpace { out.append(contentsOf: bytes[space]) }
        return cleanControls(String(decoding: out, as: UTF8.self))
    }

    /// The encoded word starting at `start`, decoded to bytes in its charset, and where it ends; nil when
    /// there is no well-formed one.
    private static func encodedWord(_ bytes: [UInt8], at start: Int) -> (charset: String, data: [UInt8], end: Int)? {
        let count = bytes.count
        guard start + 1 < count, bytes[start] == UInt8(ascii: "="), bytes[start + 1] == UInt8(ascii: "?") else {
            return nil
        }
        var index = start + 2
        let charsetStart = index
        while index < count && bytes[index] != UInt8(ascii: "?") {
            let byte = bytes[index]
            if byte <= 0x20 || byte >= 0x7F || index - charsetStart > 40 { return nil }
            index += 1
        }
        guard index > charsetStart, index + 2 < count, bytes[index + 2] == UInt8(ascii: "?") else { return nil }
        let charset = String(decoding: bytes[charsetStart..<index], as: UTF8.self)
        let encoding = bytes[index + 1] | 0x20
        guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else { return nil }
        let textStart = index + 3
        var textEnd = textStart
        while textEnd + 1 < count && !(bytes[textEnd] == UInt8(ascii: "?") && bytes[textEnd + 1] == UInt8(ascii: "=")) {
            // Real words are at most 75 characters; the limit keeps long junk headers linear.
            if bytes[textEnd] == 0x0A || bytes[textEnd] == 0x0D || textEnd - textStart > 1_000 { return nil }
            textEnd += 1
        }
        guard textEnd + 1 < count else { return nil }
        let text = Array(bytes[textStart..<textEnd])
        let data =
            encoding == UInt8(ascii: "b")
            ? TransferEncoding.base64(text).data : TransferEncoding.quotedPrintable(text, underscoreIsSpace: true).data
        return (Charsets.normalisedName(charset), data, textEnd + 2)
    }

    // MARK: Parameters (RFC 2045, RFC 2231)

    /// A header value with parameters, like Content-Type or Content-Disposition: the value in lower case
    /// ("text/plain") and the parameters by lower-case name, RFC 2231 continuations and charsets resolved.
    static func parameterized(_ raw: String) -> (value: String, parameters: [String: String]) {
        let scalars = Array(raw.unicodeScalars)
        let count = scalars.count
        var index = 0
        var value = String.UnicodeScalarView()
        while index < count && scalars[index] != ";" {
            let scalar = scalars[index]
            if scalar == "(" {
                index = skipComment(scalars, from: index)
                continue
            }
            if scalar != " " && scalar != "\t" && scalar != "\"" { value.append(scalar) }
            index += 1
        }
        var plain: [String: String] = [:]
        // name → sections: index (nil for "name*"), whether percent-encoded, text.
        var extended: [String: [(index: Int, encoded: Bool, text: String)]] = [:]
        while index < count {
            while index < count && (scalars[index] == ";" || scalars[index] == " " || scalars[index] == "\t") {
                index += 1
            }
            var name = String.UnicodeScalarView()
            while index < count && scalars[index] != "=" && scalars[index] != ";" {
                if scalars[index] != " " && scalars[index] != "\t" { name.append(scalars[index]) }
                index += 1
            }
            guard index < count, scalars[index] == "=" else { continue }
            index += 1
            while index < count && (scalars[index] == " " || scalars[index] == "\t") { index += 1 }
            var text = String.UnicodeScalarView()
            if index < count && scalars[index] == "\"" {
                index += 1
                while index < count && scalars[index] != "\"" {
                    if scalars[index] == "\\" && index + 1 < count { index += 1 }
                    text.append(scalars[index])
                    index += 1
                }
                index += 1
                while index < count && scalars[index] != ";" { index += 1 }
            } else {
                while index < count && scalars[index] != ";" {
                    text.append(scalars[index])
                    index += 1
                }
            }
            let key = String(name).lowercased()
            let content = String(text).trimmedSpaces
            guard !key.isEmpty else { continue }
            if let star = key.firstIndex(of: "*") {
                let base = String(key[..<star])
                var rest = key[key.index(after: star)...]
                let encoded = rest.hasSuffix("*") || rest.isEmpty
                if rest.hasSuffix("*") { rest = rest.dropLast() }
                let section = rest.isEmpty ? 0 : Int(rest.prefix(4))
                if let section, (extended[base]?.count ?? 0) < 500 {
                    extended[base, default: []].append((section, encoded, content))
                }
            } else if plain[key] == nil {
                plain[key] = content
            }
        }
        for (name, sections) in extended {
            plain[name] = assemble(sections.sorted { $0.index < $1.index })
        }
        return (String(value).lowercased(), plain)
    }

    /// Joins RFC 2231 sections: the first names the charset ("utf-8''%C3%A9t%C3%A9.pdf"), encoded sections
    /// are percent-decoded, and the bytes are read in that charset.
    private static func assemble(_ sections: [(index: Int, encoded: Bool, text: String)]) -> String {
        var charset: String?
        var bytes: [UInt8] = []
        for (position, section) in sections.enumerated() {
            var text = Substring(section.text)
            if position == 0 && section.encoded {
                let parts = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                if parts.count == 3 {
                    charset = String(parts[0])
                    text = parts[2]
                }
            }
            bytes.append(contentsOf: section.encoded ? percentDecoded(Array(text.utf8)) : Array(text.utf8))
        }
        return Charsets.decode(bytes: bytes, charset: charset ?? "utf-8").text
    }

    private static func percentDecoded(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = TransferEncoding.hexValue(bytes[index + 1]),
                let low = TransferEncoding.hexValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    /// The index just past the comment that starts at `start`, allowing nesting and escapes.
    static func skipComment(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var depth = 0
        var index = start
        while index < scalars.count {
            switch scalars[index] {
            case "\\": index += 1
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth == 0 { return index + 1 }
            default: break
            }
            index += 1
        }
        return scalars.count
    }

    /// The message ids ("<…>") in a Message-ID, In-Reply-To or References value, without brackets; ids
    /// written without brackets are taken when they hold an "@".
    static func messageIDs(_ raw: String) -> [String] {
        var ids: [String] = []
        var rest = Substring(raw)
        var sawBracket = false
        while let open = rest.firstIndex(of: "<") {
            sawBracket = true
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: ">") else { break }
            let id = after[..<close].filter { !$0.isWhitespace }
            if !id.isEmpty && ids.count < 500 { ids.append(String(id)) }
            rest = after[after.index(after: close)...]
        }
        if !sawBracket {
            for token in raw.split(whereSeparator: { $0.isWhitespace || $0 == "," }) where token.contains("@") {
                if ids.count < 500 { ids.append(String(token)) }
            }
        }
        return ids
    }
}
