import Foundation

/// What a team's figures say about a rate before any one agent's own figures are looked at: a
/// Beta(α, β) prior fitted from the whole team, used to shrink each agent's rate towards the team's.
///
/// Shrinkage is why an agent with 3 "no" answers out of 5 is not shown as 40% next to colleagues with
/// hundreds of answers: few answers move the estimate a little, many move it a lot.
public struct BetaBinomialPrior: Sendable, Equatable {
    /// How the prior was obtained.
    public enum Method: String, Sendable, Equatable, Codable {
        /// Method of moments: the agents' rates vary more than chance alone would make them.
        case methodOfMoments = "method_of_moments"
        /// The agents' rates vary no more than chance would make them (or the team is too small or
        /// unanimous to tell), so the prior is the team's pooled figures themselves.
        case pooledFallback = "pooled_fallback"
    }

    /// The prior distribution of agents' true rates.
    public let distribution: BetaDistribution
    /// How it was fitted.
    public let method: Method
    /// One sentence for the lead: how the prior was fitted and how strong it is.
    public let explanation: String

    /// α, the prior's weight on success, in responses.
    public var alpha: Double { distribution.alpha }
    /// β, the prior's weight on failure, in responses.
    public var beta: Double { distribution.beta }
    /// α + β: how many responses the prior is worth when it is mixed with one agent's own.
    public var strength: Double { alpha + beta }

    /// A prior from its parts; `fit(team:)` is the usual way to get one.
    public init(distribution: BetaDistribution, method: Method, explanation: String) {
        self.distribution = distribution
        self.method = method
        self.explanation = explanation
    }

    /// Fits the prior from every agent's counts; nil when the team has no trials at all.
    ///
    /// Method of moments for the beta-binomial with unequal n. With pooled rate p, m agents with at
    /// least one trial, N trials in all and S = Σ nᵢ(pᵢ − p)², the expected S is
    /// p(1−p)·[(m−1) + ρ·(N − Σnᵢ²/N − (m−1))], where ρ = 1/(α+β+1) is the share of the spread that is
    /// real difference between agents. Solving for ρ gives α + β = 1/ρ − 1, α = p·(α+β),
    /// β = (1−p)·(α+β). With equal n this is the textbook ρ = (n·s²/(p(1−p)) − 1)/(n − 1).
    ///
    /// Fallback: when ρ ≤ 0 (no spread beyond chance), when fewer than two agents have trials, when
    /// the team is unanimous (p is 0 or 1, which would give a degenerate prior), or when the fitted
    /// strength would exceed the team's own N + 1, the prior is Beta(K + ½, N − K + ½): the team's
    /// pooled counts with Jeffreys' half counts. It is centred on the pooled rate and worth as many
    /// responses as the whole team gave — strong enough that each agent's estimate sits near the team
    /// rate, as the data say it should, and never claiming more certainty than the team's data hold.
    /// The cap also keeps the two methods continuous as ρ falls towards 0. The fitted strength is never
    /// below 1, so one agent's own answers always outweigh the prior in the extreme case ρ ≥ 1.
    public static func fit(team: [Proportion]) -> BetaBinomialPrior? {
        let counted = team.filter { $0.trials > 0 }
        let pooled = Proportion.pooled(counted)
        guard let p = pooled.rate else { return nil }
        let total = Double(pooled.trials)
        let m = Double(counted.count)
        let fallbackStrength = total + 1
        let fallback = BetaBinomialPrior(
            distribution: BetaDistribution(
                alpha: Double(pooled.successes) + 0.5, beta: Double(pooled.trials - pooled.successes) + 0.5)!,
            method: .pooledFallback,
            explanation: fallbackReason(agents: counted.count, p: p, pooled: pooled))
        guard counted.count >= 2, p > 0, p < 1 else { return fallback }
        let spread = counted.reduce(0.0) { sum, agent in
            let difference = agent.rate! - p
            return sum + Double(agent.trials) * difference * difference
        }
        let sumOfSquares = counted.reduce(0.0) { $0 + Double($1.trials) * Double($1.trials) }
        let denominator = total - sumOfSquares / total - (m - 1)
        // Every agent with one trial each (or one agent with nearly all of them) leaves nothing to tell
        // real differences from chance.
        guard denominator > 0 else { return fallback }
        let rho = (spread / (p * (1 - p)) - (m - 1)) / denominator
        guard rho > 0 else { return fallback }
        let strength = max(1 / rho - 1, 1)
        guard strength < fallbackStrength else { return fallback }
        return BetaBinomialPrior(
            distribution: BetaDistribution(alpha: p * strength, beta: (1 - p) * strength)!,
            method: .methodOfMoments,
            explanation: "Fitted from \(counted.count) agents' figures (team rate \(Percent.text(p))): agents differ "
                + "more than chance alone explains, so each agent's rate is pulled towards the team's as if it had "
                + "\(Int(strength.rounded())) more responses at the team rate.")
    }

    private static func fallbackReason(agents: Int, p: Double, pooled: Proportion) -> String {
        let why: String
        if agents < 2 {
            why = "Fewer than two agents have responses, so differences between agents cannot be measured"
        } else if p == 0 || p == 1 {
            why = "Every response in the team was the same"
        } else {
            why = "Agents' rates differ no more than chance alone would make them differ"
        }
        return why + "; each agent's rate is pulled towards the team rate (\(Percent.text(p))) as if it had the "
            + "team's \(pooled.trials) responses more."
    }

    /// One agent's rate after shrinkage: the posterior Beta(k + α, n − k + β), its mean and an
    /// equal-tailed credible interval at `confidence`.
    public func shrink(_ agent: Proportion, confidence: Double = 0.95) -> ShrunkRate {
        let posterior = BetaDistribution(
            alpha: alpha + Double(agent.successes), beta: beta + Double(agent.trials - agent.successes))!
        return ShrunkRate(
            observed: agent, estimate: posterior.mean,
            interval: posterior.equalTailedInterval(confidence: confidence))
    }
}
