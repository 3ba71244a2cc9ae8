import Foundation

/// The signs of frustration in one customer message, and how much they add up to.
///
/// One clear sign scores 1: an angry word ("ridiculous", "fed up"), swearing (also masked, "f***"),
/// shouting (a whole message in capitals, or a word like "NOW"), three or more "!" or "?" in a row,
/// or a threat to leave, cancel or charge back. Weaker signs ("!!", "annoyed", "seriously") score
/// less and only add up to a hand-over together.
public struct FrustrationSignals: Sendable, Equatable {
    /// One sign.
    public struct Signal: Sendable, Equatable {
        public enum Kind: String, Sendable, Codable, CaseIterable {
            case anger, swearing, capitals, punctuation, threat
        }
        public var kind: Kind
        /// What the customer wrote that shows it.
        public var evidence: String
        public var weight: Double
    }

    public var signals: [Signal]

    /// The sum of the signals' weights.
    public var score: Double { signals.reduce(0) { $0 + $1.weight } }

    public init(_ message: MessageReading) {
        var signals: [Signal] = []
        for (pattern, weight) in Self.anger where message.contains(pattern) {
            signals.append(Signal(kind: .anger, evidence: pattern.description, weight: weight))
        }
        if let word = message.words.first(where: { Self.swearWords.contains($0) }) ?? Self.maskedSwearing(message.text)
        {
            signals.append(Signal(kind: .swearing, evidence: word, weight: 1))
        }
        if let shouted = Self.shouting(message.text) {
            signals.append(Signal(kind: .capitals, evidence: shouted, weight: 1))
        }
        if let (run, weight) = Self.punctuation(message.text) {
            signals.append(Signal(kind: .punctuation, evidence: run, weight: weight))
        }
        if let threat = message.firstMatch(Self.threats) {
            signals.append(Signal(kind: .threat, evidence: threat.description, weight: 1))
        }
        self.signals = signals
    }

    // MARK: - Capitals and punctuation

    /// Upper-case words that are names, not shouting.
    static let acronyms: Set<String> = [
        "FD", "VAT", "ETA", "UK", "EU", "USA", "PDF", "QR", "ID", "DHL", "UPS", "DPD", "GDPR", "TV", "SMS", "FAQ",
        "PIN", "ATM", "NHS", "IBAN", "BIC", "DIY", "LED", "USB", "HDMI", "XL", "XXL", "XS", "OK", "ASAP", "PS",
        "BBC", "RSVP", "CEO", "GPS", "PO", "AM", "PM", "BST", "GMT", "CET", "LCD", "OLED", "MDF", "UV", "AA", "AAA",
        "EUR", "GBP", "USD", "RRP", "POS", "NFC", "SIM", "PC", "LOL", "OMG",
    ]

    /// The shouted part of `text`: the whole message in capitals, or a word in capitals among lower case.
    static func shouting(_ text: String) -> String? {
        let words = text.split(whereSeparator: { !$0.isLetter }).map(String.init)
        let letters = words.joined()
        let upper = letters.filter(\.isUppercase).count
        let meaningful = words.filter { $0.count >= 2 && !acronyms.contains($0) }
        let meaningfulLetters = meaningful.joined()
        if meaningful.count >= 2, meaningfulLetters.count >= 8,
            Double(meaningfulLetters.filter(\.isUppercase).count) >= 0.8 * Double(meaningfulLetters.count)
        {
            return text
        }
        guard upper > 0 else { return nil }
        // One shouted word among ordinary ones: "fix this NOW", "I want a HUMAN".
        let lowerWords = words.filter { $0.contains(where: \.isLowercase) }.count
        guard lowerWords >= 1 else { return nil }
        return words.first { $0.count >= 3 && $0.allSatisfy(\.isUppercase) && !acronyms.contains($0) }
    }

    /// The longest run of "!" and "?" and what it weighs: three or more 1, two 0.5 ("!!", "?!") or 0.3 ("??").
    static func punctuation(_ text: String) -> (String, Double)? {
        var best = ""
        var current = ""
        for character in text {
            if character == "!" || character == "?" || character == "\u{00A1}" || character == "\u{00BF}" {
                current.append(character)
            } else if !character.isWhitespace || current.isEmpty {
                if current.count > best.count { best = current }
                current = ""
            }
        }
        if current.count > best.count { best = current }
        switch best.count {
        case 3...: return (best, 1)
        case 2: return (best, best == "??" ? 0.3 : 0.5)
        default: return nil
        }
    }

    /// A masked swear word: "f***", "sh*t", "f**king".
    static func maskedSwearing(_ text: String) -> String? {
        for piece in text.split(whereSeparator: { $0.isWhitespace }) {
            let stars = piece.filter { $0 == "*" }.count
            let letters = piece.filter(\.isLetter).count
            if stars >= 1, letters >= 1, stars + letters >= 4, piece.first?.isLetter == true {
                return String(piece)
            }
        }
        return nil
    }

    // MARK: - Words

    static let swearWords: Set<String> = [
        "fuck", "fucking", "fucked", "fuckin", "fck", "fk", "fking", "shit", "shite", "shitty", "bullshit", "crap",
        "crappy", "damn", "dammit", "bloody", "hell", "bastard", "bastards", "arse", "ass", "asshole", "piss",
        "pissed", "bollocks", "twat", "wanker", "merde", "putain", "scheisse", "scheiss", "mierda", "joder",
        "cabron", "idiot", "idiots", "morons", "moron", "bs",
    ]

    static let anger: [(PhrasePattern, Double)] = [
        ("ridiculous|ridiculously|unacceptable|disgusting|disgrace|disgraceful|pathetic|furious|livid|fuming", 1.0),
        ("outrageous|appalling|atrocious|worst|useless|shambles|incompetent|angry|infuriating|joke|laughable", 1.0),
        ("fed up", 1.0), ("sick of", 1.0), ("sick and tired", 1.0), ("had enough", 1.0),
        ("third|fourth|fifth time", 1.0), ("how many time", 1.0), ("scam", 1.0),
        ("frechheit|unverschamt|katastrophe|unmoglich|sauer|wutend", 1.0),
        ("inadmissible|inacceptable|honteux|scandaleux|lamentable|enerve", 1.0),
        ("verguenza|inaceptable|indignante|vergonzoso|harto|harta", 1.0),
        ("terrible|awful|horrible|horrendous|rubbish|dreadful", 0.6),
        ("annoyed|annoying|frustrated|frustrating|upset|unhappy|disappointed", 0.6),
        ("seriously|unbelievable", 0.5), ("you people|lot", 0.5), ("immediately|right now", 0.4),
    ].map { (PhrasePattern($0.0), $0.1) }

    static let threats: [PhrasePattern] = [
        "chargeback|chargebacks", "charge back", "dispute * charge|payment|transaction", "report you",
        "report * to * bank|police|bbb", "trustpilot", "star review|rating", "bad|terrible|negative review",
        "never * order|buy|shop|use|using * again", "business elsewhere", "shop|go|going|take|taking * elsewhere",
        "i am|will|going * cancel * membership|premium|subscription",
        "cancel * membership|premium|subscription * immediately",
        "done with * you|company|this|it", "last time i * order|buy|use",
        "switch|switching|move|moving * amazon|competitor",
        "leave|leaving * you|this company",
    ].map(PhrasePattern.init)
}
