import Foundation
import NIOCore

/// Where attachment bytes live. Metadata is in the database; the bytes are not.
protocol AttachmentStore: Sendable {
    /// Stores `data` under `key` (a path-safe name Fairdesk chooses).
    func save(_ data: ByteBuffer, key: String) throws
    /// The same for bytes already in memory as `Data`, without copying them again.
    func save(data: Data, key: String) throws
    func load(key: String) throws -> Data
    func delete(key: String)
}

/// Keeps attachments as files under `<data directory>/attachments`, two levels of folders deep
/// so no folder grows too large.
struct FileAttachmentStore: AttachmentStore {
    let root: URL
    /// The folders already made, so saving a file costs one file creation and no more.
    private let made = MadeFolders()

    init(root: String) {
        self.root = URL(fileURLWithPath: root, isDirectory: true)
    }

    private func url(for key: String) -> URL {
        root.appendingPathComponent(String(key.prefix(2)), isDirectory: true).appendingPathComponent(key)
    }

    /// Writes the file in place rather than through a temporary file and a rename: every key is new,
    /// and its database row is written only after the file, so a file cut short by a crash is never
    /// one a row points to.
    func save(_ data: ByteBuffer, key: String) throws {
        try save(data: Data(data.readableBytesView), key: key)
    }

    func save(data: Data, key: String) throws {
        let target = url(for: key)
        let folder = target.deletingLastPathComponent()
        if !made.contains(folder.path) {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            made.insert(folder.path)
        }
        try data.write(to: target)
    }

    func load(key: String) throws -> Data { try Data(contentsOf: url(for: key)) }

    func delete(key: String) { try? FileManager.default.removeItem(at: url(for: key)) }
}

/// Folder paths known to exist, shared by every copy of the store.
private final class MadeFolders: @unchecked Sendable {
    private let lock = NSLock()
    private var paths: Set<String> = []

    func contains(_ path: String) -> Bool { lock.withLock { paths.contains(path) } }
    func insert(_ path: String) { _ = lock.withLock { paths.insert(path) } }
}
