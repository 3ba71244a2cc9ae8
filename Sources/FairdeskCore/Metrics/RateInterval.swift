import Foundation

/// A range a rate lies in with a stated confidence: a Wilson confidence interval or a Bayesian
/// credible interval, both between 0 and 1.
public struct RateInterval: Sendable, Equatable, Codable {
    /// The lower end, from 0 to 1.
    public var lower: Double
    /// The upper end, from 0 to 1.
    public var upper: Double
    /// The level the interval was built for: 0.95 means 95%.
    public var confidence: Double

    public init(lower: Double, upper: Double, confidence: Double) {
        self.lower = lower
        self.upper = upper
        self.confidence = confidence
    }

    /// Whether `rate` lies inside, ends included.
    public func contains(_ rate: Double) -> Bool { lower <= rate && rate <= upper }
}
