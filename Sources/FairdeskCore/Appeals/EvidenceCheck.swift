import Foundation

/// Decides whether an uploaded file may be kept as evidence, from its bytes as well as its name.
///
/// The name's ending must be an allowed type and the first bytes must agree with it, since a name
/// is only a claim. Programs and archives are refused whatever they are called (an archive could
/// carry anything past these checks). Text types must be UTF-8 without markup that runs: no HTML,
/// SVG or scripts. PDFs must not carry JavaScript, launch actions or embedded files.
public enum EvidenceCheck {
    /// 10 MB: enough for a phone photo or a day's GPS trace.
    public static let defaultMaximumBytes = 10 * 1024 * 1024

    /// The type of the file named `filename` with content `data`, or the problem on `field`.
    public static func check(
        filename: String, data: Data, maximumBytes: Int = defaultMaximumBytes, field: String = "file"
    ) throws(ValidationFailure) -> EvidenceType {
        func refuse(_ rule: String) -> ValidationFailure { ValidationFailure(field: field, rule: rule) }
        guard !data.isEmpty else { throw refuse("must not be empty") }
        if data.count > maximumBytes {
            throw refuse("must be at most \(megabytes(maximumBytes)) (got \(megabytes(data.count)))")
        }
        let bytes = [UInt8](data.prefix(512))
        if let program = programKind(bytes) {
            throw refuse("must not be a program (found \(program))")
        }
        if let archive = archiveKind(bytes) {
            throw refuse("must not be an archive (found \(archive)); upload the files inside it one by one")
        }
        let allowed = "a JPEG, PNG, PDF, GPX, CSV or plain-text file"
        let name = filename.split(separator: "/").last.map(String.init) ?? filename
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else {
            throw refuse("must be \(allowed) (got no file name ending)")
        }
        let ending = String(name[name.index(after: dot)...])
        guard let type = EvidenceType(extension: ending) else {
            throw refuse("must be \(allowed) (got .\(ending.lowercased().prefix(10)))")
        }
        switch type {
        case .jpeg:
            guard bytes.starts(with: [0xFF, 0xD8, 0xFF]) else { throw mismatch(type, ending, field) }
        case .png:
            guard bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
                throw mismatch(type, ending, field)
            }
        case .pdf:
            guard bytes.starts(with: Array("%PDF-".utf8)) else { throw mismatch(type, ending, field) }
            for marker in ["/JavaScript", "/JS", "/Launch", "/EmbeddedFile"]
            where data.range(of: Data(marker.utf8)) != nil {
                throw refuse("must not contain scripts, launch actions or embedded files (found \(marker))")
            }
        case .gpx, .csv, .plainText:
            guard let text = String(data: data, encoding: .utf8), isPlainText(text) else {
                throw refuse("must be text in UTF-8 for .\(ending.lowercased()) (found binary content)")
            }
            let lower = text.lowercased()
            for marker in ["<script", "<html", "<!doctype html", "<svg", "<iframe", "javascript:"]
            where lower.contains(marker) {
                throw refuse("must not contain HTML, SVG or scripts (found \(marker))")
            }
            if type == .gpx, !lower.contains("<gpx") { throw mismatch(type, ending, field) }
        }
        return type
    }

    private static func mismatch(_ type: EvidenceType, _ ending: String, _ field: String) -> ValidationFailure {
        ValidationFailure(
            field: field, rule: "must contain what its name says: a .\(ending.lowercased()) file must be \(type.title)")
    }

    /// Text a person could have typed: no NUL or other control characters besides tab, line breaks
    /// and form feed.
    private static func isPlainText(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            scalar.value >= 0x20 && scalar.value != 0x7F || [0x09, 0x0A, 0x0C, 0x0D].contains(scalar.value)
        }
    }

    private static func programKind(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0x4D, 0x5A]) { return "a Windows program" }
        if bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]) { return "a Linux program" }
        let machO: [[UInt8]] = [
            [0xFE, 0xED, 0xFA, 0xCE], [0xFE, 0xED, 0xFA, 0xCF], [0xCE, 0xFA, 0xED, 0xFE], [0xCF, 0xFA, 0xED, 0xFE],
            [0xCA, 0xFE, 0xBA, 0xBE],
        ]
        if machO.contains(where: bytes.starts(with:)) { return "a macOS program" }
        if bytes.starts(with: Array("#!".utf8)) { return "a script" }
        return nil
    }

    private static func archiveKind(_ bytes: [UInt8]) -> String? {
        let signatures: [([UInt8], String)] = [
            ([0x50, 0x4B, 0x03, 0x04], "a ZIP archive"), ([0x50, 0x4B, 0x05, 0x06], "a ZIP archive"),
            ([0x1F, 0x8B], "a gzip archive"), (Array("Rar!".utf8), "a RAR archive"),
            ([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], "a 7-Zip archive"), (Array("BZh".utf8), "a bzip2 archive"),
            ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "an xz archive"),
        ]
        if let match = signatures.first(where: { bytes.starts(with: $0.0) }) { return match.1 }
        if bytes.count >= 262, Array(bytes[257..<262]) == Array("ustar".utf8) { return "a tar archive" }
        return nil
    }

    private static func megabytes(_ count: Int) -> String {
        let value = (Double(count) / 1_048_576 * 10).rounded() / 10
        return value.rounded() == value ? "\(Int(value)) MB" : "\(value) MB"
    }
}
