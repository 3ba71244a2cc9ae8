import Foundation

/// How long a driver has to appeal, how long a reviewer has to decide, and when an undecided appeal
/// escalates, for the driver's jurisdiction.
public struct AppealTerms: Sendable, Equatable {
    public var appealWindowDays: Int
    public var reviewDeadlineDays: Int
    /// Days before the review deadline at which an undecided appeal escalates.
    public var escalationDays: Int

    /// Terms from their parts.
    public init(appealWindowDays: Int, reviewDeadlineDays: Int, escalationDays: Int) {
        self.appealWindowDays = appealWindowDays
        self.reviewDeadlineDays = reviewDeadlineDays
        self.escalationDays = escalationDays
    }

    /// The terms a driver policy sets.
    public init(_ policy: DriverPolicy) {
        self.init(
            appealWindowDays: policy.appealWindowDays, reviewDeadlineDays: policy.reviewDeadlineDays,
            escalationDays: policy.reviewEscalationDays)
    }

    /// 14 days to appeal, 14 to decide, escalation 3 days before the deadline.
    public static let defaults = AppealTerms(appealWindowDays: 14, reviewDeadlineDays: 14, escalationDays: 3)

    /// The terms for a driver in `jurisdiction`: the policy published for that jurisdiction when there
    /// is one (codes compared ignoring case), otherwise the policy for everywhere, otherwise `defaults`.
    /// Overrides come from policy versions whose audience names jurisdictions, so a place's rules are
    /// written and versioned like every other rule.
    public static func forJurisdiction(
        _ jurisdiction: String?, general: DriverPolicy?, overrides: [String: DriverPolicy]
    ) -> AppealTerms {
        if let jurisdiction,
            let local = overrides.first(where: { $0.key.caseInsensitiveCompare(jurisdiction) == .orderedSame })
        {
            return AppealTerms(local.value)
        }
        return general.map(AppealTerms.init) ?? defaults
    }

    /// The last instant an appeal against a decision made at `decidedAt` may be filed.
    public func appealCloses(decidedAt: Date) -> Date {
        decidedAt.addingTimeInterval(TimeInterval(appealWindowDays) * 86_400)
    }

    /// When the reviewer's written answer is due for an appeal filed at `filedAt`.
    public func reviewDue(filedAt: Date) -> Date {
        filedAt.addingTimeInterval(TimeInterval(reviewDeadlineDays) * 86_400)
    }

    /// When an undecided appeal filed at `filedAt` escalates: `escalationDays` before the deadline,
    /// never before filing.
    public func escalateAt(filedAt: Date) -> Date {
        max(filedAt, reviewDue(filedAt: filedAt).addingTimeInterval(-TimeInterval(escalationDays) * 86_400))
    }
}
