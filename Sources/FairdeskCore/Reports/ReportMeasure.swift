import Foundation

/// What a report rollup counts. Each event that matters to the leaders' reports adds to one or more
/// measures on the day it happens, for the case's tier and channel (see ``RollupEvent``).
public enum ReportMeasure: String, Sendable, Codable, CaseIterable {
    /// A case was opened (the denominator of "escalated to a lead").
    case casesOpened = "cases_opened"
    /// A case was resolved.
    case casesResolved = "cases_resolved"
    /// The transfers a resolved case went through, added up at its resolution.
    case resolvedBounces = "resolved_bounces"
    /// Time from when the customer reached a person to the first reply, by ``DurationBuckets`` bucket.
    case firstResponseTime = "first_response_time"
    /// Time from opening to resolution, by ``DurationBuckets`` bucket.
    case resolutionTime = "resolution_time"
    /// A satisfaction survey was answered.
    case surveyAnswers = "survey_answers"
    /// A survey was answered "yes, solved".
    case surveySolved = "survey_solved"
    /// A survey was answered "no", by the reason the customer chose (the bucket).
    case complaint
    /// The bot started a conversation.
    case botConversations = "bot_conversations"
    /// The bot handed a conversation to a person.
    case botHandOvers = "bot_hand_overs"
    /// A case went to a lead for the first time: an SLA escalation to the lead, a broken promise, or a
    /// transfer to a lead.
    case escalatedToLead = "escalated_to_lead"
    /// An SLA clock stopped before its due time.
    case slaMet = "sla_met"
    /// An SLA clock passed its due time.
    case slaMissed = "sla_missed"
    /// A promise was kept by its due time (counted on its due day).
    case promisesKept = "promises_kept"
    /// A promise came due without being kept (counted on its due day).
    case promisesBroken = "promises_broken"

    /// Measures whose bucket is a ``DurationBuckets`` index.
    public var isDuration: Bool { self == .firstResponseTime || self == .resolutionTime }
}

/// One addition to a rollup: `value` more of `measure` (in `bucket`) on `day`, for a tier and a channel.
public struct RollupIncrement: Hashable, Sendable {
    public var day: LocalDate
    public var tier: String
    public var channel: String
    public var measure: ReportMeasure
    /// The duration bucket or the complaint reason; empty for plain counts.
    public var bucket: String
    public var value: Int

    public init(
        day: LocalDate, tier: String, channel: String, measure: ReportMeasure, bucket: String = "", value: Int = 1
    ) {
        self.day = day
        self.tier = tier
        self.channel = channel
        self.measure = measure
        self.bucket = bucket
        self.value = value
    }

    /// Everything but the value: increments with the same key add up.
    public var key: Key { Key(day: day, tier: tier, channel: channel, measure: measure, bucket: bucket) }

    public struct Key: Hashable, Sendable {
        public var day: LocalDate
        public var tier: String
        public var channel: String
        public var measure: ReportMeasure
        public var bucket: String
    }

    /// Adds up increments with the same key, so one statement never touches a row twice.
    public static func merged(_ increments: [RollupIncrement]) -> [RollupIncrement] {
        var order: [Key] = []
        var sums: [Key: Int] = [:]
        for increment in increments where increment.value != 0 {
            if sums[increment.key] == nil { order.append(increment.key) }
            sums[increment.key, default: 0] += increment.value
        }
        return order.map {
            RollupIncrement(
                day: $0.day, tier: $0.tier, channel: $0.channel, measure: $0.measure, bucket: $0.bucket,
                value: sums[$0]!)
        }
    }
}

/// Increments added up in memory before they are written: a bulk load counts millions of events
/// into a few hundred thousand rows, and writes each row once.
public struct RollupTally: Sendable {
    private var sums: [RollupIncrement.Key: Int] = [:]

    public init() {}

    public mutating func add(_ increments: [RollupIncrement]) {
        for increment in increments where increment.value != 0 { sums[increment.key, default: 0] += increment.value }
    }

    /// One increment per key, in no particular order.
    public var increments: [RollupIncrement] {
        sums.map {
            RollupIncrement(
                day: $0.key.day, tier: $0.key.tier, channel: $0.key.channel, measure: $0.key.measure,
                bucket: $0.key.bucket, value: $0.value)
        }
    }

    public var isEmpty: Bool { sums.isEmpty }
}
