import Foundation

/// An action the system or a person suggests; it changes nothing until a human decides it.
public struct ActionProposal: Sendable, Equatable, Codable, Identifiable {
    public var id: String
    public var driverID: String
    public var action: ActionKind
    /// Whether the proposal is an interim suspension taking effect at once (urgent grounds only).
    public var immediate: Bool
    /// "system" or the id of the person who proposed it; that person may not also decide it.
    public var proposedBy: String
    public var proposedAt: Date

    /// A proposal as made.
    public init(
        id: String, driverID: String, action: ActionKind, immediate: Bool = false, proposedBy: String,
        proposedAt: Date
    ) {
        self.id = id
        self.driverID = driverID
        self.action = action
        self.immediate = immediate
        self.proposedBy = proposedBy
        self.proposedAt = proposedAt
    }
}
