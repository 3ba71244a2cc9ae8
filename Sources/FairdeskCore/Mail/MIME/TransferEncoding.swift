import Foundation

/// Content-Transfer-Encoding (RFC 2045): base64 and quoted-printable, both read leniently.
enum TransferEncoding {
    /// The value of each base64 character; -1 for every other byte.
    private static let base64Values: [Int8] = {
        var values = [Int8](repeating: -1, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (value, byte) in alphabet.enumerated() { values[Int(byte)] = Int8(value) }
        // The URL-safe alphabet, which some broken mailers use.
        values[Int(UInt8(ascii: "-"))] = 62
        values[Int(UInt8(ascii: "_"))] = 63
        return values
    }()

    /// Decodes base64, skipping white space and characters that are not base64, reading "=" as the end of a
    /// group (so glued-together encodings still read) and tolerating missing padding. The problem says how
    /// much was skipped, if anything was.
    static func base64<Bytes: Collection>(_ bytes: Bytes) -> (data: [UInt8], problem: String?)
    where Bytes.Element == UInt8 {
        if let decoded = bytes.withContiguousStorageIfAvailable({ base64(buffer: $0) }) { return decoded }
        return Array(bytes).withUnsafeBufferPointer { base64(buffer: $0) }
    }

    /// The decoder itself, over raw memory: attachments are most of a mailbox's bytes, and the checked
    /// array operations of a plainer loop made it the costliest step of an import.
    private static func base64(buffer input: UnsafeBufferPointer<UInt8>) -> (data: [UInt8], problem: String?) {
        var skipped = 0
        var dangling = 0
        let out = [UInt8](unsafeUninitializedCapacity: input.count / 4 * 3 + 3) { out, written in
            base64Values.withUnsafeBufferPointer { table in
                var group: UInt32 = 0
                var count = 0
                var at = 0
                // A group cut short by "=" or by the end: its whole bytes are kept.
                func flush() {
                    switch count {
                    case 2:
                        out[at] = UInt8(truncatingIfNeeded: group >> 4)
                        at += 1
                    case 3:
                        out[at] = UInt8(truncatingIfNeeded: group >> 10)
                        out[at + 1] = UInt8(truncatingIfNeeded: group >> 2)
                        at += 2
                    case 1: dangling += 1
                    default: break
                    }
                    group = 0
                    count = 0
                }
                for byte in input {
                    let value = table[Int(byte)]
                    if value >= 0 {
                        group = (group << 6) | UInt32(truncatingIfNeeded: value)
                        count += 1
                        if count == 4 {
                            out[at] = UInt8(truncatingIfNeeded: group >> 16)
                            out[at + 1] = UInt8(truncatingIfNeeded: group >> 8)
                            out[at + 2] = UInt8(truncatingIfNeeded: group)
                            at += 3
                            group = 0
                            count = 0
                        }
                    } else if byte == UInt8(ascii: "=") {
                        flush()
                    } else if byte != 0x20 && byte != 0x09 && byte != 0x0D && byte != 0x0A {
                        skipped += 1
                    }
                }
                flush()
                written = at
            }
        }
        var problems: [String] = []
        if skipped > 0 { problems.append("\(skipped) characters that are not base64 were skipped") }
        if dangling > 0 { problems.append("the base64 ended with a stray character, which was dropped") }
        return (out, problems.isEmpty ? nil : problems.joined(separator: "; "))
    }

    /// The value of a hex digit in either case, or nil.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Decodes quoted-printable: "=XX" in either case becomes the byte, "=" at the end of a line (even with
    /// white space after it) joins the lines, and an "=" that starts neither is kept as it is.
    /// With `underscoreIsSpace` (the Q encoding of RFC 2047 headers) "_" becomes a space.
    static func quotedPrintable(_ bytes: [UInt8], underscoreIsSpace: Bool = false) -> (
        data: [UInt8], problem: String?
    ) {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var kept = 0
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "_") && underscoreIsSpace {
                out.append(0x20)
                index += 1
                continue
            }
            guard byte == UInt8(ascii: "=") else {
                out.append(byte)
                index += 1
                continue
            }
            if index + 2 < count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 3
                continue
            }
            // A soft line break: "=" then optional white space then the end of the line or of the text.
            var next = index + 1
            while next < count && (bytes[next] == 0x20 || bytes[next] == 0x09) { next += 1 }
            if next >= count {
                index = next
                continue
            }
            if bytes[next] == 0x0A {
                index = next + 1
                continue
            }
            if bytes[next] == 0x0D {
                index = next + 1
                if index < count && bytes[index] == 0x0A { index += 1 }
                continue
            }
            out.append(byte)
            kept += 1
            index += 1
        }
        let problem = kept > 0 ? "\(kept) stray \"=\" in quoted-printable text were kept as they are" : nil
        return (out, problem)
    }
}
