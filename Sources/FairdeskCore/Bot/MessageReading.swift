import Foundation

/// One customer message as the bot reads it: the order numbers in it and its terms, spelled right.
/// Built once per message and shared by the classifier and the hand-over rules.
public struct MessageReading: Sendable, Equatable {
    /// The message as written; capitals and punctuation are signals of their own.
    public var text: String
    /// The order numbers mentioned, first mention first.
    public var orderNumbers: [String]
    /// The folded words after contractions, misspellings and the speller; order numbers read as
    /// ``OrderNumbers/placeholder``.
    public var words: [String]
    /// The words' terms (see ``BotText``), in order, with function words kept so phrases can match.
    public var terms: [String]
    /// The same terms as a set.
    public var termSet: Set<String>

    /// Reads `text`; `speller` corrects words it does not know (pass `nil` to read the text as typed).
    public init(_ text: String, speller: Speller? = nil) {
        self.text = text
        let scan = OrderNumbers.scan(text)
        orderNumbers = scan.numbers
        var words = BotText.words(scan.masked)
        if let speller {
            words = words.flatMap { word -> [String] in
                let corrected = speller.correct(word)
                return corrected == word ? [word] : BotText.words(corrected)
            }
        }
        self.words = words
        terms = BotText.terms(ofWords: words)
        termSet = Set(terms)
    }

    /// The terms that carry meaning: no function words, no order numbers, each once, in order.
    public var contentTerms: [String] {
        KnowledgeIndex.queryTerms(terms).map(\.term)
    }

    /// Whether the message contains `pattern`.
    public func contains(_ pattern: PhrasePattern) -> Bool {
        pattern.matches(terms, present: termSet)
    }

    /// Whether the message contains any of `patterns`, and the first that matched.
    public func firstMatch(_ patterns: [PhrasePattern]) -> PhrasePattern? {
        patterns.first { contains($0) }
    }
}
