import Foundation

/// Reads the ISO 8601 timestamps GPS apps write: "2026-05-04T14:03:07Z", with or without fractions
/// of a second, with Z or an offset.
enum TraceTime {
    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: trimmed) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: trimmed)
    }
}
