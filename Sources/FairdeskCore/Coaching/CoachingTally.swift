import Foundation

/// Coaching promised to date against coaching delivered, as the plan page and the escalation rule
/// count it.
///
/// Promised to date is the cadence times the whole weeks elapsed since the plan started (capped at
/// the plan's length): within a week the lead still has time, so a session is owed only once its week
/// is over. Held sessions count however early they were held.
///
/// A session the agent missed counts as offered: it is not delivered, but it is not owed by the lead
/// either, since the lead kept the promise to offer it. Counting it against the lead would let an
/// agent block any escalation by not turning up; counting it as delivered would hide it, so it is
/// reported on its own line. A session the lead missed stays owed.
public struct CoachingTally: Sendable, Equatable {
    /// Sessions the plan has promised by now.
    public var promised: Int
    /// Sessions held by now.
    public var held: Int
    /// Sessions the lead missed.
    public var missedByLead: Int
    /// Sessions the agent missed: offered, so not owed.
    public var missedByAgent: Int
    /// Sessions booked and not yet recorded either way.
    public var scheduled: Int
    /// Promised sessions neither held nor offered: what the lead still owes.
    public var owed: Int

    /// The tally of `plan` as of `now`; records made after `now` are not counted, so a past moment
    /// can be replayed.
    public init(plan: ImprovementPlan, at now: Date) {
        let elapsed = now.timeIntervalSince(plan.startsAt)
        let wholeWeeks = elapsed <= 0 ? 0 : min(Int((elapsed / ImprovementPlan.week).rounded(.down)), plan.weeks)
        promised = wholeWeeks * plan.sessionsPerWeek
        held = 0
        missedByLead = 0
        missedByAgent = 0
        scheduled = 0
        for session in plan.sessions {
            switch session.status {
            case .held(let at, _) where at <= now: held += 1
            case .missed(.lead, let at) where at <= now: missedByLead += 1
            case .missed(.agent, let at) where at <= now: missedByAgent += 1
            default: scheduled += 1
            }
        }
        owed = max(0, promised - held - missedByAgent)
    }

    /// Whether everything promised so far was held or offered.
    public var isDelivered: Bool { owed == 0 }

    /// The tally in words: "2 of 6 promised sessions held; 1 missed by the lead, 1 missed by the agent;
    /// 3 still owed".
    public var summary: String {
        var parts = ["\(held) of \(promised) promised \(promised == 1 ? "session" : "sessions") held"]
        var missed: [String] = []
        if missedByLead > 0 { missed.append("\(missedByLead) missed by the lead") }
        if missedByAgent > 0 { missed.append("\(missedByAgent) missed by the agent") }
        if !missed.isEmpty { parts.append(missed.joined(separator: ", ")) }
        parts.append(owed == 0 ? "none owed" : "\(owed) still owed")
        return parts.joined(separator: "; ")
    }
}
