/// The finding Fairdesk proposes for a claim, with the evidence and the reasons in words. Only a
/// proposal: a person confirms or changes it (`DisputeDecision`).
public struct DisputeAssessment: Sendable, Equatable, Codable {
    public var finding: DisputeFinding
    /// One sentence each on place, time and photo, then the conclusion.
    public var reasons: [String]
    public var evidence: DisputeEvidence

    /// An assessment from its parts.
    public init(finding: DisputeFinding, reasons: [String], evidence: DisputeEvidence) {
        self.finding = finding
        self.reasons = reasons
        self.evidence = evidence
    }
}
