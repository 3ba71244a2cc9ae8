import Foundation

/// Where an SLA clock stands, as shown next to a case.
public enum SLAState: String, Codable, Sendable {
    case running
    case paused
    case atRisk = "at_risk"
    case met
    case breached
}

/// A clock read at one instant: its state, due time and how much business time is left.
public struct SLAStatus: Equatable, Sendable {
    /// Met or breached once stopped; breached when more than the target is used or a running clock is past
    /// its due time; at risk when no more than the risk fraction of the target is left; paused; else running.
    public var state: SLAState
    /// When it breaches if it keeps running; nil while paused.
    public var dueAt: Date?
    /// Business seconds left before the target; negative once more than the target is used (that much
    /// overdue), and 0 while a case due at closing time waits, late, for the next opening.
    public var businessSecondsLeft: Int
    /// Business seconds used so far.
    public var secondsUsed: Int

    /// A reading with every field given.
    public init(state: SLAState, dueAt: Date?, businessSecondsLeft: Int, secondsUsed: Int) {
        self.state = state
        self.dueAt = dueAt
        self.businessSecondsLeft = businessSecondsLeft
        self.secondsUsed = secondsUsed
    }
}
