import Foundation

/// The two sides of an improvement plan's coaching: the lead who promised it and the agent it is for.
public enum CoachingParty: String, Sendable, Codable, CaseIterable {
    case lead
    case agent
}
