import Foundation
import NIOConcurrencyHelpers

/// Who a bearer token belongs to and which queues they work, remembered for a few seconds.
///
/// API clients send the same token with every request; checking it costs three queries (token,
/// user, queues). Remembering the answer briefly saves them. In this process a revoked token, a
/// role change or a new queue membership takes effect at once (the entry is dropped); in other
/// processes, after at most ``lifetime`` seconds.
final class LoginCache: Sendable {
    struct Entry: @unchecked Sendable {
        var user: User
        var queueIDs: Set<UUID>
        var checkedAt: Date
        var tokenExpiresAt: Date?
    }

    static let lifetime: TimeInterval = 10
    /// Above this many entries the cache starts afresh, so it never grows without bound.
    static let capacity = 10_000

    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    func entry(for tokenHash: String, now: Date) -> Entry? {
        entries.withLockedValue { entries in
            guard let entry = entries[tokenHash] else { return nil }
            let fresh = now.timeIntervalSince(entry.checkedAt) < Self.lifetime
            let valid = entry.tokenExpiresAt.map { $0 > now } ?? true
            if fresh && valid { return entry }
            entries[tokenHash] = nil
            return nil
        }
    }

    func remember(_ entry: Entry, for tokenHash: String) {
        entries.withLockedValue { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[tokenHash] = entry
        }
    }

    func forget(tokenHash: String) {
        entries.withLockedValue { _ = $0.removeValue(forKey: tokenHash) }
    }

    /// Drops every entry of `userID` (after a role or membership change).
    func forget(userID: UUID) {
        entries.withLockedValue { entries in
            entries = entries.filter { $0.value.user.id != userID }
        }
    }
}
