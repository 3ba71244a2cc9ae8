/// One thing a warning is about: a metric below its threshold, or a clause broken.
public struct WarningFinding: Sendable, Equatable, Codable {
    /// The metric, when the finding is about one.
    public var metric: MetricKind?
    /// The clause number, when the finding is about one.
    public var clause: String?
    /// What was found, in words: "on-time rate: 86% (43 of 50)".
    public var finding: String
    /// Ids of the records behind it, which the driver can open.
    public var evidence: [String]
    /// What restores good standing: "an on-time rate of at least 90% over the last 28 days".
    public var wayBack: String

    /// A finding from its parts.
    public init(metric: MetricKind?, clause: String?, finding: String, evidence: [String], wayBack: String) {
        self.metric = metric
        self.clause = clause
        self.finding = finding
        self.evidence = evidence
        self.wayBack = wayBack
    }

    /// What it is about, as a heading: "on-time rate" or "clause 3.2".
    public var subject: String {
        metric?.title ?? clause.map { "clause \($0)" } ?? "policy"
    }
}
