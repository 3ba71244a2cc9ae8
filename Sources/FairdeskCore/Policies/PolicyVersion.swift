import Foundation

/// One numbered clause of a policy, which decisions cite ("clause 4.2").
public struct PolicyClause: Sendable, Equatable, Codable {
    /// "1", "4.2": unique within a version.
    public var number: String
    public var title: String
    /// Markdown, as the policy owner wrote it.
    public var text: String

    public init(number: String, title: String, text: String) {
        self.number = number
        self.title = title
        self.text = text
    }
}

/// A published, immutable version of a policy.
public struct PolicyVersion: Sendable, Equatable, Codable {
    /// 1, 2, 3…: the order of publication.
    public var number: Int
    public var summary: String
    public var clauses: [PolicyClause]
    /// The values code reads when it judges an event under this version (thresholds, windows…); the
    /// policy's `ParameterSchema` says which.
    public var parameters: PolicyParameters
    public var publishedAt: Date
    /// When it starts to apply; events before this instant are judged by the version before.
    public var effectiveAt: Date
    /// Marked by the owner as only favourable to the people bound, which allows no notice.
    public var favourable: Bool
    /// Set when the version was withdrawn before it took effect; it then never applies.
    public var withdrawnAt: Date?

    public init(
        number: Int, summary: String, clauses: [PolicyClause], parameters: PolicyParameters = [:],
        publishedAt: Date, effectiveAt: Date, favourable: Bool = false, withdrawnAt: Date? = nil
    ) {
        self.number = number
        self.summary = summary
        self.clauses = clauses
        self.parameters = parameters
        self.publishedAt = publishedAt
        self.effectiveAt = effectiveAt
        self.favourable = favourable
        self.withdrawnAt = withdrawnAt
    }

    /// The clause with this number, for a decision that cites it.
    public func clause(_ number: String) -> PolicyClause? { clauses.first { $0.number == number } }
}
