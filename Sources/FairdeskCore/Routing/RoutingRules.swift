import Foundation

/// The knobs of routing a team can turn.
public struct RoutingRules: Codable, Equatable, Sendable {
    /// After this wait a case is served before any higher tier, so standard customers are never starved.
    public var starvationSeconds: Int
    /// A frustrated case is treated as due this much earlier.
    public var frustrationBonusSeconds: Int

    /// Rules with the defaults: starving after an hour, frustration worth fifteen minutes.
    public init(starvationSeconds: Int = 3600, frustrationBonusSeconds: Int = 900) {
        self.starvationSeconds = starvationSeconds
        self.frustrationBonusSeconds = frustrationBonusSeconds
    }

    /// Checks the starvation limit is a minute to a week and the frustration bonus at most a day.
    public func validate() throws(ValidationFailure) {
        var checks = Checks()
        checks.integer(starvationSeconds, field: "starvationSeconds", in: 60...604_800)
        checks.integer(frustrationBonusSeconds, field: "frustrationBonusSeconds", in: 0...86_400)
        try checks.finish()
    }
}
