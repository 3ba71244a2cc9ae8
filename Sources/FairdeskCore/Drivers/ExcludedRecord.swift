/// A record left out of a metric because it was excused, with the code and reason shown to the driver.
public struct ExcludedRecord: Sendable, Equatable, Codable {
    public var recordID: String
    public var code: ExcuseCode
    public var reason: String
    /// Who applied the excuse, in words.
    public var appliedBy: String

    /// The exclusion of `recordID` under `excuse`.
    public init(recordID: String, excuse: Excuse) {
        self.recordID = recordID
        self.code = excuse.code
        self.reason = excuse.reason
        self.appliedBy = excuse.source.words
    }
}
