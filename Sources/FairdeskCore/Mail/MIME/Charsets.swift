import Foundation

/// Turns the bytes of a mail part or header into text, by the charset the mail names.
///
/// ISO-8859-1 is read as Windows-1252, as browsers do: mail labelled Latin-1 is nearly always Windows-1252,
/// and the control characters 0x80–0x9F of real Latin-1 never carry meaning in mail.
public enum Charsets {
    /// Decodes bytes in a named charset: utf-8, us-ascii, iso-8859-1, -2, -5, -9 and -15, windows-1250,
    /// -1251 and -1252, koi8-r, shift_jis, iso-2022-jp and utf-16. For an unknown charset, or bytes that are
    /// not valid in the one named, it does its best (UTF-8 when the bytes are valid UTF-8, else Latin-1) and
    /// says what it did in `problem`.
    public static func decode(_ bytes: Data, charset: String?) -> (text: String, problem: String?) {
        decode(bytes: [UInt8](bytes), charset: charset)
    }

    /// The same for bytes already in an array or a slice of one.
    static func decode<Bytes: Collection>(bytes: Bytes, charset: String?) -> (text: String, problem: String?)
    where Bytes.Element == UInt8 {
        let name = normalisedName(charset)
        let kind = name.isEmpty ? Kind.unnamed : (kinds[name] ?? .unknown)
        switch kind {
        case .utf8, .unnamed, .ascii:
            // Checked by the standard library in one fast pass; ASCII is valid UTF-8.
            if let text = validUTF8(bytes) { return (text, nil) }
        case .table, .unknown:
            if bytes.allSatisfy({ $0 < 0x80 }) { return (String(decoding: bytes, as: UTF8.self), nil) }
        case .foundation, .utf16:
            break
        }
        switch kind {
        case .utf8:
            return (mixedUTF8(bytes), "text is not valid UTF-8; the bad bytes were read as Latin-1")
        case .unnamed, .ascii:
            let what = kind == .ascii ? "text said US-ASCII but has 8-bit bytes" : "no charset given for 8-bit text"
            return (table(bytes, windows1252), "\(what); read as Latin-1")
        case .table(let table):
            return (Charsets.table(bytes, table), nil)
        case .foundation(let encoding), .utf16(let encoding):
            if let text = String(data: Data(bytes), encoding: encoding) { return (text, nil) }
            return fallback(bytes, "text is not valid \(name)")
        case .unknown:
            return fallback(bytes, "unknown charset \(name.prefix(40))")
        }
    }

    private static func fallback<Bytes: Collection>(_ bytes: Bytes, _ reason: String) -> (String, String?)
    where Bytes.Element == UInt8 {
        if let text = validUTF8(bytes) { return (text, "\(reason), read as UTF-8") }
        return (table(bytes, windows1252), "\(reason), read as Latin-1")
    }

    private enum Kind: Sendable, Equatable {
        case unnamed, ascii, utf8, unknown
        case table([Unicode.Scalar])
        case foundation(String.Encoding)
        case utf16(String.Encoding)
    }

    /// Lower case, without quotes, RFC 2231 language ("utf-8*en") or surrounding space; "_" read as "-".
    static func normalisedName(_ charset: String?) -> String {
        guard var name = charset?.trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'")).lowercased() else {
            return ""
        }
        if let star = name.firstIndex(of: "*") { name = String(name[..<star]) }
        return name.replacingOccurrences(of: "_", with: "-")
    }

    private static let kinds: [String: Kind] = {
        var kinds: [String: Kind] = [:]
        func add(_ names: [String], _ kind: Kind) { for name in names { kinds[name] = kind } }
        add(["utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8"], .utf8)
        add(["us-ascii", "ascii", "ansi-x3.4-1968", "iso646-us", "us", "cp367", "iso-ir-6"], .ascii)
        add(
            [
                "iso-8859-1", "iso8859-1", "iso-8859-1:1987", "latin1", "latin-1", "l1", "iso-ir-100", "cp819",
                "ibm819", "8859-1", "windows-1252", "cp1252", "x-cp1252", "ms-ansi", "ansi",
            ], .table(windows1252))
        add(["iso-8859-15", "iso8859-15", "latin-9", "latin9", "l9", "latin0"], .table(latin9))
        add(["iso-8859-9", "iso8859-9", "latin5", "l5", "windows-1254", "cp1254"], .table(latin5))
        add(["iso-8859-5", "iso8859-5", "cyrillic"], .table(latinCyrillic))
        add(["koi8-r", "koi8r", "koi8"], .table(koi8r))
        add(["iso-8859-2", "iso8859-2", "latin2", "latin-2", "l2"], .foundation(.isoLatin2))
        add(["windows-1250", "cp1250", "x-cp1250"], .foundation(.windowsCP1250))
        add(["windows-1251", "cp1251", "x-cp1251"], .foundation(.windowsCP1251))
        add(
            ["shift-jis", "shift-jis-2004", "sjis", "x-sjis", "ms-kanji", "cp932", "windows-31j"],
            .foundation(.shiftJIS))
        add(["iso-2022-jp", "csiso2022jp"], .foundation(.iso2022JP))
        add(["utf-16"], .utf16(.utf16))
        add(["utf-16le"], .utf16(.utf16LittleEndian))
        add(["utf-16be"], .utf16(.utf16BigEndian))
        return kinds
    }()

    /// The bytes as UTF-8, or nil when they are not valid UTF-8.
    static func validUTF8<Bytes: Collection>(_ bytes: Bytes) -> String? where Bytes.Element == UInt8 {
        String(validating: bytes, as: UTF8.self)
    }

    /// Valid UTF-8 sequences as UTF-8, every other byte as Windows-1252: for text that mixes both.
    static func mixedUTF8<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        // The standard decoder repairs each bad sequence with U+FFFD; check each sequence instead so bad
        // bytes can become Latin-1.
        var scalars = String.UnicodeScalarView()
        let array = [UInt8](bytes)
        var index = 0
        while index < array.count {
            let byte = array[index]
            let length: Int
            if byte < 0x80 {
                length = 1
            } else if byte >= 0xC2 && byte <= 0xDF {
                length = 2
            } else if byte >= 0xE0 && byte <= 0xEF {
                length = 3
            } else if byte >= 0xF0 && byte <= 0xF4 {
                length = 4
            } else {
                length = 0
            }
            if length > 0, index + length <= array.count,
                let text = String(validating: array[index..<index + length], as: UTF8.self)
            {
                scalars.append(contentsOf: text.unicodeScalars)
                index += length
            } else {
                scalars.append(windows1252[Int(byte)])
                index += 1
            }
        }
        return String(scalars)
    }

    private static func table<Bytes: Collection>(_ bytes: Bytes, _ table: [Unicode.Scalar]) -> String
    where Bytes.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(table[Int(byte)]) }
        return String(scalars)
    }

    /// Latin-1 with Windows-1252 printable characters in 0x80–0x9F (its five unused codes stay C1 controls).
    static let windows1252: [Unicode.Scalar] = {
        var table = (0...255).map { Unicode.Scalar(UInt8($0)) }
        let high: [UInt32] = [
            0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152,
            0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122,
            0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
        ]
        for (offset, value) in high.enumerated() {
            if let scalar = Unicode.Scalar(value) { table[0x80 + offset] = scalar }
        }
        return table
    }()

    private static func patched(_ base: [Unicode.Scalar], _ changes: [Int: UInt32]) -> [Unicode.Scalar] {
        var table = base
        for (byte, value) in changes where byte >= 0 && byte < table.count {
            if let scalar = Unicode.Scalar(value) { table[byte] = scalar }
        }
        return table
    }

    private static let latin9 = patched(
        windows1252,
        [
            0xA4: 0x20AC, 0xA6: 0x0160, 0xA8: 0x0161, 0xB4: 0x017D, 0xB8: 0x017E, 0xBC: 0x0152, 0xBD: 0x0153,
            0xBE: 0x0178,
        ])

    private static let latin5 = patched(
        windows1252, [0xD0: 0x011E, 0xDD: 0x0130, 0xDE: 0x015E, 0xF0: 0x011F, 0xFD: 0x0131, 0xFE: 0x015F])

    private static let latinCyrillic: [Unicode.Scalar] = {
        var changes: [Int: UInt32] = [:]
        for byte in 0xA1...0xFF { changes[byte] = UInt32(byte - 0xA1 + 0x0401) }
        changes[0xAD] = 0xAD
        changes[0xF0] = 0x2116
        changes[0xFD] = 0xA7
        return patched((0...255).map { Unicode.Scalar(UInt8($0)) }, changes)
    }()

    private static let koi8r: [Unicode.Scalar] = {
        let high =
            "─│┌┐└┘├┤┬┴┼▀▄█▌▐░▒▓⌠■∙√≈≤≥\u{A0}⌡°²·÷═║╒ё╓╔╕╖╗╘╙╚╛╜╝╞╟╠╡Ё╢╣╤╥╦╧╨╩╪╫╬©"
            + "юабцдефгхийклмнопярстужвьызшэщчъЮАБЦДЕФГХИЙКЛМНОПЯРСТУЖВЬЫЗШЭЩЧЪ"
        var table = (0...127).map { Unicode.Scalar(UInt8($0)) }
        table.append(contentsOf: high.unicodeScalars)
        while table.count < 256 { table.append("\u{FFFD}") }
        return Array(table.prefix(256))
    }()
}
