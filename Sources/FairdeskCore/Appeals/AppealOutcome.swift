import Foundation

/// What the reviewer decided.
public enum AppealOutcome: Sendable, Equatable, Codable {
    /// The decision is undone: access restored.
    case reinstated
    /// The decision stands.
    case denied
    /// Access restored on conditions to be met by `dueBy`; failing them sends the case back to review,
    /// never straight to a new action.
    case conditionallyReinstated(requirements: [ReinstatementRequirement], dueBy: Date)

    /// The outcome's name: "conditionally reinstated".
    public var title: String {
        switch self {
        case .reinstated: "reinstated"
        case .denied: "denied"
        case .conditionallyReinstated: "conditionally reinstated"
        }
    }
}
