import Foundation

/// The events the leaders' reports count, and what each adds to the rollups. The app records these
/// as they happen, inside the transaction that makes them happen; a rebuild replays them from the
/// stored cases, clocks, surveys, promises and bot conversations.
public enum RollupEvent: Sendable, Equatable {
    case caseOpened(at: Date)
    /// The first reply a person sent, `since` the customer reached people (opening, or the bot's
    /// hand-over).
    case firstResponse(at: Date, since: Date)
    case resolved(at: Date, openedAt: Date, bounces: Int)
    case surveyAnswered(at: Date, solved: Bool, reason: String?)
    case botStarted(at: Date)
    case botHandedOver(at: Date)
    case escalatedToLead(at: Date)
    case slaMet(at: Date)
    case slaMissed(at: Date)
    /// Promises count on the day they were due, whenever they were kept or broken.
    case promiseKept(dueAt: Date)
    case promiseBroken(dueAt: Date)

    /// What the event adds to the rollups of its case's `tier` and `channel`, on its day in `zone`.
    public func increments(tier: String, channel: String, in zone: TimeZone) -> [RollupIncrement] {
        func on(_ instant: Date, _ measure: ReportMeasure, _ bucket: String = "", _ value: Int = 1) -> RollupIncrement {
            RollupIncrement(
                day: LocalDate(instant, in: zone), tier: tier, channel: channel, measure: measure, bucket: bucket,
                value: value)
        }
        switch self {
        case .caseOpened(let at): return [on(at, .casesOpened)]
        case .firstResponse(let at, let since):
            let bucket = DurationBuckets.bucket(seconds: at.timeIntervalSince(since))
            return [on(at, .firstResponseTime, String(bucket))]
        case .resolved(let at, let openedAt, let bounces):
            let bucket = DurationBuckets.bucket(seconds: at.timeIntervalSince(openedAt))
            return [
                on(at, .casesResolved), on(at, .resolutionTime, String(bucket)), on(at, .resolvedBounces, "", bounces),
            ]
        case .surveyAnswered(let at, let solved, let reason):
            return [on(at, .surveyAnswers), solved ? on(at, .surveySolved) : on(at, .complaint, reason ?? "other")]
        case .botStarted(let at): return [on(at, .botConversations)]
        case .botHandedOver(let at): return [on(at, .botHandOvers)]
        case .escalatedToLead(let at): return [on(at, .escalatedToLead)]
        case .slaMet(let at): return [on(at, .slaMet)]
        case .slaMissed(let at): return [on(at, .slaMissed)]
        case .promiseKept(let dueAt): return [on(dueAt, .promisesKept)]
        case .promiseBroken(let dueAt): return [on(dueAt, .promisesBroken)]
        }
    }
}
