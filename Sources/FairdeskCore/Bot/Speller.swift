import Foundation

/// Corrects a customer's unknown word to a known word one slip away ("refnud" → "refund",
/// "warrenty" → "warranty"): one letter missing, added, changed, or two letters swapped.
///
/// Lookups use a table of every known word with one letter deleted (the SymSpell idea), so correcting
/// a word costs a few dictionary reads whatever the size of the vocabulary.
public struct Speller: Sendable {
    private let known: Set<String>
    /// The terms of the known words, so "arrives" is left alone because "arrive" is known.
    private let knownTerms: Set<String>
    private let deletions: [String: [String]]

    /// Words shorter than this are left alone: too many short words are one slip from each other.
    static let minimumLength = 5

    public init(vocabulary: Set<String>) {
        known = vocabulary
        knownTerms = Set(vocabulary.map(BotText.term))
        var deletions: [String: [String]] = [:]
        for word in vocabulary.sorted() where word.count >= Self.minimumLength && word.allSatisfy(\.isLetter) {
            for variant in Self.deletionVariants(word) {
                deletions[variant, default: []].append(word)
            }
        }
        self.deletions = deletions
    }

    /// Whether the speller knows `word`.
    public func knows(_ word: String) -> Bool { known.contains(word) }

    /// `word` if it is known or cannot be corrected with confidence, otherwise the known word it was meant to be.
    public func correct(_ word: String) -> String {
        guard word.count >= Self.minimumLength, !known.contains(word), word.allSatisfy(\.isLetter),
            !knownTerms.contains(BotText.term(word))
        else { return word }
        var candidates = Set<String>()
        if let words = deletions[word] { candidates.formUnion(words) }  // a letter was added
        for variant in Self.deletionVariants(word) {
            if known.contains(variant), variant.count >= Self.minimumLength { candidates.insert(variant) }  // missing
            if let words = deletions[variant] { candidates.formUnion(words) }  // changed or swapped
        }
        let close = candidates.filter { Self.isOneSlip(word, $0) }
        // Only an unambiguous correction: two equally close words mean the customer's intent is unclear.
        return close.count == 1 ? close.first! : word
    }

    static func deletionVariants(_ word: String) -> [String] {
        let characters = Array(word)
        var variants: [String] = []
        variants.reserveCapacity(characters.count)
        for index in characters.indices {
            var copy = characters
            copy.remove(at: index)
            variants.append(String(copy))
        }
        return variants
    }

    /// Whether `a` and `b` differ by one insertion, deletion, substitution or swap of neighbours.
    static func isOneSlip(_ a: String, _ b: String) -> Bool {
        let x = Array(a)
        let y = Array(b)
        if x == y { return false }
        if abs(x.count - y.count) > 1 { return false }
        if x.count == y.count {
            let differences = x.indices.filter { x[$0] != y[$0] }
            if differences.count == 1 { return true }
            if differences.count == 2, differences[1] == differences[0] + 1 {
                let i = differences[0]
                return x[i] == y[i + 1] && x[i + 1] == y[i]
            }
            return false
        }
        let (long, short) = x.count > y.count ? (x, y) : (y, x)
        var i = 0
        while i < short.count, long[i] == short[i] { i += 1 }
        return Array(long[(i + 1)...]) == Array(short[i...])
    }
}
