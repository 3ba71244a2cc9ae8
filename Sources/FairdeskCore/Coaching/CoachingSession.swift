import Foundation

/// One coaching session of an improvement plan: scheduled, then either held (with notes the agent
/// reads and may answer) or missed (with who missed it).
///
/// Changes return a new value and refuse with a `ValidationFailure` when they make no sense, so a
/// held session cannot later be marked missed and the count of coaching delivered cannot be bent.
public struct CoachingSession: Sendable, Equatable, Codable {
    /// Where the session stands.
    public enum Status: Sendable, Equatable, Codable {
        /// Booked and not yet recorded either way.
        case scheduled
        /// Held at `at`, with the lead's notes.
        case held(at: Date, notes: String)
        /// Did not happen; `by` is who missed it, recorded at `recordedAt`.
        case missed(by: CoachingParty, recordedAt: Date)
    }

    /// The agent's written answer to a held session's notes.
    public struct Comment: Sendable, Equatable, Codable {
        /// The agent's words, trimmed.
        public var text: String
        /// When the agent wrote it.
        public var at: Date

        public init(text: String, at: Date) {
            self.text = text
            self.at = at
        }
    }

    /// The longest notes or comment kept, in characters.
    public static let maximumTextLength = 10_000

    public var id: UUID
    /// When the session is booked for.
    public var scheduledAt: Date
    public var status: Status
    /// The agent's comments on the notes, oldest first.
    public var agentComments: [Comment]

    public init(id: UUID, scheduledAt: Date, status: Status = .scheduled, agentComments: [Comment] = []) {
        self.id = id
        self.scheduledAt = scheduledAt
        self.status = status
        self.agentComments = agentComments
    }

    /// The session recorded as held at `at` with the lead's `notes` (required: the agent is entitled
    /// to know what was covered). Only a scheduled session can be held.
    public func held(notes: String, at: Date) throws(ValidationFailure) -> CoachingSession {
        var checks = Checks()
        checkStillScheduled(&checks)
        let trimmed = checks.text(notes, field: "notes", max: Self.maximumTextLength)
        try checks.finish()
        var session = self
        session.status = .held(at: at, notes: trimmed!)
        return session
    }

    /// The session recorded as missed by `party` at `at`. Only a scheduled session can be missed, and
    /// not before it was due: until then it can still happen.
    public func missed(by party: CoachingParty, at: Date) throws(ValidationFailure) -> CoachingSession {
        var checks = Checks()
        checkStillScheduled(&checks)
        if at < scheduledAt {
            checks.add("status", "cannot be missed before the session was due")
        }
        try checks.finish()
        var session = self
        session.status = .missed(by: party, recordedAt: at)
        return session
    }

    /// The session with the agent's comment on its notes added. Only a held session has notes to answer.
    public func commented(_ text: String, at: Date) throws(ValidationFailure) -> CoachingSession {
        var checks = Checks()
        if !isHeld {
            checks.add("sessionID", "must be a session that was held: only held sessions have notes to answer")
        }
        let trimmed = checks.text(text, field: "comment", max: Self.maximumTextLength)
        try checks.finish()
        var session = self
        session.agentComments.append(Comment(text: trimmed!, at: at))
        return session
    }

    /// Whether the session was held.
    public var isHeld: Bool {
        if case .held = status { return true }
        return false
    }

    private func checkStillScheduled(_ checks: inout Checks) {
        switch status {
        case .scheduled: break
        case .held: checks.add("status", "is already recorded as held")
        case .missed: checks.add("status", "is already recorded as missed")
        }
    }
}
