/// What the tier rule made of a driver's numbers.
public struct TierJudgement: Sendable, Equatable, Codable {
    /// Nil when there were too few deliveries in the window to judge fairly.
    public var tier: StandingTier?
    /// The conditions that put the driver At risk; empty for every other tier.
    public var shortfalls: [TierShortfall]
    /// The reason in words, for the driver's page: "Great: on-time 96% ≥ 95%, every floor met".
    public var explanation: String

    /// A judgement from its parts.
    public init(tier: StandingTier?, shortfalls: [TierShortfall], explanation: String) {
        self.tier = tier
        self.shortfalls = shortfalls
        self.explanation = explanation
    }
}
