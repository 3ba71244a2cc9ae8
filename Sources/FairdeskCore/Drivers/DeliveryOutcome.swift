import Foundation

/// How a package's delivery ended.
public enum DeliveryOutcome: Sendable, Equatable, Codable {
    /// Handed over or left safely, at `at`, with the id of a photo when one was taken.
    case delivered(at: Date, photoID: String?)
    /// Attempted at `at` but not handed over, for `reason`.
    case undeliverable(at: Date, reason: UndeliverableReason)
    /// Brought back to the depot without an attempt being recorded.
    case returned(at: Date)

    /// When the outcome was recorded.
    public var at: Date {
        switch self {
        case .delivered(let at, _), .undeliverable(let at, _), .returned(let at): at
        }
    }

    /// The instant of a delivery attempt (delivered or undeliverable), which on-time is judged by; nil
    /// when the package came back without an attempt.
    public var attemptedAt: Date? {
        switch self {
        case .delivered(let at, _), .undeliverable(let at, _): at
        case .returned: nil
        }
    }
}
