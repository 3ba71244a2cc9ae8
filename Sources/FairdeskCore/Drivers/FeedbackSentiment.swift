/// Whether a customer's feedback on a delivery was good or bad.
public enum FeedbackSentiment: String, Sendable, Codable, CaseIterable {
    case positive
    case negative
}
