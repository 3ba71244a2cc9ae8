import Foundation

/// Whether an agent's rate is below the team's with statistical significance, and why, in words.
///
/// This replaces any "bottom X %" list: an agent is flagged only when chance is an unlikely
/// explanation of the gap, and never on fewer responses than the policy's minimum sample.
public struct BelowTeamDecision: Sendable, Equatable {
    /// What the data show about one agent against the team.
    public enum Verdict: String, Sendable, Equatable, Codable {
        /// Fewer responses than the policy's minimum: not compared at all.
        case notEnoughData = "not_enough_data"
        /// Below the lower funnel limit: the gap is unlikely to be chance.
        case belowTeam = "below_team"
        /// Inside the funnel limits: any gap can be chance.
        case withinTeam = "within_team"
        /// Above the upper funnel limit.
        case aboveTeam = "above_team"
    }

    /// The verdict.
    public var verdict: Verdict
    /// One sentence for the agent and the lead, with the numbers behind the verdict.
    public var reason: String
    /// The agent's counts.
    public var agent: Proportion
    /// The funnel limits at the agent's number of responses; nil when not compared.
    public var limits: RateInterval?
    /// (agent rate − team rate) in standard errors of the team rate at the agent's n; nil when not compared.
    public var zScore: Double?

    public init(verdict: Verdict, reason: String, agent: Proportion, limits: RateInterval?, zScore: Double?) {
        self.verdict = verdict
        self.reason = reason
        self.agent = agent
        self.limits = limits
        self.zScore = zScore
    }

    /// Whether the agent is shown as below the team.
    public var isFlagged: Bool { verdict == .belowTeam }

    /// Compares one agent with the team's funnel at the policy's `confidence` (two-sided; 0.95 gives
    /// the 95% funnel limits).
    ///
    /// Flagged only when n ≥ `minimumSample` and the agent's rate is strictly below the lower limit
    /// p − z·√(p(1−p)/n) around the team's pooled rate p. That is the same as a two-sided score test
    /// of "this agent's true rate is the team's" rejected at 1 − confidence in the low direction (a
    /// one-sided test at (1 − confidence)/2). The team rate includes the agent's own responses, as a
    /// funnel plot's centre line does; with many agents that barely moves it.
    public static func decide(
        agent: Proportion, funnel: FunnelLimits, minimumSample: Int, confidence: Double
    ) -> BelowTeamDecision {
        let teamText = "team rate \(Percent.text(funnel.teamRate))"
        let minimum = max(minimumSample, 1)
        guard agent.trials >= minimum, let rate = agent.rate,
            let band = funnel.band(trials: agent.trials, confidence: confidence)
        else {
            return BelowTeamDecision(
                verdict: .notEnoughData,
                reason: "\(responses(agent.trials)) is fewer than the policy's minimum of \(minimum), so this rate "
                    + "is not compared with the team.",
                agent: agent, limits: nil, zScore: nil)
        }
        let p = funnel.teamRate
        let standardError = (p * (1 - p) / Double(agent.trials)).squareRoot()
        let zScore = standardError > 0 ? (rate - p) / standardError : nil
        let level = Percent.level(confidence)
        let counts = "\(agent.successes) of \(agent.trials) (\(Percent.text(rate)))"
        let limitsText = "\(Percent.text(band.lower)) to \(Percent.text(band.upper))"
        let verdict: Verdict
        let reason: String
        if rate < band.lower {
            verdict = .belowTeam
            reason =
                "\(counts) is below the team's \(level) lower limit of \(Percent.text(band.lower)) for "
                + "\(responses(agent.trials)) (\(teamText)): a gap this large is unlikely to be chance."
        } else if rate > band.upper {
            verdict = .aboveTeam
            reason =
                "\(counts) is above the team's \(level) upper limit of \(Percent.text(band.upper)) for "
                + "\(responses(agent.trials)) (\(teamText))."
        } else {
            verdict = .withinTeam
            reason =
                "\(counts) is within the team's \(level) limits of \(limitsText) for \(responses(agent.trials)) "
                + "(\(teamText)): any difference can be chance."
        }
        return BelowTeamDecision(verdict: verdict, reason: reason, agent: agent, limits: band, zScore: zScore)
    }

    private static func responses(_ count: Int) -> String {
        count == 1 ? "1 response" : "\(count) responses"
    }
}
