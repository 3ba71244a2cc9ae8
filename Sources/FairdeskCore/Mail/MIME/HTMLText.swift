import Foundation

/// Turns the HTML of an email into readable plain text. Not a full HTML parser: it is made for mail, is
/// lenient about broken markup, and never fails.
public enum HTMLText {
    /// Readable text for the HTML: script, style and head are dropped; paragraphs, line breaks, divs, table
    /// rows and headings become line breaks, list items become "• " lines, quoted blocks get "> " in front of
    /// each line, entities are decoded and white space is collapsed. Links keep their text; with
    /// `linkURLs` a web link whose text differs from its address is written "text (address)".
    public static func plainText(_ html: String, linkURLs: Bool = true) -> String {
        var converter = Converter(bytes: Array(html.utf8), linkURLs: linkURLs)
        converter.run()
        return converter.result()
    }

    private static let blockTags: Set<String> = [
        "p", "div", "tr", "table", "ul", "ol", "dl", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
        "blockquote", "hr", "section", "article", "header", "footer", "center", "address", "form", "body",
        "html", "tbody", "thead", "nav", "aside", "figure", "caption", "title", "main", "fieldset",
    ]
    private static let paragraphTags: Set<String> = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"]
    private static let skippedTags: Set<String> = ["script", "style", "head", "title", "template", "noscript", "xml"]

    private struct Converter {
        let bytes: [UInt8]
        let linkURLs: Bool
        var out: [UInt8] = []
        var pendingBreaks = 0
        var pendingSpace = false
        var quoteDepth = 0
        var preDepth = 0
        var link: (href: String, textStart: Int)?
        var index = 0

        init(bytes: [UInt8], linkURLs: Bool) {
            self.bytes = bytes
            self.linkURLs = linkURLs
            out.reserveCapacity(bytes.count / 2)
        }

        mutating func run() {
            let count = bytes.count
            while index < count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "<") {
                    tag()
                } else if byte == UInt8(ascii: "&") {
                    entity()
                } else if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                    if preDepth > 0 {
                        if byte == 0x0A {
                            lineBreak(1, force: true)
                        } else if byte != 0x0D {
                            emit(byte: byte)
                        }
                    } else {
                        pendingSpace = true
                    }
                    index += 1
                } else {
                    emit(byte: byte)
                    index += 1
                }
            }
        }

        func result() -> String {
            let text = String(decoding: out, as: UTF8.self)
            var lines: [Substring] = []
            var blank = 0
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                var trimmed = line
                while let last = trimmed.last, last == " " || last == "\u{A0}" { trimmed = trimmed.dropLast() }
                if trimmed.isEmpty || trimmed.allSatisfy({ $0 == ">" || $0 == " " }) {
                    blank += 1
                    if blank > 1 { continue }
                } else {
                    blank = 0
                }
                lines.append(trimmed)
            }
            return lines.joined(separator: "\n").trimmed
        }

        /// Writes text, first the line breaks and the space asked for before it.
        mutating func emit(_ text: [UInt8]) {
            prepare()
            out.append(contentsOf: text)
        }

        /// Writes one byte of text, first the line breaks and the space asked for before it.
        mutating func emit(byte: UInt8) {
            if pendingBreaks == 0 && !pendingSpace && !out.isEmpty {
                out.append(byte)
                return
            }
            prepare()
            out.append(byte)
        }

        /// Writes the line breaks and the space asked for before the next text.
        private mutating func prepare() {
            if pendingBreaks > 0 && !out.isEmpty {
                for _ in 0..<pendingBreaks {
                    out.append(0x0A)
                    appendQuotePrefix()
                }
                pendingSpace = false
            } else if out.isEmpty {
                appendQuotePrefix()
                pendingSpace = false
            }
            pendingBreaks = 0
            if pendingSpace, let last = out.last, last != 0x0A, last != 0x20 { out.append(0x20) }
            pendingSpace = false
        }

        private mutating func appendQuotePrefix() {
            for _ in 0..<min(quoteDepth, 20) { out.append(contentsOf: "> ".utf8) }
        }

        mutating func lineBreak(_ count: Int, force: Bool = false) {
            if force && pendingBreaks >= 1 && count == 1 {
                pendingBreaks += 1
            } else {
                pendingBreaks = max(pendingBreaks, count)
            }
            pendingBreaks = min(pendingBreaks, 2)
            pendingSpace = false
        }

        /// Reads the tag at `index` (just past its ">" afterwards) and acts on it.
        mutating func tag() {
            let count = bytes.count
            let start = index
            if start + 3 < count && bytes[start + 1] == UInt8(ascii: "!") && bytes[start + 2] == UInt8(ascii: "-")
                && bytes[start + 3] == UInt8(ascii: "-")
            {
                index = find(Array("-->".utf8), from: start + 4).map { $0 + 3 } ?? count
                return
            }
            var cursor = start + 1
            var closing = false
            if cursor < count && bytes[cursor] == UInt8(ascii: "/") {
                closing = true
                cursor += 1
            }
            let nameStart = cursor
            while cursor < count && (isAlphaNumeric(bytes[cursor]) || bytes[cursor] == UInt8(ascii: ":")) {
                cursor += 1
            }
            let hasName = cursor > nameStart && bytes[nameStart] > 0x39
            let isDeclaration =
                !closing && cursor == nameStart && cursor < count
                && (bytes[cursor] == UInt8(ascii: "!") || bytes[cursor] == UInt8(ascii: "?"))
            guard hasName || isDeclaration else {
                // A lone "<" is text.
                emit([UInt8(ascii: "<")])
                index = start + 1
                return
            }
            let name = String(decoding: bytes[nameStart..<cursor], as: UTF8.self).lowercased()
            // Find the end of the tag, skipping quoted attribute values.
            var quote: UInt8?
            var end = cursor
            while end < count {
                let byte = bytes[end]
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: ">") {
                    break
                }
                end += 1
            }
            if end >= count, quote != nil {
                // An unclosed quote: end the tag at the first ">" instead.
                end = find([UInt8(ascii: ">")], from: cursor) ?? count
            }
            let attributes = cursor..<min(end, count)
            index = min(end + 1, count)
            handle(name: name, closing: closing, attributes: attributes)
        }

        private mutating func handle(name: String, closing: Bool, attributes: Range<Int>) {
            if !closing && skippedTags.contains(name) {
                if let close = findCaseInsensitive("</\(name)", from: index) {
                    index = find([UInt8(ascii: ">")], from: close).map { $0 + 1 } ?? bytes.count
                } else if name != "head" {
                    index = bytes.count
                }
                return
            }
            switch name {
            case "br":
                lineBreak(1, force: true)
            case "li":
                if !closing {
                    lineBreak(1)
                    emit(Array("• ".utf8))
                    pendingSpace = false
                } else {
                    lineBreak(1)
                }
            case "blockquote":
                lineBreak(1)
                if closing {
                    quoteDepth = max(0, quoteDepth - 1)
                } else {
                    quoteDepth += 1
                }
            case "pre":
                lineBreak(1)
                preDepth = closing ? max(0, preDepth - 1) : preDepth + 1
            case "td", "th":
                if closing { pendingSpace = true }
            case "a":
                if closing {
                    closeLink()
                } else {
                    link = attribute("href", in: attributes).map { ($0, out.count) }
                }
            case "img":
                break
            default:
                if paragraphTags.contains(name) {
                    lineBreak(2)
                } else if blockTags.contains(name) {
                    lineBreak(1)
                }
            }
        }

        private mutating func closeLink() {
            defer { link = nil }
            guard linkURLs, let (href, textStart) = link, textStart <= out.count else { return }
            let lower = href.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), href.count <= 300 else { return }
            let text = String(decoding: out[textStart...], as: UTF8.self).trimmedSpaces
            guard !text.isEmpty else { return }
            let bare = { (value: String) in
                value.lowercased().replacingOccurrences(of: "https://", with: "").replacingOccurrences(
                    of: "http://", with: ""
                ).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            }
            if bare(text) == bare(href) { return }
            emit(Array(" (\(href))".utf8))
        }

        /// The decoded value of an attribute in the tag's attribute bytes.
        private func attribute(_ wanted: String, in range: Range<Int>) -> String? {
            var cursor = range.lowerBound
            let end = range.upperBound
            while cursor < end {
                while cursor < end && !isAlphaNumeric(bytes[cursor]) { cursor += 1 }
                let nameStart = cursor
                while cursor < end && (isAlphaNumeric(bytes[cursor]) || bytes[cursor] == UInt8(ascii: "-")) {
                    cursor += 1
                }
                let name = String(decoding: bytes[nameStart..<cursor], as: UTF8.self).lowercased()
                while cursor < end && bytes[cursor] == 0x20 { cursor += 1 }
                guard cursor < end, bytes[cursor] == UInt8(ascii: "=") else { continue }
                cursor += 1
                while cursor < end && bytes[cursor] == 0x20 { cursor += 1 }
                var valueStart = cursor
                var valueEnd = cursor
                if cursor < end && (bytes[cursor] == UInt8(ascii: "\"") || bytes[cursor] == UInt8(ascii: "'")) {
                    let quote = bytes[cursor]
                    valueStart = cursor + 1
                    valueEnd = valueStart
                    while valueEnd < end && bytes[valueEnd] != quote { valueEnd += 1 }
                    cursor = min(valueEnd + 1, end)
                } else {
                    while valueEnd < end && bytes[valueEnd] != 0x20 && bytes[valueEnd] != UInt8(ascii: ">") {
                        valueEnd += 1
                    }
                    cursor = valueEnd
                }
                if name == wanted {
                    let raw = String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self)
                    return HTMLText.decodeEntities(raw).trimmedSpaces
                }
            }
            return nil
        }

        /// Reads the entity at `index` and writes its character; a lone "&" is text.
        mutating func entity() {
            if let (scalar, length) = HTMLText.entity(bytes, at: index) {
                if scalar == "\u{A0}" || scalar == " " || scalar == "\u{2007}" {
                    if preDepth > 0 { emit([0x20]) } else { pendingSpace = true }
                } else if HTMLText.invisible.contains(scalar.value) {
                    // Soft hyphens and invisible characters are dropped: newsletters pad their hidden preview
                    // text with long runs of them.
                } else {
                    emit(Array(String(scalar).utf8))
                }
                index += length
            } else {
                emit([UInt8(ascii: "&")])
                index += 1
            }
        }

        private func find(_ needle: [UInt8], from start: Int) -> Int? {
            guard !needle.isEmpty, start >= 0 else { return nil }
            var position = start
            while position + needle.count <= bytes.count {
                if bytes[position] == needle[0] && bytes[position..<position + needle.count].elementsEqual(needle) {
                    return position
                }
                position += 1
            }
            return nil
        }

        private func findCaseInsensitive(_ needle: String, from start: Int) -> Int? {
            let lowered = Array(needle.lowercased().utf8)
            guard !lowered.isEmpty, start >= 0 else { return nil }
            var position = start
            while position + lowered.count <= bytes.count {
                var matches = true
                for offset in 0..<lowered.count where bytes[position + offset] | 0x20 != lowered[offset] | 0x20 {
                    matches = false
                    break
                }
                if matches { return position }
                position += 1
            }
            return nil
        }
    }

    /// Characters that show nothing: the soft hyphen, zero-width space and non-joiner, the combining grapheme
    /// joiner, the word joiner and the byte order mark.
    private static let invisible: Set<UInt32> = [0xAD, 0x200B, 0x200C, 0x034F, 0x2060, 0xFEFF]

    private static func isAlphaNumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
    }

    private static let named: [String: UInt32] = [
        "amp": 38, "lt": 60, "gt": 62, "quot": 34, "apos": 39, "nbsp": 0xA0, "copy": 0xA9, "reg": 0xAE,
        "trade": 0x2122, "hellip": 0x2026, "mdash": 0x2014, "ndash": 0x2013, "lsquo": 0x2018, "rsquo": 0x2019,
        "sbquo": 0x201A, "ldquo": 0x201C, "rdquo": 0x201D, "bdquo": 0x201E, "bull": 0x2022, "middot": 0xB7,
        "euro": 0x20AC, "pound": 0xA3, "yen": 0xA5, "cent": 0xA2, "sect": 0xA7, "deg": 0xB0, "plusmn": 0xB1,
        "times": 0xD7, "divide": 0xF7, "laquo": 0xAB, "raquo": 0xBB, "iexcl": 0xA1, "iquest": 0xBF, "shy": 0xAD,
        "zwnj": 0x200C, "zwj": 0x200D, "ensp": 0x2002, "emsp": 0x2003, "thinsp": 0x2009, "para": 0xB6,
        "auml": 0xE4, "ouml": 0xF6, "uuml": 0xFC, "Auml": 0xC4, "Ouml": 0xD6, "Uuml": 0xDC, "szlig": 0xDF,
        "eacute": 0xE9, "egrave": 0xE8, "ecirc": 0xEA, "euml": 0xEB, "Eacute": 0xC9, "Egrave": 0xC8,
        "aacute": 0xE1, "agrave": 0xE0, "acirc": 0xE2, "aring": 0xE5, "Aring": 0xC5, "aelig": 0xE6,
        "AElig": 0xC6, "ccedil": 0xE7, "Ccedil": 0xC7, "iacute": 0xED, "igrave": 0xEC, "icirc": 0xEE,
        "iuml": 0xEF, "ntilde": 0xF1, "Ntilde": 0xD1, "oacute": 0xF3, "ograve": 0xF2, "ocirc": 0xF4,
        "oslash": 0xF8, "Oslash": 0xD8, "otilde": 0xF5, "uacute": 0xFA, "ugrave": 0xF9, "ucirc": 0xFB,
        "yacute": 0xFD, "yuml": 0xFF, "Aacute": 0xC1, "Iacute": 0xCD, "Oacute": 0xD3, "Uacute": 0xDA,
        "rarr": 0x2192, "larr": 0x2190, "hearts": 0x2665, "check": 0x2713, "frac12": 0xBD, "frac14": 0xBC,
        "frac34": 0xBE, "micro": 0xB5, "ordf": 0xAA, "ordm": 0xBA, "sup2": 0xB2, "sup3": 0xB3,
    ]

    /// The entity at `start` ("&amp;", "&#233;", "&#xE9;") and its length in bytes; nil when there is none.
    private static func entity(_ bytes: [UInt8], at start: Int) -> (Unicode.Scalar, Int)? {
        let count = bytes.count
        var cursor = start + 1
        guard cursor < count else { return nil }
        if bytes[cursor] == UInt8(ascii: "#") {
            cursor += 1
            var hex = false
            if cursor < count && (bytes[cursor] | 0x20) == UInt8(ascii: "x") {
                hex = true
                cursor += 1
            }
            var value: UInt32 = 0
            var digits = 0
            while cursor < count, digits < 8 {
                let byte = bytes[cursor]
                let digit: UInt8?
                if hex {
                    digit = TransferEncoding.hexValue(byte)
                } else {
                    digit = byte >= 0x30 && byte <= 0x39 ? byte - 0x30 : nil
                }
                guard let digit else { break }
                value = value * (hex ? 16 : 10) + UInt32(digit)
                digits += 1
                cursor += 1
            }
            guard digits > 0 else { return nil }
            if cursor < count && bytes[cursor] == UInt8(ascii: ";") { cursor += 1 }
            // Windows-1252 numbers in 128–159, which HTML mail often uses for quotes and dashes.
            if value >= 0x80 && value < 0xA0 { return (Charsets.windows1252[Int(value)], cursor - start) }
            let scalar = value == 0 ? nil : Unicode.Scalar(value)
            return (scalar ?? "\u{FFFD}", cursor - start)
        }
        let nameStart = cursor
        while cursor < count && cursor - nameStart < 10 && isAlphaNumeric(bytes[cursor]) { cursor += 1 }
        let name = String(decoding: bytes[nameStart..<cursor], as: UTF8.self)
        let semicolon = cursor < count && bytes[cursor] == UInt8(ascii: ";")
        guard let value = named[name] ?? named[name.lowercased()], let scalar = Unicode.Scalar(value) else {
            return nil
        }
        if semicolon { return (scalar, cursor + 1 - start) }
        return ["amp", "lt", "gt", "quot", "nbsp"].contains(name) ? (scalar, cursor - start) : nil
    }

    /// The text with its HTML entities decoded.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "&"), let (scalar, length) = entity(bytes, at: index) {
                out.append(contentsOf: String(scalar).utf8)
                index += max(1, length)
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
