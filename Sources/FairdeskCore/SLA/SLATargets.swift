import Foundation

/// What an SLA clock measures on a case.
public enum SLAMetric: String, Codable, CaseIterable, Sendable {
    /// From the customer's first message to our first reply.
    case firstResponse = "first_response"
    /// From a customer's follow-up to our next reply.
    case nextResponse = "next_response"
    /// From opening to solving the case; waits while the case is pending the customer.
    case resolution
}

/// The time allowed for each metric, in business minutes; nil means that metric is not tracked.
public struct SLATargets: Codable, Equatable, Sendable {
    /// Longest target accepted: a year of business minutes.
    public static let maximumMinutes = 525_600

    public var firstResponseMinutes: Int?
    public var nextResponseMinutes: Int?
    public var resolutionMinutes: Int?

    /// Targets in business minutes; leave one out to not track that metric.
    public init(firstResponseMinutes: Int? = nil, nextResponseMinutes: Int? = nil, resolutionMinutes: Int? = nil) {
        self.firstResponseMinutes = firstResponseMinutes
        self.nextResponseMinutes = nextResponseMinutes
        self.resolutionMinutes = resolutionMinutes
    }

    /// The target for `metric`, if one is set.
    public func minutes(for metric: SLAMetric) -> Int? {
        switch metric {
        case .firstResponse: firstResponseMinutes
        case .nextResponse: nextResponseMinutes
        case .resolution: resolutionMinutes
        }
    }

    /// Checks that each target is absent or between one minute and a year.
    public func validate() throws(ValidationFailure) {
        var checks = Checks()
        let range = 1...Self.maximumMinutes
        checks.integer(firstResponseMinutes, field: "firstResponseMinutes", in: range, required: false)
        checks.integer(nextResponseMinutes, field: "nextResponseMinutes", in: range, required: false)
        checks.integer(resolutionMinutes, field: "resolutionMinutes", in: range, required: false)
        try checks.finish()
    }
}
