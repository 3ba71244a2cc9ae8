/// An action against a driver that only a named human may decide.
public enum ActionKind: String, Sendable, Codable, CaseIterable {
    /// Fewer or narrower offers for a time.
    case restriction
    /// No offers for a time.
    case suspension
    /// The account closed.
    case deactivation
}
