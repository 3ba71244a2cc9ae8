/// The written reasons a decider gives, which the driver receives with the decision.
public struct StatementOfReasons: Sendable, Equatable, Codable {
    /// The clause of the policy version in force that the decision rests on: "3".
    public var clause: String
    /// The grounds, as codes the policy lists in `reason_kinds`: "on_time_rate", "fraud".
    public var grounds: [String]
    /// Ids of the records relied on, which the driver can open.
    public var evidence: [String]
    /// The reasons in the decider's words.
    public var text: String

    /// A statement as the decider wrote it.
    public init(clause: String, grounds: [String], evidence: [String], text: String) {
        self.clause = clause
        self.grounds = grounds
        self.evidence = evidence
        self.text = text
    }
}
