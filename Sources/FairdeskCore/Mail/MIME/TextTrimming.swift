/// White-space trimming without Foundation's `trimmingCharacters(in:)`, which copies the text into
/// UTF-16 and back: on a mailbox import it cost more than decoding base64. Same rules as
/// `CharacterSet.whitespaces` and `.whitespacesAndNewlines`.
extension StringProtocol {
    /// Without white space and line breaks at either end.
    public var trimmed: String { trimming(Self.isSpaceOrNewline) }

    /// Without spaces and tabs at either end; line breaks stay.
    public var trimmedSpaces: String { trimming(Self.isSpace) }

    /// True when the text is empty or only white space and line breaks.
    public var isBlank: Bool { unicodeScalars.allSatisfy(Self.isSpaceOrNewline) }

    private func trimming(_ drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !drop($0) }),
            let last = scalars.lastIndex(where: { !drop($0) })
        else { return "" }
        return String(decoding: utf8[first..<scalars.index(after: last)], as: UTF8.self)
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09: true
        case 0..<0x80: false
        default: scalar.properties.generalCategory == .spaceSeparator
        }
    }

    static func isSpaceOrNewline(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
        default: isSpace(scalar)
        }
    }
}
