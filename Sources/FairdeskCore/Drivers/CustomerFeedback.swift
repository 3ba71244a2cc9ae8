import Foundation

/// What a customer said about one delivery.
public struct CustomerFeedback: Sendable, Equatable, Codable, Identifiable {
    public var id: String
    public var driverID: String
    /// The package it is about; an excuse on the package (or its block) covers the feedback too,
    /// since a customer annoyed by a storm-delayed parcel is not judging the driver.
    public var packageID: String
    public var receivedAt: Date
    public var sentiment: FeedbackSentiment
    /// The customer's words, shown to the driver as they were written.
    public var comment: String?

    /// Feedback as the customer gave it.
    public init(
        id: String, driverID: String, packageID: String, receivedAt: Date, sentiment: FeedbackSentiment,
        comment: String? = nil
    ) {
        self.id = id
        self.driverID = driverID
        self.packageID = packageID
        self.receivedAt = receivedAt
        self.sentiment = sentiment
        self.comment = comment
    }
}
