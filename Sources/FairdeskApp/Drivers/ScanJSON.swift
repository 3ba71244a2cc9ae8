import FairdeskCore
import Foundation

/// Reads a package's stored scans (`driver_packages.scans`, written by `JSONEncoder` from
/// `[ScanEvent]`). Rebuilding every driver's counters reads millions of them, and `JSONDecoder`
/// spends most of that time on its generic machinery; this reads the one shape stored, byte by
/// byte, and hands anything else (escapes, missing keys) to `JSONDecoder`, so the answer is the same.
enum ScanJSON {
    static func scans(_ text: String) -> [ScanEvent] {
        if let fast = fastScans(text) { return fast }
        return (try? JSONDecoder().decode([ScanEvent].self, from: Data(text.utf8))) ?? []
    }

    /// The scans, or nil when the text is not the plain shape this reads.
    static func fastScans(_ text: String) -> [ScanEvent]? {
        var text = text
        return text.withUTF8 { bytes -> [ScanEvent]? in
            var reader = Reader(bytes: bytes)
            return reader.scans()
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        mutating func skipSpace() {
            while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 {
                at += 1
            }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard at < bytes.count, bytes[at] == byte else { return false }
            at += 1
            return true
        }

        /// A string without escapes.
        mutating func string() -> String? {
            guard take(0x22) else { return nil }
            let start = at
            while at < bytes.count, bytes[at] != 0x22 {
                if bytes[at] == 0x5C { return nil }
                at += 1
            }
            guard at < bytes.count else { return nil }
            let value = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
            at += 1
            return value
        }

        mutating func number() -> Double? {
            skipSpace()
            let start = at
            while at < bytes.count {
                let byte = bytes[at]
                guard
                    (0x30...0x39).contains(byte) || byte == 0x2D || byte == 0x2B || byte == 0x2E || byte == 0x65
                        || byte == 0x45
                else { break }
                at += 1
            }
            guard at > start else { return nil }
            return Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self))
        }

        mutating func position() -> GeoPoint? {
            guard take(0x7B) else { return nil }
            var latitude: Double?
            var longitude: Double?
            repeat {
                guard let key = string(), take(0x3A), let value = number() else { return nil }
                switch key {
                case "latitude": latitude = value
                case "longitude": longitude = value
                default: return nil
                }
            } while take(0x2C)
            guard take(0x7D), let latitude, let longitude else { return nil }
            return GeoPoint(latitude: latitude, longitude: longitude)
        }

        mutating func scan() -> ScanEvent? {
            guard take(0x7B) else { return nil }
            var id: String?
            var time: Double?
            var position: GeoPoint?
            var accuracy: Double?
            repeat {
                guard let key = string(), take(0x3A) else { return nil }
                switch key {
                case "id": id = string()
                case "time": time = number()
                case "position": position = self.position()
                case "accuracyMetres": accuracy = number()
                default: return nil
                }
            } while take(0x2C)
            guard take(0x7D), let id, let time, let position, let accuracy else { return nil }
            // JSONEncoder's default writes a date as seconds since 2001.
            return ScanEvent(
                id: id, time: Date(timeIntervalSinceReferenceDate: time), position: position, accuracyMetres: accuracy)
        }

        mutating func scans() -> [ScanEvent]? {
            guard take(0x5B) else { return nil }
            var result: [ScanEvent] = []
            if take(0x5D) { return result }
            repeat {
                guard let scan = scan() else { return nil }
                result.append(scan)
            } while take(0x2C)
            guard take(0x5D) else { return nil }
            skipSpace()
            return at == bytes.count ? result : nil
        }
    }
}
