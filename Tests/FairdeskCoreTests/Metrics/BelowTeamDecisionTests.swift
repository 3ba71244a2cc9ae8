import Foundation
import Testing

@testable import FairdeskCore

@Suite("Below the team")
struct BelowTeamDecisionTests {
    static let team = [(160, 200), (55, 100), (45, 50), (18, 30), (8, 12), (300, 360)]
    let funnel = FunnelLimits(team: Self.team.map { Proportion(successes: $0.0, trials: $0.1)! })!

    func decide(_ successes: Int, _ trials: Int, minimum: Int = 30) -> BelowTeamDecision {
        BelowTeamDecision.decide(
            agent: Proportion(successes: successes, trials: trials)!, funnel: funnel, minimumSample: minimum,
            confidence: 0.95)
    }

    // Team rate 586/752 = 77.9%. Lower 95% limit at n = 30: 63.1%; at n = 100: 69.8% (see FunnelLimitsTests).
    @Test("an agent below the lower 95% limit with enough responses is flagged, with the numbers in words")
    func flagged() throws {
        let decision = decide(18, 30)
        #expect(decision.verdict == .belowTeam)
        #expect(decision.isFlagged)
        #expect(
            decision.reason
                == "18 of 30 (60.0%) is below the team's 95% lower limit of 63.1% for 30 responses "
                + "(team rate 77.9%): a gap this large is unlikely to be chance.")
        // Expected z: Python (0.6 − p)/sqrt(p(1 − p)/30) = -2.367269308461128.
        #expect(abs(try #require(decision.zScore) - -2.367269308461128) < 1e-9)
    }

    @Test("the same figures on one response fewer than the minimum are not compared at all")
    func belowMinimumNeverFlagged() {
        let decision = decide(18, 30, minimum: 31)
        #expect(decision.verdict == .notEnoughData)
        #expect(!decision.isFlagged)
        #expect(
            decision.reason
                == "30 responses is fewer than the policy's minimum of 31, so this rate is not compared with the team.")
        #expect(decision.limits == nil)
    }

    @Test("a rate lower than the team's but inside the limits is not flagged: it can be chance")
    func lowerButWithinLimits() {
        let decision = decide(8, 12, minimum: 10)
        #expect(decision.verdict == .withinTeam)
        #expect(decision.reason.hasSuffix("any difference can be chance."))
        #expect(decision.reason.contains("54.5% to 100.0%"))
    }

    @Test("a rate above the upper limit is shown as above the team, not flagged")
    func above() {
        let decision = decide(45, 50)
        #expect(decision.verdict == .aboveTeam)
        #expect(!decision.isFlagged)
    }

    @Test("no responses with a minimum of zero is still not enough data, never a 0% flag")
    func zeroResponses() {
        #expect(decide(0, 0, minimum: 0).verdict == .notEnoughData)
    }
}
