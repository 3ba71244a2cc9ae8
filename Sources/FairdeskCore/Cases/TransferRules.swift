import Foundation

/// The rules for handing a case from one owner to another: no bouncing without history.
public struct TransferRules: Sendable {
    /// The shortest handoff note accepted, in characters after trimming.
    public var minimumNoteLength: Int
    /// How many different human owners a case may have before only a lead or admin may move it on.
    public var maximumOwners: Int

    public init(minimumNoteLength: Int, maximumOwners: Int) {
        self.minimumNoteLength = minimumNoteLength
        self.maximumOwners = maximumOwners
    }

    /// Where a case goes.
    public enum Target: Sendable, Equatable {
        case agent(ownerKey: String)
        case queue(queueKey: String)
    }

    /// Checks a transfer and returns the trimmed handoff note.
    ///
    /// - Parameters:
    ///   - note: the handoff note as typed.
    ///   - target: the agent or queue the case goes to.
    ///   - currentOwnerKey: the agent who owns the case now, if any.
    ///   - currentQueueKey: the queue the case sits in now, if any.
    ///   - previousOwnerKeys: every human who has owned the case so far.
    ///   - mayExceedOwnerCap: whether the person transferring is a lead or admin.
    public func check(
        note: String?,
        target: Target,
        currentOwnerKey: String?,
        currentQueueKey: String?,
        previousOwnerKeys: Set<String>,
        mayExceedOwnerCap: Bool
    ) throws(ValidationFailure) -> String {
        var checks = Checks()
        let trimmed = (note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            checks.add(
                "handoffNote",
                "is required: write what is known and what was tried, so the next person does not ask the customer again"
            )
        } else if trimmed.count < minimumNoteLength {
            checks.add(
                "handoffNote",
                "must be at least \(minimumNoteLength) characters (got \(trimmed.count)): say what is known and what was tried"
            )
        } else if trimmed.count > 10_000 {
            checks.add("handoffNote", "must be at most 10000 characters (got \(trimmed.count))")
        }
        switch target {
        case .agent(let key):
            if key == currentOwnerKey {
                checks.add("toAgentId", "must be someone other than the current owner")
            } else if !previousOwnerKeys.contains(key), previousOwnerKeys.count >= maximumOwners, !mayExceedOwnerCap {
                checks.add(
                    "toAgentId",
                    "would be owner number \(previousOwnerKeys.count + 1) of this case; the cap is \(maximumOwners), so a lead must make this transfer"
                )
            }
        case .queue(let key):
            if key == currentQueueKey && currentOwnerKey == nil {
                checks.add("toQueueId", "must be a different queue: the case is already waiting there")
            }
        }
        try checks.finish()
        return trimmed
    }
}
