/// How one reinstatement requirement stands, with the records behind the answer.
public struct RequirementProgress: Sendable, Equatable, Codable {
    public var requirement: ReinstatementRequirement
    public var status: RequirementStatus
    /// Why, in words: "7 of 10 worked blocks so far; on-time 96% (48 of 50)".
    public var note: String
    /// Block and package ids the answer rests on.
    public var evidence: [String]

    /// Progress from its parts.
    public init(requirement: ReinstatementRequirement, status: RequirementStatus, note: String, evidence: [String]) {
        self.requirement = requirement
        self.status = status
        self.note = note
        self.evidence = evidence
    }
}
