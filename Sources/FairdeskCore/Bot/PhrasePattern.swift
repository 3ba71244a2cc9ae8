import Foundation

/// A phrase to look for in a message's terms, written the way admins and rule writers think of it.
///
/// Words are separated by spaces; `a|b` accepts either word; `*` skips up to four words and `**` up
/// to eight; `#` stands for an order number; a leading `^` ties the phrase to the start of the
/// message. Each word is read through ``BotText`` like the message, so
/// `"talk|speak * to|with * person|human"` matches "Can I speak with a real person?" and
/// `"parcel * not * arrive"` matches "My packages haven't arrived".
public struct PhrasePattern: Sendable, Equatable, Hashable, CustomStringConvertible {
    enum Element: Sendable, Equatable, Hashable {
        case words(Set<String>)
        case gap(Int)
    }

    /// The phrase as written.
    public let description: String
    let elements: [Element]
    /// Whether the phrase must open the message.
    let anchored: Bool
    /// Each word element's terms, to rule a pattern out quickly before trying to place it.
    let required: [Set<String>]

    public init(_ text: String) {
        description = text
        var elements: [Element] = []
        var anchored = false
        for piece in text.split(separator: " ") {
            switch piece {
            case "^" where elements.isEmpty: anchored = true
            case "*": elements.append(.gap(4))
            case "**": elements.append(.gap(8))
            case "#": elements.append(.words([OrderNumbers.placeholder]))
            default:
                var alternatives = Set<String>()
                for word in piece.split(separator: "|") {
                    // A pattern word may itself expand ("isnt" → "is not"); the last term carries the meaning.
                    if let last = BotText.terms(String(word)).last { alternatives.insert(last) }
                }
                if !alternatives.isEmpty { elements.append(.words(alternatives)) }
            }
        }
        self.elements = elements
        self.anchored = anchored
        required = elements.compactMap {
            if case .words(let words) = $0 { return words }
            return nil
        }
    }

    /// Whether the pattern occurs in `terms`; `present` is the set of those terms, computed once per message.
    public func matches(_ terms: [String], present: Set<String>) -> Bool {
        for words in required where words.isDisjoint(with: present) { return false }
        guard !elements.isEmpty, !terms.isEmpty else { return false }
        for start in (anchored ? 0..<1 : terms.indices) where match(element: 0, at: start, in: terms) {
            return true
        }
        return false
    }

    public func matches(_ text: String) -> Bool {
        let terms = BotText.terms(OrderNumbers.scan(text).masked)
        return matches(terms, present: Set(terms))
    }

    private func match(element: Int, at position: Int, in terms: [String]) -> Bool {
        if element == elements.count { return true }
        switch elements[element] {
        case .words(let words):
            guard position < terms.count, words.contains(terms[position]) else { return false }
            return match(element: element + 1, at: position + 1, in: terms)
        case .gap(let maximum):
            for skip in 0...maximum where position + skip <= terms.count {
                if match(element: element + 1, at: position + skip, in: terms) { return true }
            }
            return false
        }
    }
}
