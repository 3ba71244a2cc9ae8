import Foundation

/// An action the system or a person suggests; it changes nothing until a human decides it.
public struct ActionProposal: Sendable, Equatable, Codable, Identifiable {
    public var id: String
    public var driverID: String
    public var action: ActionKind
    /// Whether the proposal is an interim suspension taking effect at once (urgent grounds only).
    public var immediate: Bool
    /// How many days a suspension or restriction lasts (the policy sets the longest); nil for a
    /// deactivation, which has no end, and for an interim suspension, which lapses by its own rule.
    public var days: Int?
    /// "system" or the id of the person who proposed it; that person may not also decide it.
    public var proposedBy: String
    public var proposedAt: Date

    /// A proposal as made.
    public init(
        id: String, driverID: String, action: ActionKind, immediate: Bool = false, days: Int? = nil,
        proposedBy: String, proposedAt: Date
    ) {
        self.id = id
        self.driverID = driverID
        self.action = action
        self.immediate = immediate
        self.days = days
        self.proposedBy = proposedBy
        self.proposedAt = proposedAt
    }
}
