import Foundation

/// Where "now" comes from. Rules never read the system time themselves; they are handed a clock,
/// so tests can stand at any instant and replay it.
public protocol WallClock: Sendable {
    /// The current instant.
    var now: Date { get }
}

/// The real clock. The only place in Fairdesk that asks the operating system for the time.
public struct SystemClock: WallClock {
    public init() {}
    public var now: Date { Date() }
}

/// A clock that stands still until told to move; for tests and for reproducible seed data.
public final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date) { self.current = start }

    public var now: Date { lock.withLock { current } }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }

    /// Puts the clock at `date`.
    public func set(_ date: Date) {
        lock.withLock { current = date }
    }
}
