import Foundation

/// How long a customer handed over by the bot can expect to wait for a person, said honestly.
///
/// With an agent free and nobody ahead, the router gives the case out within seconds. Otherwise
/// every agent serving the queue works through the cases ahead at about one per handle time. With
/// nobody available at all, the only honest figure is the first-response target's due time.
public struct WaitEstimate: Sendable, Equatable {
    /// Cases already waiting in the queue that will be served first.
    public var ahead: Int
    /// Available agents who serve the queue and have room on the channel now.
    public var agentsWithRoom: Int
    /// Available agents who serve the queue, with or without room.
    public var agentsAvailable: Int
    /// About how long an agent spends on a conversation before taking the next.
    public var handleTime: TimeInterval
    /// When the first-response target falls due, if one runs.
    public var firstResponseDue: Date?

    public init(
        ahead: Int, agentsWithRoom: Int, agentsAvailable: Int, handleTime: TimeInterval, firstResponseDue: Date?
    ) {
        self.ahead = ahead
        self.agentsWithRoom = agentsWithRoom
        self.agentsAvailable = agentsAvailable
        self.handleTime = handleTime
        self.firstResponseDue = firstResponseDue
    }

    /// The expected wait from `now`, or nil when nobody serves the queue and no target runs (the bot
    /// then promises nothing it can't keep).
    public func expected(at now: Date) -> TimeInterval? {
        if agentsWithRoom > ahead { return 60 }
        if agentsAvailable > 0 {
            // The ones with room take the first cases at once; the rest wait for a conversation to end.
            let queued = ahead + 1 - agentsWithRoom
            let rounds = (Double(queued) / Double(agentsAvailable)).rounded(.up)
            return max(60, rounds * handleTime)
        }
        return firstResponseDue.map { max(60, $0.timeIntervalSince(now)) }
    }
}
