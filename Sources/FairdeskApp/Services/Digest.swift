import Crypto
import Foundation

/// SHA-256 as lower-case hex, for token hashes, audit hashes, attachment digests and ETags.
enum Digest {
    private static let digits = Array("0123456789abcdef".utf8)

    static func sha256(_ data: some DataProtocol) -> String {
        hex(SHA256.hash(data: data))
    }

    static func sha256(_ text: String) -> String {
        sha256(Data(text.utf8))
    }

    /// Hex without `String(format:)`, which is slow on Linux and runs on every API request here.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
