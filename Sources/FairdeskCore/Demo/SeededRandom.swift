import Foundation

/// SplitMix64: a tiny, fast generator whose output depends only on its seed, so demo data is the
/// same on every machine and every run.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { self.state = seed }

    /// A generator for item `index` of a stream, independent of every other item, so that items
    /// can be generated in any order and in batches.
    public init(seed: UInt64, stream: UInt64, index: Int) {
        var mixer = SeededRandom(seed: seed ^ (stream &* 0x9E37_79B9_7F4A_7C15))
        for _ in 0..<2 { _ = mixer.next() }
        self.state = mixer.next() ^ UInt64(truncatingIfNeeded: index) &* 0xBF58_476D_1CE4_E5B9
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// One element of a non-empty array.
    public mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
}

extension SeededRandom {
    /// An id that sorts by `ordinal`: a prefix for the stream, then the ordinal (big-endian), then
    /// random bits (RFC 9562 version 8, "custom"). Rows seeded in order then go to the end of
    /// their primary-key index instead of to random pages, which keeps bulk loads fast.
    public mutating func orderedUUID(stream: UInt32, ordinal: UInt64) -> UUID {
        let tail = next()
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<4 { bytes[i] = UInt8(truncatingIfNeeded: stream >> (8 * UInt32(3 - i))) }
        for i in 0..<6 { bytes[4 + i] = UInt8(truncatingIfNeeded: ordinal >> (8 * UInt64(5 - i))) }
        for i in 0..<6 { bytes[10 + i] = UInt8(truncatingIfNeeded: tail >> (8 * UInt64(i))) }
        // Version 8 in the high nibble of byte 6, which keeps the ordinal's top bits below it.
        bytes[6] = 0x80 | (bytes[6] & 0x0F)
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9],
                bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    /// A version-4-shaped UUID drawn from this generator, so seeded rows get the same ids every run.
    public mutating func uuid() -> UUID {
        let a = next()
        let b = next()
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: a >> (8 * UInt64(i)))
            bytes[8 + i] = UInt8(truncatingIfNeeded: b >> (8 * UInt64(i)))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9],
                bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}
