import Foundation

/// How a rate is shown on a scorecard: with its interval and its number of responses, or as "not
/// enough data" when there are fewer responses than the policy's minimum sample.
///
/// The minimum sample is `minimum_responses_for_rank` of the agent-conduct policy. Below it a rate
/// says more about luck than about the agent, so it is neither shown as a number nor ranked.
public enum RateDisplay: Sendable, Equatable {
    /// Too few responses: the counts, and the minimum they fall short of.
    case notEnoughData(Proportion, minimum: Int)
    /// A rate that may be shown and ranked, with its Wilson interval.
    case rate(Proportion, interval: RateInterval)

    /// The display of `counts` under a minimum sample of `minimumSample` (at least 1: 0 of 0 is never
    /// a rate) with a Wilson interval at `confidence`.
    public init(_ counts: Proportion, minimumSample: Int, confidence: Double) {
        let minimum = max(minimumSample, 1)
        if counts.trials >= minimum, let interval = counts.wilsonInterval(confidence: confidence) {
            self = .rate(counts, interval: interval)
        } else {
            self = .notEnoughData(counts, minimum: minimum)
        }
    }

    /// Whether the rate may be placed in any ordering of agents.
    public var isRankable: Bool {
        if case .rate = self { return true }
        return false
    }

    /// The counts behind the display, either way.
    public var counts: Proportion {
        switch self {
        case .notEnoughData(let counts, _), .rate(let counts, _): counts
        }
    }

    /// The words on the scorecard: "77.5% (95% interval 62.5% to 87.7%, 40 responses)" or
    /// "not enough data (12 responses; 30 needed)".
    public var text: String {
        switch self {
        case .notEnoughData(let counts, let minimum):
            "not enough data (\(counts.trials) \(counts.trials == 1 ? "response" : "responses"); \(minimum) needed)"
        case .rate(let counts, let interval):
            "\(Percent.text(counts.rate!)) (\(Percent.level(interval.confidence)) interval "
                + "\(Percent.text(interval.lower)) to \(Percent.text(interval.upper)), \(counts.trials) "
                + "\(counts.trials == 1 ? "response" : "responses"))"
        }
    }

    /// Only the keys whose display is rankable, in the order given: the only agents an ordering may hold.
    public static func rankable<Key>(_ displays: [(key: Key, display: RateDisplay)]) -> [Key] {
        displays.filter { $0.display.isRankable }.map(\.key)
    }
}
