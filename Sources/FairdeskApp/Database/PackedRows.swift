import Fluent
import Foundation
import SQLKit

/// Many small rows read as one text the database packs, a line per row and `|` between fields.
///
/// Decoding rows column by column through `Codable` costs about two microseconds a field: for the
/// thousand rows behind a scorecard that was more than the queries themselves. Packed, the database
/// does the joining and Swift splits bytes. Used where a figure needs many rows of a few plain
/// fields; text columns must hold codes only (never a `|` or a line break), as a person's words could
/// shift the fields.
struct PackedRows {
    /// What a column holds, so each database can write it as text the same way.
    enum Kind {
        case uuid, date, integer, code
    }

    /// One row's fields, each empty when the value was NULL.
    struct Row {
        fileprivate var fields: [Substring.UTF8View]

        private func text(_ index: Int) -> String? {
            guard index < fields.count, !fields[index].isEmpty else { return nil }
            return String(decoding: fields[index], as: UTF8.self)
        }

        func uuid(_ index: Int) -> UUID? { text(index).flatMap(UUID.init(uuidString:)) }
        func date(_ index: Int) -> Date? { text(index).flatMap(Double.init).map(Date.init(timeIntervalSince1970:)) }
        func integer(_ index: Int) -> Int? { text(index).flatMap { Int($0) ?? Double($0).map { Int($0) } } }
        func code(_ index: Int) -> String? { text(index) }
    }

    let db: any Database

    /// `SELECT` of `columns` (SQL expressions the code names, never input) with `rest` (`FROM …`,
    /// with its binds), packed; the rows in no particular order.
    func rows(_ columns: [(expression: String, kind: Kind)], _ rest: SQLQueryString) async throws -> [Row] {
        let postgres = db.isPostgres
        let fields = columns.map { column -> String in
            let text: String
            switch (column.kind, postgres) {
            // printf() writes NULL as 0.000000: keep it NULL.
            case (.date, false):
                text = "CASE WHEN \(column.expression) IS NULL THEN NULL ELSE printf('%.6f', \(column.expression)) END"
            case (.date, true): text = "CAST(EXTRACT(EPOCH FROM \(column.expression)) AS TEXT)"
            default: text = "CAST(\(column.expression) AS TEXT)"
            }
            return "COALESCE(\(text), '')"
        }
        let line = fields.joined(separator: " || '|' || ")
        let join = postgres ? "string_agg(" : "group_concat("
        struct Packed: Decodable { var packed: String? }
        let packed =
            try await db.sql.raw("SELECT \(unsafeRaw: join)\(unsafeRaw: line), \(bind: "\n")) AS packed \(rest)")
            .first(decoding: Packed.self)?.packed ?? ""
        return Substring(packed).utf8.split(separator: UInt8(ascii: "\n")).map { line in
            Row(
                fields: line.split(
                    separator: UInt8(ascii: "|"), maxSplits: columns.count - 1, omittingEmptySubsequences: false))
        }
    }
}
