import Foundation

/// Turns Markdown that a person wrote into HTML that is safe to put in a page.
public enum SafeMarkdown {
    /// HTML for Markdown a person wrote. Every character of input is HTML-escaped before it reaches
    /// the output, so raw HTML (<script>, <img onerror=…>, <a onclick=…>) is shown as text, never run;
    /// only the tags this renderer emits appear. Links keep only http:, https:, mailto: and
    /// relative/anchor (#…) targets; any other scheme (javascript:, data:, vbscript:, also with mixed
    /// case, leading spaces or entities/control chars) is rendered as plain text.
    ///
    /// It knows paragraphs, headings (# gives <h3>, ## <h4>, deeper <h5>, since the page already has
    /// h1 and h2), lists with - or * and numbered lists, blockquotes, fenced code blocks, a rule
    /// (---), inline `code`, **bold**, *italic* or _italic_ and [text](url) links.
    public static func html(_ markdown: String) -> String {
        let lines = markdown.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .components(separatedBy: "\n")
        return blocks(lines).joined(separator: "\n")
    }

    /// Escapes text for HTML content and for attribute values in double or single quotes.
    public static func escape(_ text: String) -> String {
        // Scalar by scalar, so a quote or bracket joined to a combining mark is escaped too.
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The link target to emit for `destination`, or nil when it is not one this renderer allows:
    /// http:, https:, mailto:, or a relative path or anchor with no scheme at all.
    public static func safeURL(_ destination: String) -> String? {
        let url = destination.trimmingCharacters(in: .whitespaces)
        guard !url.isEmpty else { return nil }
        // The target is judged with character references decoded ("&#106;avascript:"), so nothing
        // hides behind them. Whitespace and control characters inside it are refused outright:
        // browsers drop tabs and line breaks before they read the scheme ("java&#9;script:").
        let decoded = decodeReferences(url)
        for scalar in decoded.unicodeScalars {
            if scalar.value < 0x21 || scalar.value == 0x7F || CharacterSet.whitespacesAndNewlines.contains(scalar)
                || CharacterSet.controlCharacters.contains(scalar)
            {
                return nil
            }
        }
        // A colon before any / ? or # ends a scheme, as browsers read it: scalar by scalar, so a
        // combining mark after the colon cannot hide it.
        let scalars = decoded.unicodeScalars
        if let colon = scalars.firstIndex(of: ":") {
            let beforeColon = scalars[..<colon]
            if !beforeColon.contains(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
                let scheme = String(String.UnicodeScalarView(beforeColon)).lowercased()
                guard ["http", "https", "mailto"].contains(scheme) else { return nil }
            }
        }
        return url
    }

    // MARK: - Blocks

    private enum ListKind: Equatable {
        case bullet
        case ordered
    }

    /// How deep blockquotes nest; deeper ">" marks are shown as text.
    private static let maxQuoteDepth = 8

    private static func blocks(_ lines: [String], depth: Int = 0) -> [String] {
        var out: [String] = []
        var paragraph: [String] = []
        var index = 0

        func flushParagraph() {
            if !paragraph.isEmpty {
                out.append("<p>" + inline(paragraph.joined(separator: " ")) + "</p>")
                paragraph = []
            }
        }

        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                flushParagraph()
                index += 1
            } else if let fence = fenceMarker(line) {
                flushParagraph()
                var code: [String] = []
                index += 1
                while index < lines.count {
                    if lines[index].trimmingCharacters(in: .whitespaces).hasPrefix(fence) { break }
                    code.append(lines[index])
                    index += 1
                }
                index += 1  // the closing fence, or past the end
                out.append("<pre><code>" + escape(code.joined(separator: "\n")) + "</code></pre>")
            } else if let (level, text) = heading(line) {
                flushParagraph()
                let tag = level == 1 ? "h3" : level == 2 ? "h4" : "h5"
                out.append("<\(tag)>" + inline(text) + "</\(tag)>")
                index += 1
            } else if isRule(line) {
                flushParagraph()
                out.append("<hr>")
                index += 1
            } else if depth < maxQuoteDepth, quoteContent(line) != nil {
                flushParagraph()
                var quoted: [String] = []
                while index < lines.count, let content = quoteContent(lines[index]) {
                    quoted.append(content)
                    index += 1
                }
                out.append(
                    "<blockquote>\n" + blocks(quoted, depth: depth + 1).joined(separator: "\n") + "\n</blockquote>")
            } else if let (kind, start, _) = listItem(line) {
                flushParagraph()
                var items: [String] = []
                while index < lines.count {
                    let current = lines[index]
                    if let (itemKind, _, text) = listItem(current), itemKind == kind {
                        items.append(text)
                        index += 1
                    } else if current.trimmingCharacters(in: .whitespaces).isEmpty {
                        // A blank line ends the list unless the next line is another item of it.
                        var next = index + 1
                        while next < lines.count, lines[next].trimmingCharacters(in: .whitespaces).isEmpty {
                            next += 1
                        }
                        guard next < lines.count, let (nextKind, _, _) = listItem(lines[next]), nextKind == kind
                        else { break }
                        index = next
                    } else if current.first == " " || current.first == "\t", !items.isEmpty,
                        !startsBlock(current)
                    {
                        // An indented line continues the item above it.
                        items[items.count - 1] += " " + current.trimmingCharacters(in: .whitespaces)
                        index += 1
                    } else {
                        break
                    }
                }
                let tag = kind == .bullet ? "ul" : "ol"
                let startAttribute = kind == .ordered && start != 1 ? " start=\"\(start)\"" : ""
                out.append(
                    "<\(tag)\(startAttribute)>\n" + items.map { "<li>" + inline($0) + "</li>" }.joined(separator: "\n")
                        + "\n</\(tag)>")
            } else {
                paragraph.append(trimmed)
                index += 1
            }
        }
        flushParagraph()
        return out
    }

    /// Whether a line starts a block other than a paragraph.
    private static func startsBlock(_ line: String) -> Bool {
        fenceMarker(line) != nil || heading(line) != nil || isRule(line) || quoteContent(line) != nil
            || listItem(line) != nil
    }

    /// Up to three spaces of indentation, as Markdown allows before a block marker; nil when more.
    private static func unindented(_ line: String) -> Substring? {
        let spaces = line.prefix { $0 == " " }.count
        return spaces <= 3 ? line.dropFirst(spaces) : nil
    }

    /// "```" or "~~~" (or longer) when the line opens a fenced code block.
    private static func fenceMarker(_ line: String) -> String? {
        guard let rest = unindented(line) else { return nil }
        for mark in ["`", "~"] {
            let run = rest.prefix { String($0) == mark }.count
            if run >= 3 { return String(repeating: mark, count: run) }
        }
        return nil
    }

    private static func heading(_ line: String) -> (Int, String)? {
        guard let rest = unindented(line) else { return nil }
        let level = rest.prefix { $0 == "#" }.count
        guard (1...6).contains(level) else { return nil }
        let after = rest.dropFirst(level)
        guard after.isEmpty || after.first == " " || after.first == "\t" else { return nil }
        var text = after.trimmingCharacters(in: .whitespaces)
        // An optional closing run of #, after a space: "## Title ##".
        let closing = text.reversed().prefix { $0 == "#" }.count
        if closing > 0 {
            let body = text.dropLast(closing)
            if body.isEmpty || body.last == " " { text = body.trimmingCharacters(in: .whitespaces) }
        }
        return (level, text)
    }

    private static func isRule(_ line: String) -> Bool {
        guard let rest = unindented(line) else { return false }
        let marks = rest.filter { $0 != " " && $0 != "\t" }
        guard marks.count >= 3, let first = marks.first, "-*_".contains(first) else { return false }
        return marks.allSatisfy { $0 == first }
    }

    /// The line without its ">" marker (and one space after it), when it is part of a blockquote.
    private static func quoteContent(_ line: String) -> String? {
        guard let rest = unindented(line), rest.first == ">" else { return nil }
        var content = rest.dropFirst()
        if content.first == " " { content = content.dropFirst() }
        return String(content)
    }

    /// A list item's kind, its number (for numbered items) and its text.
    private static func listItem(_ line: String) -> (ListKind, Int, String)? {
        guard let rest = unindented(line), let first = rest.first else { return nil }
        if first == "-" || first == "*" || first == "+" {
            let after = rest.dropFirst()
            guard after.first == " " || after.first == "\t" else { return nil }
            return (.bullet, 1, after.trimmingCharacters(in: .whitespaces))
        }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard (1...9).contains(digits.count) else { return nil }
        let after = rest.dropFirst(digits.count)
        guard after.first == "." || after.first == ")" else { return nil }
        let text = after.dropFirst()
        guard text.first == " " || text.first == "\t" else { return nil }
        return (.ordered, Int(digits) ?? 1, text.trimmingCharacters(in: .whitespaces))
    }

    // MARK: - Inline

    /// A line of inline Markdown, with where each bracket, parenthesis, code span and emphasis closer
    /// is worked out in one pass beforehand, so rendering stays linear however many marks go unmatched.
    private struct InlineScan {
        let chars: [Character]
        /// For each "[" (not escaped), the "]" that closes it.
        var closingBracket: [Int: Int] = [:]
        /// For each "(", the ")" that closes it.
        var closingParen: [Int: Int] = [:]
        /// For each run of backticks that opens a code span, where its closing run starts.
        var codeSpanEnd: [Int: Int] = [:]
        /// Positions inside code spans, where emphasis never closes.
        var inCode: [Bool]
        /// The places where emphasis of each mark and length may close, in order.
        var closers: [String: [Int]] = [:]

        init(_ text: String) {
            chars = Array(text)
            inCode = Array(repeating: false, count: chars.count)
            var brackets: [Int] = []
            var parens: [Int] = []
            var runsByLength: [Int: [Int]] = [:]
            var runs: [(start: Int, length: Int)] = []
            var index = 0
            while index < chars.count {
                let character = chars[index]
                if character == "\\" && index + 1 < chars.count && SafeMarkdown.isEscapable(chars[index + 1]) {
                    index += 2
                    continue
                }
                switch character {
                case "[": brackets.append(index)
                case "]": if let open = brackets.popLast() { closingBracket[open] = index }
                case "(": parens.append(index)
                case ")": if let open = parens.popLast() { closingParen[open] = index }
                case "`":
                    let length = SafeMarkdown.countRun(chars, from: index, of: "`")
                    runsByLength[length, default: []].append(runs.count)
                    runs.append((index, length))
                    index += length
                    continue
                default: break
                }
                index += 1
            }
            // Code spans, left to right: a run of backticks closes at the next run of the same length.
            var nextSameLength: [Int: Int] = [:]
            for positions in runsByLength.values {
                for (current, next) in zip(positions, positions.dropFirst()) { nextSameLength[current] = next }
            }
            var run = 0
            while run < runs.count {
                guard let closing = nextSameLength[run] else {
                    run += 1
                    continue
                }
                codeSpanEnd[runs[run].start] = runs[closing].start
                for position in runs[run].start..<(runs[closing].start + runs[closing].length) {
                    inCode[position] = true
                }
                run = closing + 1
            }
            for mark: Character in ["*", "_"] {
                for length in 1...2 {
                    closers["\(mark)\(length)"] = chars.indices.filter { isCloser($0, mark: mark, length: length) }
                }
            }
        }

        /// Whether emphasis of `mark` × `length` may close at `index`: the marks follow a non-space,
        /// are not in code, and (for `_`) do not continue a word; a single mark is not part of a run.
        private func isCloser(_ index: Int, mark: Character, length: Int) -> Bool {
            guard index > 0, index + length <= chars.count, !inCode[index] else { return false }
            guard chars[index..<(index + length)].allSatisfy({ $0 == mark }), !chars[index - 1].isWhitespace
            else { return false }
            let after = index + length
            let wordAfter = after < chars.count && (chars[after].isLetter || chars[after].isNumber)
            if mark == "_" && wordAfter { return false }
            if length == 1 && ((after < chars.count && chars[after] == mark) || chars[index - 1] == mark) {
                return false
            }
            return true
        }

        /// Where the emphasis opened at `start` closes. An opener is followed by a non-space; `_` only
        /// opens at the start of a word, so snake_case names stay as written.
        func closingEmphasis(from start: Int, mark: Character, length: Int) -> Int? {
            let contentStart = start + length
            guard contentStart < chars.count, !chars[contentStart].isWhitespace,
                chars[contentStart] != mark || length == 2
            else { return nil }
            if mark == "_", start > 0, chars[start - 1].isLetter || chars[start - 1].isNumber { return nil }
            guard let candidates = closers["\(mark)\(length)"] else { return nil }
            // The first closer after the first character of the content.
            var low = 0
            var high = candidates.count
            while low < high {
                let middle = (low + high) / 2
                if candidates[middle] < contentStart + 1 { low = middle + 1 } else { high = middle }
            }
            return low < candidates.count ? candidates[low] : nil
        }

        /// A `[label](destination)` link starting at `start`: its label, destination and where it ends.
        func link(from start: Int) -> (String, String, Int)? {
            guard let close = closingBracket[start], close + 1 < chars.count, chars[close + 1] == "(",
                let end = closingParen[close + 1]
            else { return nil }
            return (String(chars[(start + 1)..<close]), String(chars[(close + 2)..<end]), end + 1)
        }
    }

    private static func inline(_ text: String, links: Bool = true) -> String {
        let scan = InlineScan(text)
        let chars = scan.chars
        var out = ""
        var index = 0
        while index < chars.count {
            let character = chars[index]
            switch character {
            case "\\" where index + 1 < chars.count && isEscapable(chars[index + 1]):
                out += escape(String(chars[index + 1]))
                index += 2
                continue
            case "`":
                let run = countRun(chars, from: index, of: "`")
                if let close = scan.codeSpanEnd[index] {
                    let code = String(chars[(index + run)..<close]).trimmingCharacters(in: .whitespaces)
                    out += "<code>" + escape(code) + "</code>"
                    index = close + run
                } else {
                    out += escape(String(repeating: "`", count: run))
                    index += run
                }
                continue
            case "*", "_":
                let run = countRun(chars, from: index, of: character)
                if run >= 2, let close = scan.closingEmphasis(from: index, mark: character, length: 2) {
                    out += "<strong>" + inline(String(chars[(index + 2)..<close]), links: links) + "</strong>"
                    index = close + 2
                } else if let close = scan.closingEmphasis(from: index, mark: character, length: 1) {
                    out += "<em>" + inline(String(chars[(index + 1)..<close]), links: links) + "</em>"
                    index = close + 1
                } else {
                    out += escape(String(repeating: character, count: run))
                    index += run
                }
                continue
            case "[" where links:
                if let (label, destination, end) = scan.link(from: index) {
                    if let url = safeURL(destination) {
                        out +=
                            "<a href=\"\(escape(url))\" rel=\"nofollow noopener\">"
                            + inline(label, links: false) + "</a>"
                    } else {
                        out += escape(String(chars[index..<end]))
                    }
                    index = end
                    continue
                }
            default:
                break
            }
            out += escape(String(character))
            index += 1
        }
        return out
    }

    /// ASCII punctuation, which a backslash turns into itself: \* is a star, not emphasis.
    private static func isEscapable(_ character: Character) -> Bool {
        character.isASCII && (character.isPunctuation || character.isSymbol)
    }

    private static func countRun(_ chars: [Character], from start: Int, of mark: Character) -> Int {
        var end = start
        while end < chars.count, chars[end] == mark { end += 1 }
        return end - start
    }

    /// The text with HTML character references (&#106; &#x6A; &colon; …) decoded, repeatedly, so a
    /// scheme hidden behind them is seen. Unknown named references decode to a character that is
    /// never part of a scheme.
    private static func decodeReferences(_ text: String) -> String {
        var current = text
        for _ in 0..<4 {
            let next = decodeOnce(current)
            if next == current { return current }
            current = next
        }
        return current
    }

    private static let namedReferences: [String: String] = [
        "colon": ":", "tab": "\t", "newline": "\n", "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'",
        "sol": "/", "num": "#", "quest": "?", "lpar": "(", "rpar": ")", "period": ".", "nbsp": "\u{A0}",
    ]

    private static func decodeOnce(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let afterAmp = rest[rest.index(after: amp)...]
            let name = afterAmp.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "#") }
            var consumed = name.endIndex
            if consumed < afterAmp.endIndex, afterAmp[consumed] == ";" {
                consumed = afterAmp.index(after: consumed)
            }
            if name.hasPrefix("#") {
                let digits = name.dropFirst()
                let value =
                    digits.first == "x" || digits.first == "X"
                    ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
                if let value, let scalar = Unicode.Scalar(value) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += "\u{FFFD}"
                }
                rest = afterAmp[consumed...]
            } else if !name.isEmpty {
                out += namedReferences[name.lowercased()] ?? "\u{FFFD}"
                rest = afterAmp[consumed...]
            } else {
                out += "&"
                rest = afterAmp
            }
        }
        out += rest
        return out
    }
}
