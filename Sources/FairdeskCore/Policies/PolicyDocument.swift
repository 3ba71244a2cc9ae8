import Foundation

/// A policy's text as its owner writes it: an optional preamble, then numbered clauses, each starting
/// with a heading whose first word is its number: "## 4.2 Late deliveries".
public struct PolicyDocument: Sendable, Equatable {
    /// What comes before the first clause: who the policy is for, why it exists. Markdown.
    public var preamble: String
    /// The numbered clauses, in the order they were written.
    public var clauses: [PolicyClause]

    /// A document from its parts.
    public init(preamble: String, clauses: [PolicyClause]) {
        self.preamble = preamble
        self.clauses = clauses
    }

    /// Splits Markdown at headings (any level #…######) whose first word is a clause number ("4",
    /// "4.2", "4.2.1", with an optional trailing dot "4."). The title is the rest of the heading line
    /// (may be empty); the clause text is everything until the next clause heading, trimmed. Headings
    /// that do not start with a number stay inside the text, and so does anything inside a fenced
    /// code block. Text before the first clause is the preamble (trimmed).
    public static func parse(_ markdown: String) -> PolicyDocument {
        let lines = markdown.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .components(separatedBy: "\n")
        var preamble: [String] = []
        var clauses: [(number: String, title: String, lines: [String])] = []
        var fence: String?
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let open = fence {
                if trimmed.hasPrefix(open) { fence = nil }
            } else if let marker = fenceMarker(trimmed) {
                fence = marker
            } else if let (number, title) = clauseHeading(line) {
                clauses.append((number, title, []))
                continue
            }
            if clauses.isEmpty {
                preamble.append(line)
            } else {
                clauses[clauses.count - 1].lines.append(line)
            }
        }
        return PolicyDocument(
            preamble: trim(preamble.joined(separator: "\n")),
            clauses: clauses.map {
                PolicyClause(number: $0.number, title: $0.title, text: trim($0.lines.joined(separator: "\n")))
            })
    }

    /// The document written back as Markdown ("## 4.2 Title" headings), so an owner edits the last
    /// version's text. Parsing it gives this document back.
    public var markdown: String {
        var parts: [String] = []
        if !preamble.isEmpty { parts.append(preamble) }
        for clause in clauses {
            let title = clause.title.trimmingCharacters(in: .whitespaces)
            parts.append(title.isEmpty ? "## \(clause.number)" : "## \(clause.number) \(title)")
            if !clause.text.isEmpty { parts.append(clause.text) }
        }
        return parts.joined(separator: "\n\n")
    }

    /// Whether `word` is a clause number: "4", "4.2", "4.2.1", or one of them with a trailing dot.
    public static func isClauseNumber(_ word: String) -> Bool {
        var body = Substring(word)
        if body.hasSuffix(".") { body = body.dropLast() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        return !parts.isEmpty
            && parts.allSatisfy { part in !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    /// The number (without a trailing dot) and title of a clause heading, or nil for any other line.
    private static func clauseHeading(_ line: String) -> (String, String)? {
        let indent = line.prefix { $0 == " " }.count
        guard indent <= 3 else { return nil }
        let rest = line.dropFirst(indent)
        let level = rest.prefix { $0 == "#" }.count
        guard (1...6).contains(level) else { return nil }
        let afterMarks = rest.dropFirst(level)
        guard afterMarks.first == " " || afterMarks.first == "\t" else { return nil }
        let content = afterMarks.trimmingCharacters(in: .whitespaces)
        let word = String(content.prefix { $0 != " " && $0 != "\t" })
        guard isClauseNumber(word) else { return nil }
        let number = word.hasSuffix(".") ? String(word.dropLast()) : word
        var title = content.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
        // An optional closing run of #: "## 4.2 Late deliveries ##".
        let closing = title.reversed().prefix { $0 == "#" }.count
        if closing > 0, closing == title.count || title.dropLast(closing).last == " " {
            title = title.dropLast(closing).trimmingCharacters(in: .whitespaces)
        }
        return (number, title)
    }

    private static func fenceMarker(_ trimmed: String) -> String? {
        for mark: Character in ["`", "~"] {
            let run = trimmed.prefix { $0 == mark }.count
            if run >= 3 { return String(repeating: mark, count: run) }
        }
        return nil
    }

    private static func trim(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
}
