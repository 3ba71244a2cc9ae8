import Foundation
import Vapor

/// The period a report covers, from the `from` and `to` query parameters (ISO 8601 times); the last
/// 30 days when they are left out.
struct ReportPeriod {
    var from: Date
    var to: Date

    init(_ req: Request) throws {
        func time(_ name: String) throws -> Date? {
            guard let text = req.query[String.self, at: name], !text.isEmpty else { return nil }
            guard let date = ISO8601DateFormatter().date(from: text) else {
                throw ApiError.invalid(field: name, rule: "must be a time like 2026-11-01T00:00:00Z")
            }
            return date
        }
        to = try time("to") ?? req.now
        from = try time("from") ?? to.addingTimeInterval(-30 * 86_400)
        guard from < to else { throw ApiError.invalid(field: "from", rule: "must be before to") }
    }
}
