import FairdeskCore
import Fluent
import Foundation
import SQLKit

extension Scorecards {
    /// Every active agent's satisfaction side by side, for leads: the rate with its interval, the
    /// empirical-Bayes estimate shrunk towards the team, and a flag only where the funnel's limits
    /// show the agent below the team with statistical significance. No fixed "bottom X %" exists.
    /// The answers behind each agent's figure are on that agent's own scorecard; the team view counts
    /// them in the database, so it costs the same for ten agents or a thousand.
    func team(from: Date, to: Date) async throws -> TeamScorecardDTO {
        let agents = try await User.query(on: db).filter(\.$role == .agent).filter(\.$active == true)
            .sort(\.$name).all()
        let ids = try agents.map { try $0.requireID() }
        // The rules binding agents at the end of the period; a policy for one team or place binds its
        // agents' own scorecards, the team view reads the general one.
        var rules = Rules.suggested
        if let first = agents.first { rules = try await self.rules(for: first, at: to) }
        let counted = try await satisfactionCounts(of: ids, from: from, to: to)
        let counts = ids.map { counted[$0] ?? Proportion(successes: 0, trials: 0)! }
        let prior = BetaBinomialPrior.fit(team: counts.filter { $0.trials > 0 })
        let funnel = FunnelLimits(team: counts)
        var rows: [TeamScorecardDTO.Agent] = []
        for (index, agent) in agents.enumerated() {
            let count = counts[index]
            let shrunk = count.trials > 0 ? prior?.shrink(count, confidence: rules.confidence) : nil
            let decision = funnel.map {
                BelowTeamDecision.decide(
                    agent: count, funnel: $0, minimumSample: rules.minimumSample, confidence: rules.confidence)
            }
            rows.append(
                TeamScorecardDTO.Agent(
                    agentId: ids[index], name: agent.name, team: agent.team,
                    satisfaction: ScorecardDTO.Rate(
                        count, minimumSample: rules.minimumSample, confidence: rules.confidence,
                        figure: .satisfaction),
                    shrunk: shrunk?.estimate, shrunkLower: shrunk?.interval?.lower,
                    shrunkUpper: shrunk?.interval?.upper,
                    verdict: decision?.verdict.rawValue ?? BelowTeamDecision.Verdict.notEnoughData.rawValue,
                    reason: decision?.reason ?? "Nobody in the team has answered surveys in this period.",
                    flagged: decision?.isFlagged ?? false))
        }
        let most = counts.map(\.trials).max() ?? 0
        let curve = funnel?.curve(upTo: max(most, 10)) ?? []
        // At most about 80 points for drawing: every n where the curve bends most, then spaced out.
        let step = max(1, curve.count / 80)
        let limits = curve.enumerated().filter {
            $0.offset < 20 || $0.offset % step == 0 || $0.offset == curve.count - 1
        }
        .map {
            TeamScorecardDTO.Limit(
                trials: $0.element.trials, warningLower: $0.element.warning.lower,
                warningUpper: $0.element.warning.upper, controlLower: $0.element.control.lower,
                controlUpper: $0.element.control.upper)
        }
        let disputes = try await SurveyDisputes.disputes(openOnly: true, on: db).map {
            TeamScorecardDTO.Dispute(
                id: $0.id, agentName: $0.agentName ?? "", caseNumber: $0.caseNumber ?? 0, note: $0.note,
                createdAt: $0.createdAt)
        }
        let pooled = Proportion.pooled(counts)
        return TeamScorecardDTO(
            from: from, to: to, policy: rules.policy, minimumSample: rules.minimumSample,
            confidence: rules.confidence, teamRate: pooled.rate, teamResponses: pooled.trials,
            prior: prior?.explanation, agents: rows, limits: limits, disputes: disputes)
    }
}
