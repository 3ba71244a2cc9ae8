import Foundation

/// One target's clock on one case. Business time is counted on a calendar; the clock can pause (resolution
/// waits while the case is pending customer).
///
/// The clock keeps the business seconds used up to its last pause or resume (`consumedSeconds`) and when it
/// last started running, so reading it never needs the case's history.
///
/// A target is breached once more than the target is used, or once a running clock is past its due time.
/// The two differ only after a deadline at closing time: business time then stands still until the next
/// opening, but the customer was shown the due time, so an answer on Saturday to a case due Friday 17:00
/// is late. An answer at the due time itself still meets the target.
public struct SLAClock: Codable, Equatable, Sendable {
    public var metric: SLAMetric
    /// Business seconds allowed.
    public var targetSeconds: Int
    public var startedAt: Date
    /// Business seconds used before `runningSince`.
    public var consumedSeconds: Int
    /// When the clock last started running; nil while paused or stopped.
    public var runningSince: Date?
    /// When it breaches if it keeps running; nil while paused.
    public var dueAt: Date?
    public var stoppedAt: Date?
    /// When it passed due: the due time itself, recorded by the worker (`recordBreach`), at pause or at stop.
    /// Once set, the clock counts as breached.
    public var breachedAt: Date?

    /// A clock with every field given, for rebuilding one from storage.
    public init(
        metric: SLAMetric, targetSeconds: Int, startedAt: Date, consumedSeconds: Int = 0, runningSince: Date?,
        dueAt: Date?, stoppedAt: Date? = nil, breachedAt: Date? = nil
    ) {
        self.metric = metric
        self.targetSeconds = targetSeconds
        self.startedAt = startedAt
        self.consumedSeconds = consumedSeconds
        self.runningSince = runningSince
        self.dueAt = dueAt
        self.stoppedAt = stoppedAt
        self.breachedAt = breachedAt
    }

    /// A running clock for `metric` with `targetMinutes` business minutes allowed from `at`.
    public static func start(
        _ metric: SLAMetric, targetMinutes: Int, at: Date, calendar: BusinessCalendar
    ) -> SLAClock {
        let target = max(0, targetMinutes) * 60
        return SLAClock(
            metric: metric, targetSeconds: target, startedAt: at, runningSince: at,
            dueAt: calendar.adding(businessSeconds: target, to: at))
    }

    /// Whether the clock has stopped for good (met or breached).
    public var isStopped: Bool { stoppedAt != nil }

    /// Whether the clock is counting now.
    public var isRunning: Bool { runningSince != nil && !isStopped }

    /// Stops counting until `resume`. Does nothing unless running.
    public mutating func pause(at: Date, calendar: BusinessCalendar) {
        guard isRunning else { return }
        let used = businessSecondsUsed(at: at, calendar: calendar)
        // The due time is forgotten while paused, so a breach that already happened is recorded now.
        if breachedAt == nil, isPastDue(at: at, used: used) { breachedAt = dueAt ?? at }
        consumedSeconds = used
        runningSince = nil
        dueAt = nil
    }

    /// Counts again from `at`, with a new due time for what is left. Does nothing unless paused.
    public mutating func resume(at: Date, calendar: BusinessCalendar) {
        guard !isStopped, runningSince == nil else { return }
        runningSince = at
        dueAt = calendar.adding(businessSeconds: max(0, targetSeconds - consumedSeconds), to: at)
    }

    /// Stops the clock for good; met or breached is decided by the business time used (and, for a running
    /// clock, by whether its due time has passed). Does nothing if already stopped.
    ///
    /// `dueAt` is kept, so reports can show how close to the deadline the case was answered.
    public mutating func stop(at: Date, calendar: BusinessCalendar) {
        guard !isStopped else { return }
        let used = businessSecondsUsed(at: at, calendar: calendar)
        if breachedAt == nil, isPastDue(at: at, used: used) { breachedAt = dueAt ?? at }
        consumedSeconds = used
        runningSince = nil
        stoppedAt = at
    }

    /// Sets `breachedAt` once the clock has reached its due time (or used more than its target) and no breach
    /// is recorded yet; returns whether it did. For the SLA worker, woken at `EscalationLadder.nextCheck`.
    ///
    /// The breach is dated at the due time rather than at `now`, so a late worker does not move it. It is
    /// recorded at the due time itself, when only an answer in that same instant could still meet the
    /// target, so a worker woken then always has something to do.
    @discardableResult
    public mutating func recordBreach(at now: Date, calendar: BusinessCalendar) -> Bool {
        guard breachedAt == nil, !isStopped else { return false }
        let reachedDue = isRunning && dueAt.map { now >= $0 } == true
        guard reachedDue || isPastDue(at: now, used: businessSecondsUsed(at: now, calendar: calendar)) else {
            return false
        }
        breachedAt = dueAt ?? now
        return true
    }

    /// Whether the target is missed by `now`, given `used` business seconds by then.
    private func isPastDue(at now: Date, used: Int) -> Bool {
        if breachedAt != nil || used > targetSeconds { return true }
        guard isRunning, let dueAt else { return false }
        return now > dueAt
    }

    /// Business seconds used by `now`; frozen while paused and once stopped.
    public func businessSecondsUsed(at now: Date, calendar: BusinessCalendar) -> Int {
        guard isRunning, let since = runningSince else { return consumedSeconds }
        return consumedSeconds + calendar.businessSeconds(from: since, to: now)
    }

    /// The instant at which `fraction` (0...1) of the target will have been used, if running.
    ///
    /// A fraction already used gives the moment the clock last started running, which is in the past.
    public func instant(whenUsed fraction: Double, calendar: BusinessCalendar) -> Date? {
        let clamped = min(max(fraction, 0), 1)
        // The small allowance keeps 0.29 * 6000 from rounding up to one second past 1740.
        let seconds = Int((Double(targetSeconds) * clamped - 1e-6).rounded(.up))
        return instant(whenUsedSeconds: max(0, seconds), calendar: calendar)
    }

    /// The instant at which `seconds` business seconds will have been used, if running.
    func instant(whenUsedSeconds seconds: Int, calendar: BusinessCalendar) -> Date? {
        guard isRunning, let since = runningSince else { return nil }
        return calendar.adding(businessSeconds: seconds - consumedSeconds, to: since)
    }

    /// The clock read at `now`. `riskFraction` (0...1) is the share of the target left at which it counts
    /// as at risk, e.g. 0.25 for the last quarter.
    public func status(at now: Date, calendar: BusinessCalendar, riskFraction: Double) -> SLAStatus {
        let used = businessSecondsUsed(at: now, calendar: calendar)
        let left = targetSeconds - used
        let state: SLAState
        if isStopped {
            state = isPastDue(at: now, used: used) ? .breached : .met
        } else if isPastDue(at: now, used: used) {
            state = .breached
        } else if runningSince == nil {
            // Waiting on the customer: no time is being used, so nothing is at risk.
            state = .paused
        } else if Double(left) <= min(max(riskFraction, 0), 1) * Double(targetSeconds) {
            state = .atRisk
        } else {
            state = .running
        }
        return SLAStatus(state: state, dueAt: dueAt, businessSecondsLeft: left, secondsUsed: used)
    }
}
