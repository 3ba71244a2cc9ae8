import Foundation

/// One goal of an improvement plan: a metric, the target it must reach and the period it is measured over.
public struct PlanGoal: Sendable, Equatable, Codable {
    /// Which way the target points.
    public enum Direction: String, Sendable, Codable, CaseIterable {
        /// The metric must reach the target or more (a satisfaction rate).
        case atLeast = "at_least"
        /// The metric must stay at the target or less (a median handle time in seconds).
        case atMost = "at_most"
    }

    /// The metric's name as scorecards use it: `satisfaction_rate`, `first_contact_resolution`.
    public var metric: String
    /// The value to reach, in the metric's own unit (a rate from 0 to 1, seconds…).
    public var target: Double
    /// Whether the target is a floor or a ceiling.
    public var direction: Direction
    /// The days the metric is measured over; inside the plan.
    public var period: DateInterval

    public init(metric: String, target: Double, direction: Direction, period: DateInterval) {
        self.metric = metric
        self.target = target
        self.direction = direction
        self.period = period
    }

    /// Whether `value` meets the goal.
    public func isMet(by value: Double) -> Bool {
        switch direction {
        case .atLeast: value >= target
        case .atMost: value <= target
        }
    }
}
