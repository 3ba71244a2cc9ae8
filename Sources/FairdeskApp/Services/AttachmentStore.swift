import Foundation
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Where attachment bytes live. Metadata is in the database; the bytes are not.
protocol AttachmentStore: Sendable {
    /// Stores `data` under `key` (a path-safe name Fairdesk chooses).
    func save(_ data: ByteBuffer, key: String) throws
    /// The same for bytes already in memory as `Data`, without copying them again.
    func save(data: Data, key: String) throws
    /// Saves without waiting for the disk, for a bulk import that calls ``flush()`` once at the end.
    func saveQuickly(data: Data, key: String) throws
    /// Waits until everything saved quickly is on the disk.
    func flush() throws
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

    /// Writes the file and waits for the disk (fsync) before returning: the mail server is told a
    /// message is kept only once it is.
    func save(data: Data, key: String) throws {
        try write(data, to: url(for: key), sync: true)
    }

    /// Writes the file and leaves it to the system to put on the disk. A bulk import writes thousands
    /// of files; waiting for the disk after each one cost more than reading the mail.
    func saveQuickly(data: Data, key: String) throws {
        try write(data, to: url(for: key), sync: false)
    }

    /// Puts every file written so far on the disk (`sync`: the system writes out everything it holds).
    func flush() throws {
        sync()
    }

    private func write(_ data: Data, to target: URL, sync: Bool) throws {
        let folder = target.deletingLastPathComponent()
        if !made.contains(folder.path) {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            made.insert(folder.path)
        }
        let path = target.path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StoreError(action: "create", path: path, code: errno) }
        defer { close(descriptor) }
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw StoreError(action: "write", path: path, code: errno)
                }
                offset += written
            }
        }
        if sync, fsync(descriptor) != 0 { throw StoreError(action: "sync", path: path, code: errno) }
    }

    func load(key: String) throws -> Data { try Data(contentsOf: url(for: key)) }

    func delete(key: String) { try? FileManager.default.removeItem(at: url(for: key)) }
}

/// A file of the store could not be written, with the system's reason.
struct StoreError: Error, CustomStringConvertible {
    var action: String
    var path: String
    var code: Int32
    var description: String { "cannot \(action) \(path): \(String(cString: strerror(code)))" }
}

/// Folder paths known to exist, shared by every copy of the store.
private final class MadeFolders: @unchecked Sendable {
    private let lock = NSLock()
    private var paths: Set<String> = []

    func contains(_ path: String) -> Bool { lock.withLock { paths.contains(path) } }
    func insert(_ path: String) { _ = lock.withLock { paths.insert(path) } }
}
