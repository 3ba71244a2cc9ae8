import FairdeskCore
import Foundation
import Vapor

/// JSON written straight into bytes, for the lists read most often.
///
/// Foundation's `JSONEncoder` wraps every value in generic containers; for an inbox page of fifty
/// cases that was about a tenth of the request's work. A type that writes itself here gives the
/// same JSON as the app's own encoder: dates in ISO 8601, UTC, whole seconds; UUIDs in capitals;
/// a `nil` field left out. `JSONTextTests` holds the two side by side.
struct JSONText {
    private(set) var bytes: [UInt8] = []
    /// One entry per open object or array: whether the next member needs a comma before it.
    private var commas: [Bool] = []

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    mutating func object(_ body: (inout JSONText) throws -> Void) rethrows {
        separate()
        bytes.append(UInt8(ascii: "{"))
        commas.append(false)
        try body(&self)
        commas.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func array<Items: Sequence>(_ items: Items, _ each: (inout JSONText, Items.Element) throws -> Void)
        rethrows
    {
        separate()
        bytes.append(UInt8(ascii: "["))
        commas.append(false)
        for item in items { try each(&self, item) }
        commas.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// Starts the member `key` of the open object; the value written next belongs to it.
    mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        // The value follows the colon without a comma.
        commas[commas.count - 1] = false
    }

    mutating func field(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func field(_ name: StaticString, _ value: UUID?) {
        guard let value else { return }
        key(name)
        uuid(value)
    }

    mutating func field(_ name: StaticString, _ value: Date?) {
        guard let value else { return }
        key(name)
        date(value)
    }

    mutating func field(_ name: StaticString, _ value: Bool?) {
        guard let value else { return }
        key(name)
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func field<Number: BinaryInteger>(_ name: StaticString, _ value: Number?) {
        guard let value else { return }
        key(name)
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(Self.hex[Int(byte >> 4)])
                bytes.append(Self.hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func uuid(_ value: UUID) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        withUnsafeBytes(of: value.uuid) { raw in
            for (index, byte) in raw.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { bytes.append(UInt8(ascii: "-")) }
                bytes.append(Self.hex[Int(byte >> 4)])
                bytes.append(Self.hex[Int(byte & 0xF)])
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `2026-11-24T06:00:38Z`: the instant's UTC calendar date and time, its fraction of a second dropped.
    mutating func date(_ value: Date) {
        separate()
        let seconds = Int64(value.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let inDay = Int(seconds - days * 86_400)
        let date = LocalDate(dayNumber: Int(days))
        bytes.append(UInt8(ascii: "\""))
        digits(date.year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(date.month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(date.day, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(inDay / 3600, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(inDay / 60 % 60, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(inDay % 60, 2)
        bytes.append(contentsOf: [UInt8(ascii: "Z"), UInt8(ascii: "\"")])
    }

    /// The JSON as a response, with the content type the app's encoder sets.
    func response(status: HTTPStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(buffer: ByteBuffer(bytes: bytes)))
    }

    // MARK: Helpers

    private static let hex = Array("0123456789ABCDEF".utf8)

    /// A comma before every member of an object or array but the first.
    private mutating func separate() {
        guard let last = commas.indices.last else { return }
        if commas[last] { bytes.append(UInt8(ascii: ",")) }
        commas[last] = true
    }

    /// `value` (not negative) in decimal, zero-padded to `width` digits.
    private mutating func digits(_ value: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        if rest >= divisor * 10 {
            bytes.append(contentsOf: String(rest / (divisor * 10)).utf8)
            rest %= divisor * 10
        }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}

/// A value that writes itself as ``JSONText``.
protocol JSONTextWritable {
    func write(to json: inout JSONText)
}

extension ListPage: JSONTextWritable where Item: JSONTextWritable {
    func write(to json: inout JSONText) {
        json.object { json in
            json.key("items")
            json.array(items) { json, item in item.write(to: &json) }
            json.field("nextCursor", nextCursor)
        }
    }
}

extension JSONTextWritable {
    /// The value as a JSON response.
    func jsonResponse(status: HTTPStatus = .ok) -> Response {
        var json = JSONText()
        write(to: &json)
        return json.response(status: status)
    }
}
