import Foundation
import NIOCore

/// Where attachment bytes live. Metadata is in the database; the bytes are not.
protocol AttachmentStore: Sendable {
    /// Stores `data` under `key` (a path-safe name Fairdesk chooses).
    func save(_ data: ByteBuffer, key: String) throws
    func load(key: String) throws -> Data
    func delete(key: String)
}

/// Keeps attachments as files under `<data directory>/attachments`, two levels of folders deep
/// so no folder grows too large.
struct FileAttachmentStore: AttachmentStore {
    let root: URL

    init(root: String) {
        self.root = URL(fileURLWithPath: root, isDirectory: true)
    }

    private func url(for key: String) -> URL {
        root.appendingPathComponent(String(key.prefix(2)), isDirectory: true).appendingPathComponent(key)
    }

    func save(_ data: ByteBuffer, key: String) throws {
        let target = url(for: key)
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(data.readableBytesView).write(to: target, options: .atomic)
    }

    func load(key: String) throws -> Data { try Data(contentsOf: url(for: key)) }

    func delete(key: String) { try? FileManager.default.removeItem(at: url(for: key)) }
}
