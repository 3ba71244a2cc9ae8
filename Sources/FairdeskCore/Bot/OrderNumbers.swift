import Foundation

/// Finds the order numbers a customer writes: "FD-482913", "#A-1234", "order 12345", "Bestellung 55821".
///
/// A bare number only counts when an order word comes just before it, so "after 3 months", "14:02",
/// "5pm" or a phone number are not taken for orders.
public enum OrderNumbers {
    /// The word that stands in for an order number in the text the classifier reads.
    public static let placeholder = "ordernumber"

    /// The order numbers in `text`, upper-cased, first mention first, each once.
    public static func extract(from text: String) -> [String] {
        scan(text).numbers
    }

    /// The order numbers in `text`, and the text with each of them replaced by ``placeholder``.
    public static func scan(_ text: String) -> (numbers: [String], masked: String) {
        let pieces = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        var numbers: [String] = []
        var masked: [String] = []
        var sinceOrderWord = Int.max
        var index = 0
        func add(_ number: String) {
            if !numbers.contains(number) { numbers.append(number) }
            masked.append(placeholder)
        }
        while index < pieces.count {
            let piece = pieces[index]
            let core = trimmed(piece)
            let folded = BotText.fold(core)
            if let number = reference(core) {
                add(number)
                sinceOrderWord = Int.max
            } else if isPrefix(core), index + 1 < pieces.count, isDigits(trimmed(pieces[index + 1]), minimum: 5) {
                // "FD 772310"
                add(core.uppercased() + "-" + trimmed(pieces[index + 1]))
                index += 1
                sinceOrderWord = Int.max
            } else if isDigits(core, minimum: 4), sinceOrderWord <= 3 {
                add(core)
                sinceOrderWord = Int.max
            } else {
                masked.append(piece)
                if orderWords.contains(folded.filter { $0.isLetter }) {
                    sinceOrderWord = 0
                } else if sinceOrderWord != Int.max {
                    sinceOrderWord += 1
                }
            }
            index += 1
        }
        return (numbers, masked.joined(separator: " "))
    }

    /// Words after which a bare number is an order number.
    static let orderWords: Set<String> = [
        "order", "orders", "ordernumber", "number", "no", "nr", "num", "ref", "reference", "bestellung",
        "bestellnummer", "auftrag", "commande", "numero", "pedido", "orden", "ordine", "ord", "oder", "ordr",
    ]

    /// A token that is an order reference on its own: "#88231", "#A-1234", "FD-482913", "FD482913".
    public static func reference(_ token: String) -> String? {
        var body = Substring(token)
        let hashed = body.hasPrefix("#")
        if hashed { body = body.dropFirst() }
        guard !body.isEmpty, body.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }) else {
            return nil
        }
        let digits = body.filter(\.isNumber).count
        let letters = body.prefix(while: \.isLetter)
        let rest = body.dropFirst(letters.count)
        if hashed {
            return digits >= 3 ? body.uppercased() : nil
        }
        // Letters, an optional hyphen, then digits only: "FD-482913", "A-1234", "FD482913".
        guard (1...4).contains(letters.count) else { return nil }
        let number = rest.hasPrefix("-") ? rest.dropFirst() : rest
        guard number.count == digits, digits >= 4, rest.hasPrefix("-") || digits >= 5 else { return nil }
        return body.uppercased()
    }

    /// "FD" in "FD 772310": a short upper-case prefix written apart from its digits.
    static func isPrefix(_ token: String) -> Bool {
        (1...3).contains(token.count) && token.allSatisfy { $0.isASCII && $0.isUppercase }
    }

    static func isDigits(_ token: String, minimum: Int) -> Bool {
        (minimum...12).contains(token.count) && token.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// The token without the punctuation around it: "(FD-482913)?" → "FD-482913".
    static func trimmed(_ piece: String) -> String {
        var scalars = Substring(piece)
        while let first = scalars.first, !(first.isLetter || first.isNumber || first == "#") {
            scalars = scalars.dropFirst()
        }
        while let last = scalars.last, !(last.isLetter || last.isNumber) {
            scalars = scalars.dropLast()
        }
        return String(scalars)
    }
}
