import Foundation

/// What leads read about the bot over a period: how many conversations it settled for good, why it
/// handed the others over, and how long customers then waited for a person.
public struct BotReport: Sendable, Equatable {
    /// Where a conversation with the bot stands.
    public enum State: String, Sendable, Codable, CaseIterable {
        /// The bot is still talking with the customer.
        case withBot = "with_bot"
        /// The bot handed over to a person.
        case handedOver = "handed_over"
        /// A person stepped in before the bot handed over.
        case humanJoined = "human_joined"
        /// The bot's answers ended it: the customer thanked it, or did not write again.
        case resolved
    }

    /// One conversation as the report reads it.
    public struct Conversation: Sendable, Equatable {
        public var state: State
        /// The reasons the bot handed over, the main one first.
        public var reasons: [HandOverDecision.Reason]
        public var handedOverAt: Date?
        /// The first message a person sent after the bot.
        public var firstHumanAt: Date?
        public var resolvedAt: Date?
        /// The same customer wrote again within 7 days of the bot resolving it.
        public var repeatContact: Bool

        public init(
            state: State, reasons: [HandOverDecision.Reason] = [], handedOverAt: Date? = nil, firstHumanAt: Date? = nil,
            resolvedAt: Date? = nil, repeatContact: Bool = false
        ) {
            self.state = state
            self.reasons = reasons
            self.handedOverAt = handedOverAt
            self.firstHumanAt = firstHumanAt
            self.resolvedAt = resolvedAt
            self.repeatContact = repeatContact
        }
    }

    /// How many hand-overs had a reason, and their share of all conversations.
    public struct ReasonCount: Sendable, Equatable {
        public var reason: HandOverDecision.Reason
        /// Hand-overs with this as the main reason.
        public var count: Int
        /// `count` over all conversations in the period.
        public var rate: Double
    }

    /// How long after a repeat contact a resolution stops counting as contained.
    public static let repeatWindow: TimeInterval = 7 * 86_400

    public var conversations: Int
    /// Resolved by the bot with no repeat contact within 7 days.
    public var contained: Int
    /// Resolved by the bot, but the customer came back within 7 days.
    public var resolvedThenRepeated: Int
    /// Resolved by the bot less than 7 days ago: too soon to say whether it held.
    public var resolvedTooRecent: Int
    /// Still with the bot.
    public var open: Int
    public var handedOver: Int
    public var humanJoined: Int
    /// Contained over the conversations whose outcome is known (all but `open` and `resolvedTooRecent`);
    /// nil when there are none.
    public var containmentRate: Double?
    /// Hand-overs over all conversations; nil when there are none.
    public var escalationRate: Double?
    /// By main reason, most frequent first; every reason is listed, zero or not.
    public var byReason: [ReasonCount]
    /// Hand-overs a person has answered, and the wait from hand-over to that answer.
    public var answeredHandOvers: Int
    public var timeToHumanMedian: TimeInterval?
    public var timeToHumanP90: TimeInterval?
    /// Hand-overs still waiting for a person's first message.
    public var waitingForHuman: Int

    /// The report over `conversations`, as things stand at `now`.
    public init(_ items: [Conversation], now: Date) {
        conversations = items.count
        var contained = 0
        var repeated = 0
        var recent = 0
        var open = 0
        var handedOver = 0
        var joined = 0
        var counts: [HandOverDecision.Reason: Int] = [:]
        var waits: [TimeInterval] = []
        var waiting = 0
        for item in items {
            switch item.state {
            case .withBot: open += 1
            case .humanJoined: joined += 1
            case .resolved:
                if item.repeatContact {
                    repeated += 1
                } else if let at = item.resolvedAt, now.timeIntervalSince(at) < Self.repeatWindow {
                    recent += 1
                } else {
                    contained += 1
                }
            case .handedOver:
                handedOver += 1
                counts[item.reasons.first ?? .lowConfidence, default: 0] += 1
                if let from = item.handedOverAt, let to = item.firstHumanAt {
                    waits.append(max(0, to.timeIntervalSince(from)))
                } else {
                    waiting += 1
                }
            }
        }
        self.contained = contained
        resolvedThenRepeated = repeated
        resolvedTooRecent = recent
        self.open = open
        self.handedOver = handedOver
        humanJoined = joined
        let known = items.count - open - recent
        containmentRate = known > 0 ? Double(contained) / Double(known) : nil
        escalationRate = items.isEmpty ? nil : Double(handedOver) / Double(items.count)
        let total = items.count
        byReason = HandOverDecision.Reason.allCases.map { reason in
            let count = counts[reason, default: 0]
            return ReasonCount(reason: reason, count: count, rate: total > 0 ? Double(count) / Double(total) : 0)
        }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.reason < $1.reason }
        waits.sort()
        answeredHandOvers = waits.count
        timeToHumanMedian = Self.nearestRank(waits, 0.5)
        timeToHumanP90 = Self.nearestRank(waits, 0.9)
        waitingForHuman = waiting
    }

    /// The nearest-rank percentile of sorted `values`: the smallest value with at least `p` of the
    /// values at or below it (so the 90th of 10 waits is the 9th, not an average of two).
    public static func nearestRank(_ sorted: [TimeInterval], _ p: Double) -> TimeInterval? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
