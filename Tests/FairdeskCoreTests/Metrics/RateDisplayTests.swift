import Foundation
import Testing

@testable import FairdeskCore

@Suite("Rate display")
struct RateDisplayTests {
    @Test("below the minimum sample the rate reads 'not enough data' and is never ranked")
    func notEnoughData() {
        let display = RateDisplay(Proportion(successes: 12, trials: 12)!, minimumSample: 30, confidence: 0.95)
        #expect(display == .notEnoughData(Proportion(successes: 12, trials: 12)!, minimum: 30))
        #expect(!display.isRankable)
        #expect(display.text == "not enough data (12 responses; 30 needed)")
    }

    // Interval: statsmodels `proportion_confint(31, 40, alpha=0.05, method="wilson")` = (0.62497, 0.87684).
    @Test("at the minimum sample the rate shows with its 95% Wilson interval and number of responses")
    func shownWithInterval() {
        let display = RateDisplay(Proportion(successes: 31, trials: 40)!, minimumSample: 40, confidence: 0.95)
        #expect(display.isRankable)
        #expect(display.text == "77.5% (95% interval 62.5% to 87.7%, 40 responses)")
    }

    @Test("only agents with enough responses can appear in an ordering")
    func rankable() {
        let displays: [(key: String, display: RateDisplay)] = [
            ("ana", RateDisplay(Proportion(successes: 31, trials: 40)!, minimumSample: 30, confidence: 0.95)),
            ("ben", RateDisplay(Proportion(successes: 2, trials: 3)!, minimumSample: 30, confidence: 0.95)),
            ("cai", RateDisplay(Proportion(successes: 20, trials: 30)!, minimumSample: 30, confidence: 0.95)),
        ]
        #expect(RateDisplay.rankable(displays) == ["ana", "cai"])
    }

    @Test("no responses is never a rate, even when the policy's minimum is 0")
    func zero() {
        let display = RateDisplay(Proportion(successes: 0, trials: 0)!, minimumSample: 0, confidence: 0.95)
        #expect(!display.isRankable)
        #expect(display.text == "not enough data (0 responses; 1 needed)")
    }
}
