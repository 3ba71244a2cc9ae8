import Foundation

/// A count of successes out of a number of trials: 31 of 40 customers said the case was solved.
///
/// Every rate in a scorecard is kept as its two counts, never as a bare percentage, so the number of
/// responses behind it is always at hand for intervals, shrinkage and the minimum-sample rule.
public struct Proportion: Sendable, Equatable, Hashable, Codable {
    /// How many counted as a success (a "yes", a contact resolved first time).
    public let successes: Int
    /// How many were counted at all (responses, contacts).
    public let trials: Int

    /// Nil when the counts cannot be a proportion: a negative count, or more successes than trials.
    public init?(successes: Int, trials: Int) {
        guard trials >= 0, successes >= 0, successes <= trials else { return nil }
        self.successes = successes
        self.trials = trials
    }

    /// successes / trials; nil with no trials, since 0 of 0 is not a rate of 0.
    public var rate: Double? {
        trials == 0 ? nil : Double(successes) / Double(trials)
    }

    /// Everyone's counts added up: the team's pooled proportion.
    public static func pooled(_ parts: [Proportion]) -> Proportion {
        Proportion(successes: parts.reduce(0) { $0 + $1.successes }, trials: parts.reduce(0) { $0 + $1.trials })!
    }
}
