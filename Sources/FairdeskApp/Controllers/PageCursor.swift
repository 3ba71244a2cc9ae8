import FairdeskCore
import Foundation

/// A position in a newest-first list: the time and id of the last item seen. Opaque to clients.
struct PageCursor: Sendable, Equatable {
    var at: Date
    var id: UUID

    var encoded: String {
        let text = "\(at.timeIntervalSince1970)|\(id.uuidString)"
        return Data(text.utf8).base64EncodedString()
    }

    /// Reads a cursor a client sent back; `nil` input means the first page.
    static func decode(_ raw: String?, field: String = "cursor") throws(ValidationFailure) -> PageCursor? {
        guard let raw, !raw.isEmpty else { return nil }
        guard let data = Data(base64Encoded: raw), let text = String(data: data, encoding: .utf8) else {
            throw ValidationFailure(field: field, rule: "must be a cursor returned by a previous page")
        }
        let parts = text.split(separator: "|")
        guard parts.count == 2, let seconds = Double(parts[0]), let id = UUID(uuidString: String(parts[1])) else {
            throw ValidationFailure(field: field, rule: "must be a cursor returned by a previous page")
        }
        return PageCursor(at: Date(timeIntervalSince1970: seconds), id: id)
    }

    /// The page size a client asked for, within bounds.
    static func limit(_ text: String?, default fallback: Int = 50) throws(ValidationFailure) -> Int {
        guard let text, !text.isEmpty else { return fallback }
        guard let raw = Int(text), (1...200).contains(raw) else {
            throw ValidationFailure(
                field: "limit", rule: "must be a whole number between 1 and 200 (got \(text.prefix(20)))")
        }
        return raw
    }
}
