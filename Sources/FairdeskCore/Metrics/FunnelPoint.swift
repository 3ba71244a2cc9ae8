import Foundation

/// The funnel plot's limits at one number of responses: one vertical slice of the curves.
public struct FunnelPoint: Sendable, Equatable {
    /// The number of responses n.
    public var trials: Int
    /// The 95% limits at n.
    public var warning: RateInterval
    /// The 99.8% limits at n.
    public var control: RateInterval

    public init(trials: Int, warning: RateInterval, control: RateInterval) {
        self.trials = trials
        self.warning = warning
        self.control = control
    }
}
