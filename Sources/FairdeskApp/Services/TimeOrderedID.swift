import Foundation

/// UUIDv7 ids (RFC 9562): a millisecond timestamp, then a counter, then random bits. Ids made by
/// this process sort in the order they were made, even within one millisecond, so timeline entries
/// written in one request keep their order when sorted by (time, id).
enum TimeOrderedID {
    private static let state = NSLock()
    nonisolated(unsafe) private static var lastMillis: UInt64 = 0
    nonisolated(unsafe) private static var counter: UInt16 = 0

    static func next(at date: Date) -> UUID {
        var millis = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let sequence: UInt16 = state.withLock {
            if millis <= lastMillis {
                millis = lastMillis
                counter &+= 1
                if counter > 0x0FFF {
                    // 4096 ids in one millisecond: borrow the next millisecond.
                    lastMillis += 1
                    millis = lastMillis
                    counter = 0
                }
            } else {
                lastMillis = millis
                counter = 0
            }
            return counter
        }
        var random = SystemRandomNumberGenerator()
        let tail = random.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: millis >> (8 * UInt64(5 - i))) }
        bytes[6] = 0x70 | UInt8(sequence >> 8)
        bytes[7] = UInt8(truncatingIfNeeded: sequence)
        for i in 0..<8 { bytes[8 + i] = UInt8(truncatingIfNeeded: tail >> (8 * UInt64(i))) }
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9],
                bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}
