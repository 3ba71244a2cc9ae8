import Foundation

/// What someone typed into a knowledge-base search box, read the way PostgreSQL's
/// `websearch_to_tsquery` reads it: words must all be present, `"quoted words"` must appear together,
/// `-word` must be absent, and `or` separates alternatives (`refund card or gift voucher` finds
/// articles with refund and card, or with gift and voucher).
///
/// Only runs of letters and digits survive, lower-cased, so no character typed (`"`, `*`, `(`, `:`,
/// `NEAR`, emoji) can reach a search engine's syntax. Both databases search with the text this
/// renders: ``fts5(everyWord:)`` for SQLite, ``websearch(everyWord:)`` for PostgreSQL.
public struct SearchQuery: Sendable, Equatable {
    /// A word, or words that must appear next to each other.
    public enum Term: Sendable, Equatable, Hashable {
        case word(String)
        case phrase([String])

        var words: [String] {
            switch self {
            case .word(let word): [word]
            case .phrase(let words): words
            }
        }
    }

    /// A result matches one alternative when it holds every term of it.
    public private(set) var alternatives: [[Term]] = []
    /// Terms no result may hold.
    public private(set) var excluded: [Term] = []

    /// Text beyond this many characters is not read.
    public static let maximumLength = 500
    /// Terms beyond this many are dropped.
    public static let maximumTerms = 32
    /// Longer runs of letters are not words anyone searches for (PostgreSQL ignores them too).
    static let maximumWordLength = 100

    public init(_ text: String) {
        var alternatives: [[Term]] = [[]]
        var excluded: [Term] = []
        var count = 0
        func add(_ term: Term?, negated: Bool) {
            guard let term, count < Self.maximumTerms else { return }
            count += 1
            if negated {
                if !excluded.contains(term) { excluded.append(term) }
            } else if !alternatives[alternatives.count - 1].contains(term) {
                alternatives[alternatives.count - 1].append(term)
            }
        }
        var characters = Substring(text.prefix(Self.maximumLength))
        while let first = characters.first {
            if first.isWhitespace {
                characters = characters.dropFirst()
                continue
            }
            var negated = false
            if first == "-" {
                negated = true
                characters = characters.dropFirst()
            }
            if characters.first == "\"" {
                let rest = characters.dropFirst()
                let end = rest.firstIndex(of: "\"") ?? rest.endIndex
                add(Self.term(Self.words(rest[..<end])), negated: negated)
                characters = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
                continue
            }
            let end = characters.firstIndex { $0.isWhitespace || $0 == "\"" } ?? characters.endIndex
            let token = characters[..<end]
            characters = characters[end...]
            if !negated && token.lowercased() == "or" {
                if !alternatives[alternatives.count - 1].isEmpty { alternatives.append([]) }
                continue
            }
            // Words joined by a hyphen or an apostrophe ("two-hour", "don't") must appear together;
            // other punctuation ("refund/return", "title:refund") separates words that each must appear.
            for piece in token.split(whereSeparator: { !($0.isLetter || $0.isNumber || Self.joiners.contains($0)) }) {
                add(Self.term(Self.words(piece)), negated: negated)
            }
        }
        self.alternatives = alternatives.filter { !$0.isEmpty }
        self.excluded = excluded
    }

    /// Whether nothing is left to search for (only stop words, punctuation or exclusions were typed).
    public var isEmpty: Bool { alternatives.isEmpty }

    /// The distinct words a result must or may hold, in the order typed, without stop words.
    public var words: [String] {
        var seen = Set<String>()
        return alternatives.joined().flatMap(\.words).filter {
            !Self.stopwords.contains($0) && seen.insert($0).inserted
        }
    }

    /// Whether asking for any word instead of every word could find more.
    public var canWiden: Bool { words.count > 1 }

    /// An SQLite FTS5 `MATCH` expression. Each word is a quoted string, so FTS5 reads it as text and
    /// never as syntax; with `everyWord` false, a result needs only one of the words.
    public func fts5(everyWord: Bool = true) -> String {
        func quoted(_ term: Term) -> String { "\"" + term.words.joined(separator: " ") + "\"" }
        var expression: String
        if everyWord {
            expression = alternatives.map { "(" + $0.map(quoted).joined(separator: " AND ") + ")" }.joined(
                separator: " OR ")
        } else {
            expression = words.map { quoted(.word($0)) }.joined(separator: " OR ")
        }
        if !excluded.isEmpty {
            expression = "(" + expression + ") NOT (" + excluded.map(quoted).joined(separator: " OR ") + ")"
        }
        return expression
    }

    /// Text for PostgreSQL's `websearch_to_tsquery`, holding only words, quotes, `-` and `or`. With
    /// `everyWord` false, a result needs only one of the words.
    public func websearch(everyWord: Bool = true) -> String {
        func text(_ term: Term) -> String {
            switch term {
            case .word(let word): word
            case .phrase(let words): "\"" + words.joined(separator: " ") + "\""
            }
        }
        // websearch_to_tsquery binds "-" to its word and "or" loosest, so exclusions are repeated
        // in every alternative.
        let exclusions = excluded.map { " -" + text($0) }.joined()
        let alternatives = everyWord ? alternatives : words.map { [Term.word($0)] }
        return alternatives.map { $0.map(text).joined(separator: " ") + exclusions }.joined(separator: " or ")
    }

    /// Characters that join two words into one expression.
    static let joiners: Set<Character> = ["-", "'", "’", "‐", "‑"]

    /// Lower-cased runs of letters and digits.
    static func words(_ text: Substring) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init).filter {
            $0.count <= maximumWordLength
        }
    }

    /// A single word or a phrase; nil when only stop words (which PostgreSQL ignores) or nothing is left.
    static func term(_ words: [String]) -> Term? {
        guard words.contains(where: { !stopwords.contains($0) }) else { return nil }
        return words.count == 1 ? .word(words[0]) : .phrase(words)
    }

    /// PostgreSQL's English stop words (`tsearch_data/english.stop`), left out on SQLite too, so that
    /// "how do I return it" asks for the same thing on both databases.
    public static let stopwords: Set<String> = [
        "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours", "yourself",
        "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its", "itself", "they",
        "them", "their", "theirs", "themselves", "what", "which", "who", "whom", "this", "that", "these", "those",
        "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "having", "do", "does", "did",
        "doing", "a", "an", "the", "and", "but", "if", "or", "because", "as", "until", "while", "of", "at", "by",
        "for", "with", "about", "against", "between", "into", "through", "during", "before", "after", "above",
        "below", "to", "from", "up", "down", "in", "out", "on", "off", "over", "under", "again", "further", "then",
        "once", "here", "there", "when", "where", "why", "how", "all", "any", "both", "each", "few", "more", "most",
        "other", "some", "such", "no", "nor", "not", "only", "own", "same", "so", "than", "too", "very", "s", "t",
        "can", "will", "just", "don", "should", "now",
    ]
}
