import Foundation

/// The thresholds of the bot's hand-over rules. Policies set them; the defaults are where a new
/// deployment starts and what the evaluation set is scored with.
public struct BotSettings: Sendable, Equatable, Codable {
    /// Below this confidence (0…1) the bot does not answer and hands over.
    public var minimumConfidence: Double
    /// How many of the customer's questions the bot answers without one being resolved; the next goes
    /// to a person. Greetings and thanks do not count.
    public var maximumUnresolvedTurns: Int
    /// How alike (0…1) a message must be to one of the customer's earlier messages to count as asking again.
    public var repeatSimilarity: Double
    /// The frustration score (see ``FrustrationSignals``) at which the bot hands over; one clear sign scores 1.
    public var frustrationThreshold: Double
    /// Topics only a person may handle.
    public var humanOnlyTopics: [HumanOnlyTopic]

    public init(
        minimumConfidence: Double = 0.5,
        maximumUnresolvedTurns: Int = 4,
        repeatSimilarity: Double = 0.5,
        frustrationThreshold: Double = 1.0,
        humanOnlyTopics: [HumanOnlyTopic] = HumanOnlyTopic.defaults
    ) {
        self.minimumConfidence = minimumConfidence
        self.maximumUnresolvedTurns = maximumUnresolvedTurns
        self.repeatSimilarity = repeatSimilarity
        self.frustrationThreshold = frustrationThreshold
        self.humanOnlyTopics = humanOnlyTopics
    }
}
