import Foundation
import SQLKit

/// Reads a row's columns one by one, for the rows read most often.
///
/// `Codable` decoding of a row (`all(decoding:)`) builds a keyed container per row and looks up
/// generic metadata per field; for an inbox page of fifty cases it cost more than the queries.
/// SQLite keeps UUIDs as text, and Foundation's `UUID(uuidString:)` parses them with `sscanf`;
/// here they are parsed as bytes. PostgreSQL sends real UUIDs, which are read as they are.
struct ColumnReader {
    let row: any SQLRow
    let postgres: Bool

    func value<Value: Decodable>(_ column: String, as type: Value.Type = Value.self) throws -> Value {
        try row.decode(column: column, as: Value.self)
    }

    func optional<Value: Decodable>(_ column: String, as type: Value.Type = Value.self) throws -> Value? {
        try row.decodeNil(column: column) ? nil : row.decode(column: column, as: Value.self)
    }

    func uuid(_ column: String) throws -> UUID {
        if postgres { return try value(column) }
        let text = try value(column, as: String.self)
        guard let id = Self.uuid(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "\(column) is not a UUID: \(text)"))
        }
        return id
    }

    func optionalUUID(_ column: String) throws -> UUID? {
        try row.decodeNil(column: column) ? nil : uuid(column)
    }

    /// A column holding one of `Code`'s raw values.
    func code<Code: RawRepresentable>(_ column: String, as type: Code.Type = Code.self) throws -> Code
    where Code.RawValue == String {
        let raw = try value(column, as: String.self)
        guard let code = Code(rawValue: raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(column) holds \(raw)"))
        }
        return code
    }

    /// `8-4-4-4-12` hexadecimal digits, either case; nil for anything else.
    static func uuid(_ text: String) -> UUID? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        var high: UInt8?
        var count = 0
        for character in text.utf8 {
            count += 1
            if count == 9 || count == 14 || count == 19 || count == 24 {
                guard character == UInt8(ascii: "-") else { return nil }
                continue
            }
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character - UInt8(ascii: "A") + 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
            default: return nil
            }
            if let first = high {
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        guard count == 36, bytes.count == 16 else { return nil }
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9],
                bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}
