import Foundation

/// The figures of one row of a leaders' report (one period, for everyone or one tier or channel),
/// added up from rollup counts.
public struct ReportFigures: Sendable, Equatable {
    public var counts: [ReportMeasure: Int] = [:]
    public var complaints: [String: Int] = [:]
    public var firstResponse: [Int: Int] = [:]
    public var resolution: [Int: Int] = [:]

    public init() {}

    /// Adds one rollup row.
    public mutating func add(_ measure: ReportMeasure, bucket: String, value: Int) {
        switch measure {
        case .complaint: complaints[bucket, default: 0] += value
        case .firstResponseTime: firstResponse[Int(bucket) ?? 0, default: 0] += value
        case .resolutionTime: resolution[Int(bucket) ?? 0, default: 0] += value
        default: counts[measure, default: 0] += value
        }
    }

    public func count(_ measure: ReportMeasure) -> Int { counts[measure] ?? 0 }

    /// "Yes, solved" answers out of all answers.
    public var satisfaction: Proportion { proportion(.surveySolved, of: count(.surveyAnswers)) }
    /// Conversations the bot handed to a person, out of those it started.
    public var botEscalation: Proportion { proportion(.botHandOvers, of: count(.botConversations)) }
    /// Cases that went to a lead, out of the cases opened.
    public var leadEscalation: Proportion { proportion(.escalatedToLead, of: count(.casesOpened)) }
    /// SLA clocks met, out of those that stopped or breached.
    public var slaAttainment: Proportion { proportion(.slaMet, of: count(.slaMet) + count(.slaMissed)) }
    /// Promises kept on time, out of those that came due kept or not.
    public var promisesKept: Proportion {
        proportion(.promisesKept, of: count(.promisesKept) + count(.promisesBroken))
    }
    /// Transfers per resolved case.
    public var bouncesPerResolvedCase: Double? {
        count(.casesResolved) > 0 ? Double(count(.resolvedBounces)) / Double(count(.casesResolved)) : nil
    }

    /// The complaint reasons, most common first (ties by name), with their counts.
    public var topComplaints: [(reason: String, count: Int)] {
        complaints.filter { $0.value > 0 }.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            .map { (reason: $0.key, count: $0.value) }
    }

    public var firstResponseCount: Int { firstResponse.values.reduce(0, +) }
    public var resolutionCount: Int { resolution.values.reduce(0, +) }
    public func firstResponseSeconds(quantile: Double) -> Double? {
        DurationBuckets.quantile(quantile, of: firstResponse)
    }
    public func resolutionSeconds(quantile: Double) -> Double? { DurationBuckets.quantile(quantile, of: resolution) }

    private func proportion(_ measure: ReportMeasure, of trials: Int) -> Proportion {
        // Rollups only ever add, so successes never exceed trials; guard anyway against a hand-edited row.
        Proportion(successes: min(count(measure), trials), trials: trials)!
    }
}
