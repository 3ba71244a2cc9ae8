import Foundation

/// The kinds of address a customer can write from. Each resolves to exactly one customer.
public enum IdentityKind: String, Sendable, Codable, CaseIterable {
    case email
    case phone
    /// A handle on a social or messaging network, written `network:handle`.
    case social
    /// The id the chat widget keeps in a visitor's browser.
    case chat
}

/// An address in its one canonical spelling, so that `Alice@Example.COM` and `alice@example.com`
/// find the same customer.
public struct Identity: Sendable, Hashable, Codable {
    public var kind: IdentityKind
    public var value: String

    /// Checks and normalises `raw`. `field` names the field in error messages.
    public init(kind: IdentityKind, raw: String, field: String = "value") throws(ValidationFailure) {
        self.kind = kind
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        switch kind {
        case .email: self.value = try Self.normalizeEmail(trimmed, field: field)
        case .phone: self.value = try Self.normalizePhone(trimmed, field: field)
        case .social: self.value = try Self.normalizeSocial(trimmed, field: field)
        case .chat: self.value = try Self.normalizeChat(trimmed, field: field)
        }
    }

    /// Lower-cases the address and checks its shape: one `@`, a local part of at most 64 characters,
    /// and a domain of dot-separated labels of letters, digits and hyphens.
    static func normalizeEmail(_ raw: String, field: String) throws(ValidationFailure) -> String {
        let rule = "must be a valid email address, like name@example.com"
        let email = raw.lowercased()
        guard email.count <= 254, !email.contains(where: \.isWhitespace) else {
            throw ValidationFailure(field: field, rule: rule)
        }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...64).contains(parts[0].count) else {
            throw ValidationFailure(field: field, rule: rule)
        }
        let localAllowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: ".!#$%&'*+/=?^_`{|}~-"))
        let local = parts[0]
        guard local.unicodeScalars.allSatisfy(localAllowed.contains), !local.hasPrefix("."), !local.hasSuffix("."),
            !local.contains("..")
        else { throw ValidationFailure(field: field, rule: rule) }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        let labelAllowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-"))
        guard labels.count >= 2,
            labels.allSatisfy({ label in
                (1...63).contains(label.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.unicodeScalars.allSatisfy(labelAllowed.contains)
            }),
            labels.last!.count >= 2
        else { throw ValidationFailure(field: field, rule: rule) }
        return email
    }

    /// Reduces a phone number to E.164 (`+` and 8 to 15 digits). Spaces, dots, dashes and brackets
    /// are dropped; a leading `00` means `+`.
    static func normalizePhone(_ raw: String, field: String) throws(ValidationFailure) -> String {
        let rule = "must be a phone number in international format, like +44 20 7946 0958"
        var text = raw.filter { !" .-()\u{00A0}".contains($0) }
        if text.hasPrefix("00") { text = "+" + text.dropFirst(2) }
        guard text.hasPrefix("+") else { throw ValidationFailure(field: field, rule: rule) }
        let digits = text.dropFirst()
        guard (8...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.first != "0"
        else { throw ValidationFailure(field: field, rule: rule) }
        return "+" + digits
    }

    /// `network:handle`, both lower-cased, with a leading `@` on the handle dropped.
    static func normalizeSocial(_ raw: String, field: String) throws(ValidationFailure) -> String {
        let rule = "must be written network:handle, like instagram:@alice"
        let parts = raw.lowercased().split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { throw ValidationFailure(field: field, rule: rule) }
        let network = parts[0]
        var handle = Substring(parts[1])
        if handle.hasPrefix("@") { handle = handle.dropFirst() }
        let networkAllowed = CharacterSet.lowercaseLetters.union(.decimalDigits).union(CharacterSet(charactersIn: "_-"))
        guard (1...40).contains(network.count), network.unicodeScalars.allSatisfy(networkAllowed.contains),
            (1...100).contains(handle.count), !handle.contains(where: \.isWhitespace)
        else { throw ValidationFailure(field: field, rule: rule) }
        return "\(network):\(handle)"
    }

    /// Chat visitor ids are opaque: 8 to 128 letters, digits, `-` or `_`.
    static func normalizeChat(_ raw: String, field: String) throws(ValidationFailure) -> String {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        guard (8...128).contains(raw.count), raw.unicodeScalars.allSatisfy(allowed.contains) else {
            throw ValidationFailure(field: field, rule: "must be 8 to 128 letters, digits, - or _")
        }
        return raw
    }
}
