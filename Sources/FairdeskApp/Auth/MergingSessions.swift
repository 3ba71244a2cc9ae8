import Fluent
import Foundation
import Vapor

/// Web sessions kept in the database, like Fluent's own driver, with one difference: a request
/// writes back only the keys it changed, merged into what is stored now.
///
/// Vapor saves a request's whole session when the response leaves. A page often has several
/// requests in flight for the same browser: a form post that leaves a message for the next page
/// ("Promise recorded."), and the live view's fetch of the timeline it set off. With whole-session
/// writes the fetch, which read the session before the post saved it, wrote its older copy back
/// and the message was lost. Here a request that changed nothing writes nothing, and one that did
/// changes only its own keys, so neither undoes the other.
struct MergingSessions: SessionDriver {
    /// What the session held when this request read it, to tell which keys the request changed.
    private struct ReadKey: StorageKey {
        typealias Value = [String: String]
    }

    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        let id = Self.generateID()
        return SessionRecord(key: id, data: data).create(on: request.db).map { id }
    }

    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        SessionRecord.query(on: request.db).filter(\.$key == sessionID).first().map { record in
            if let data = record?.data { request.storage[ReadKey.self] = data.snapshot }
            return record?.data
        }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<
        SessionID
    > {
        let read = request.storage[ReadKey.self] ?? [:]
        let changes = Self.changes(from: read, to: data.snapshot)
        guard !changes.isEmpty else { return request.eventLoop.makeSucceededFuture(sessionID) }
        // Read what is stored now and apply this request's changes to it. The read and the write
        // are two statements: another request's save between them is lost, but that window is a
        // statement long rather than a whole request long.
        return SessionRecord.query(on: request.db).filter(\.$key == sessionID).first().flatMap { record in
            guard let record else { return request.eventLoop.makeSucceededFuture(sessionID) }
            record.data = SessionData(initialData: Self.apply(changes, to: record.data.snapshot))
            request.storage[ReadKey.self] = record.data.snapshot
            return record.update(on: request.db).map { sessionID }
        }
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        SessionRecord.query(on: request.db).filter(\.$key == sessionID).delete()
    }

    /// Each key whose value differs, with its new value, or nil where the request removed it.
    static func changes(from read: [String: String], to now: [String: String]) -> [String: String?] {
        var changes: [String: String?] = [:]
        for (key, value) in now where read[key] != value { changes.updateValue(value, forKey: key) }
        for key in read.keys where now[key] == nil { changes.updateValue(nil, forKey: key) }
        return changes
    }

    static func apply(_ changes: [String: String?], to stored: [String: String]) -> [String: String] {
        var merged = stored
        for (key, value) in changes { merged[key] = value }
        return merged
    }

    private static func generateID() -> SessionID {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return SessionID(string: Data(bytes).base64EncodedString())
    }
}
