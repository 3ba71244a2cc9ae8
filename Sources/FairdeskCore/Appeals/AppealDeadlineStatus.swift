/// Where an appeal stands against its review deadline.
public enum AppealDeadlineStatus: String, Sendable, Codable, CaseIterable {
    /// Undecided, deadline not near.
    case onTrack = "on_track"
    /// Undecided and the deadline is near: someone above the reviewer is told.
    case escalated
    /// Undecided past the deadline.
    case overdue
    /// Answered in writing.
    case decided
}
