import Foundation

/// Reads address headers (From, To, Cc, Reply-To) of inbound mail, leniently: "Name" <a@b>, Name <a@b>,
/// a@b (Name), groups ("undisclosed-recipients:;", "team: a@b, c@d;"), encoded-word names, and the common
/// mistake of an unquoted comma in a name ("Doe, Dee <dee@example.com>").
enum AddressList {
    private enum Token {
        case word(String, quoted: Bool)
        case comment(String)
        case angle(String)
        case comma, semicolon, colon
    }

    /// The mailboxes in a raw (not yet decoded) address header value, in order. Entries that hold no address
    /// are skipped and noted.
    static func parse(_ raw: String, problems: inout [String], label: String) -> [MailAddress] {
        let tokens = tokenize(raw)
        var result: [MailAddress] = []
        var phrase: [String] = []
        var bare: [String] = []
        var comment: String?
        var angle: String?
        var orphan: String?
        func finish() {
            defer {
                phrase = []
                bare = []
                comment = nil
                angle = nil
            }
            if let address = angle?.filter({ !$0.isWhitespace }) {
                let withoutRoute = address.split(separator: ":").last.map(String.init) ?? address
                guard !withoutRoute.isEmpty else { return }
                var name = phrase.isEmpty ? comment : displayName(phrase, problems: &problems, label: label)
                if let first = orphan {
                    name = name.map { "\(first), \($0)" } ?? first
                    orphan = nil
                }
                if result.count < 1000 { result.append(MailAddress(name: name, address: withoutRoute)) }
                return
            }
            if let first = orphan {
                problems.append("\(label): \"\(first.prefix(60))\" is not an address and was skipped")
                orphan = nil
            }
            guard !bare.isEmpty else { return }
            let address = bare.joined()
            if address.contains("@") {
                let name = comment.map { MIMEHeaders.decodeWords($0, problems: &problems, label: label) }
                if result.count < 1000 { result.append(MailAddress(name: name, address: address)) }
            } else {
                orphan = displayName(phrase, problems: &problems, label: label)
            }
        }
        for token in tokens {
            switch token {
            case .word(let text, let quoted):
                phrase.append(text)
                if !quoted { bare.append(text) }
            case .comment(let text):
                let trimmed = text.trimmedSpaces
                if comment == nil && !trimmed.isEmpty { comment = trimmed }
            case .angle(let text):
                if angle == nil { angle = text }
            case .colon:
                if angle == nil {
                    phrase = []
                    bare = []
                    comment = nil
                }
            case .comma, .semicolon:
                finish()
            }
        }
        finish()
        if let first = orphan {
            problems.append("\(label): \"\(first.prefix(60))\" is not an address and was skipped")
        }
        return result
    }

    private static func displayName(_ words: [String], problems: inout [String], label: String) -> String? {
        let name = MIMEHeaders.decodeWords(words.joined(separator: " "), problems: &problems, label: label)
            .trimmedSpaces
        return name.isEmpty ? nil : name
    }

    private static func tokenize(_ raw: String) -> [Token] {
        let scalars = Array(raw.unicodeScalars)
        let count = scalars.count
        var tokens: [Token] = []
        var index = 0
        while index < count {
            let scalar = scalars[index]
            switch scalar {
            case " ", "\t", "\r", "\n":
                index += 1
            case ",":
                tokens.append(.comma)
                index += 1
            case ";":
                tokens.append(.semicolon)
                index += 1
            case ":":
                tokens.append(.colon)
                index += 1
            case "\"":
                var text = String.UnicodeScalarView()
                index += 1
                while index < count && scalars[index] != "\"" {
                    if scalars[index] == "\\" && index + 1 < count { index += 1 }
                    text.append(scalars[index])
                    index += 1
                }
                index += 1
                tokens.append(.word(String(text), quoted: true))
            case "(":
                let end = MIMEHeaders.skipComment(scalars, from: index)
                let inner = scalars[min(index + 1, end)..<max(index + 1, end - 1)]
                var text = String.UnicodeScalarView()
                text.append(contentsOf: inner.filter { $0 != "\\" })
                tokens.append(.comment(String(text)))
                index = end
            case "<":
                var text = String.UnicodeScalarView()
                index += 1
                while index < count && scalars[index] != ">" {
                    text.append(scalars[index])
                    index += 1
                }
                index += 1
                tokens.append(.angle(String(text)))
            case ">", ")":
                index += 1
            default:
                var text = String.UnicodeScalarView()
                while index < count && !" \t\r\n,;:\"(<>)".unicodeScalars.contains(scalars[index]) {
                    text.append(scalars[index])
                    index += 1
                }
                tokens.append(.word(String(text), quoted: false))
            }
        }
        return tokens
    }
}
