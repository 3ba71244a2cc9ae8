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
    /// Met or breached once stopped; breached when more than the target is used; at risk when no more than
    /// the risk fraction of the target is left; paused; otherwise running.
    public var state: SLAState
    /// When it breaches if it keeps running; nil while paused.
    public var dueAt: Date?
    /// Business seconds left before the target; negative once breached (that much overdue).
    public var businessSecondsLeft: Int
    /// Business seconds used so far.
    public var secondsUsed: Int

    public init(state: SLAState, dueAt: Date?, businessSecondsLeft: Int, secondsUsed: Int) {
        self.state = state
        self.dueAt = dueAt
        self.businessSecondsLeft = businessSecondsLeft
        self.secondsUsed = secondsUsed
    }
}
