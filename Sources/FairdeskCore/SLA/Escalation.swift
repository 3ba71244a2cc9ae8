import Foundation

/// What happens when an SLA clock has used a set share of its target.
public enum EscalationAction: String, Codable, CaseIterable, Sendable {
    /// Remind the case's owner.
    case notifyOwner = "notify_owner"
    /// Tell the team lead.
    case notifyLead = "notify_lead"
    /// Give the case to someone who can take it now.
    case reassign
}

/// One rung of an escalation ladder: `action` fires once `percentUsed` (1...100) of the target is used.
public struct EscalationStep: Codable, Equatable, Sendable {
    public var action: EscalationAction
    public var percentUsed: Int

    /// A step that takes `action` once `percentUsed` percent of the target is used.
    public init(action: EscalationAction, percentUsed: Int) {
        self.action = action
        self.percentUsed = percentUsed
    }

    /// The step as "notify_owner@75", the form `EscalationLadder.parse` reads.
    public var text: String { "\(action.rawValue)@\(percentUsed)" }

    /// Business seconds of `targetSeconds` that must be used before this step fires, rounded up, in whole
    /// numbers so that the worker's wake-up time and the check at that time always agree.
    func thresholdSeconds(of targetSeconds: Int) -> Int {
        let percent = min(max(percentUsed, 0), 100)
        return (targetSeconds * percent + 99) / 100
    }
}

/// The steps taken as an SLA clock runs down, in order; the worker remembers how many it has taken.
public struct EscalationLadder: Codable, Equatable, Sendable {
    /// Kept sorted by `percentUsed`, so "taken" can be a count.
    public var steps: [EscalationStep] {
        didSet { steps = Self.sorted(steps) }
    }

    /// A ladder of `steps`, sorted by percent (ties keep their order).
    public init(steps: [EscalationStep]) {
        self.steps = Self.sorted(steps)
    }

    /// Decodes through `init(steps:)`, so stored ladders come back sorted too.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(steps: try container.decode([EscalationStep].self, forKey: .steps))
    }

    /// Notify the owner at 75%, the lead at 90%, reassign at 95%.
    public static let standard = EscalationLadder(steps: [
        EscalationStep(action: .notifyOwner, percentUsed: 75),
        EscalationStep(action: .notifyLead, percentUsed: 90),
        EscalationStep(action: .reassign, percentUsed: 95),
    ])

    /// Parses "notify_owner@75, notify_lead@90, reassign@95" (commas, semicolons or new lines between steps).
    ///
    /// Percents must be whole numbers from 1 to 100, strictly increasing, so each step fires on its own.
    /// Empty text is a ladder with no steps. Problems are reported against the field "escalation".
    public static func parse(_ text: String) throws(ValidationFailure) -> EscalationLadder {
        var checks = Checks()
        var steps: [EscalationStep] = []
        let items = text.split(whereSeparator: { $0 == "," || $0 == ";" || $0.isNewline })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        for item in items {
            let parts = item.split(separator: "@", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else {
                checks.add(
                    "escalation", "has \"\(item.prefix(40))\"; write each step as action@percent, like notify_owner@75")
                continue
            }
            let actionName = parts[0].lowercased().replacingOccurrences(of: "-", with: "_")
                .replacingOccurrences(of: " ", with: "_")
            let percentText = parts[1].hasSuffix("%") ? String(parts[1].dropLast()) : parts[1]
            guard let action = EscalationAction(rawValue: actionName) else {
                let allowed = EscalationAction.allCases.map(\.rawValue).joined(separator: ", ")
                checks.add("escalation", "has an unknown action \"\(parts[0].prefix(40))\"; use one of: \(allowed)")
                continue
            }
            guard let percent = Int(percentText), (1...100).contains(percent) else {
                checks.add(
                    "escalation", "has \"\(item.prefix(40))\"; the percent after @ must be a whole number from 1 to 100"
                )
                continue
            }
            if let previous = steps.last, percent <= previous.percentUsed {
                checks.add(
                    "escalation",
                    "must list steps by increasing percent (\(action.rawValue)@\(percent) comes after "
                        + "\(previous.text))")
                continue
            }
            steps.append(EscalationStep(action: action, percentUsed: percent))
        }
        try checks.finish()
        return EscalationLadder(steps: steps)
    }

    /// The ladder in the form `parse` reads: "notify_owner@75, notify_lead@90, reassign@95".
    public var text: String { steps.map(\.text).joined(separator: ", ") }

    /// Steps that are due now and have not been taken yet (`taken` = how many steps already done).
    ///
    /// Only a running clock escalates: while a case waits on the customer nothing fires, and a step whose
    /// moment passed during a pause fires as soon as the clock resumes.
    public func dueSteps(clock: SLAClock, taken: Int, now: Date, calendar: BusinessCalendar) -> [EscalationStep] {
        guard clock.isRunning, taken < steps.count else { return [] }
        let used = clock.businessSecondsUsed(at: now, calendar: calendar)
        let untaken = steps[max(0, taken)...]
        let due = untaken.prefix { used >= $0.thresholdSeconds(of: clock.targetSeconds) }
        return Array(due)
    }

    /// When the next check should happen: the next untaken step's instant, else the clock's due time (for
    /// recording the breach); nil if stopped/paused.
    ///
    /// Once the breach is recorded there is nothing left to check, so nil. The answer may be in the past
    /// (a step already due); the worker should then check at once. At the answer, `dueSteps` returns at
    /// least one step, or `SLAClock.recordBreach` records the breach, so a worker never wakes for nothing.
    public func nextCheck(clock: SLAClock, taken: Int, calendar: BusinessCalendar) -> Date? {
        guard clock.isRunning else { return nil }
        if taken < steps.count {
            let step = steps[max(0, taken)]
            return clock.instant(whenUsedSeconds: step.thresholdSeconds(of: clock.targetSeconds), calendar: calendar)
        }
        return clock.breachedAt == nil ? clock.dueAt : nil
    }

    private static func sorted(_ steps: [EscalationStep]) -> [EscalationStep] {
        // Ties keep their given order, so a ladder someone built by hand is not reshuffled.
        steps.enumerated().sorted { ($0.element.percentUsed, $0.offset) < ($1.element.percentUsed, $1.offset) }
            .map(\.element)
    }
}
