import Foundation

/// Decides who works on what next: which waiting case comes first, and which agent takes it.
///
/// Fairness to customers: starving cases first, then tier, then the nearest deadline. Fairness to agents:
/// the least loaded gets the next case, and among equals the one who has waited longest for work.
/// Every tie ends on the id, so the same inputs always give the same assignments.
public enum Router {
    /// The order in which waiting cases are served: starving cases first (oldest first), then higher tier, then
    /// earliest (due - frustration bonus), then oldest wait; ties broken by id for determinism.
    ///
    /// Cases without a due time come after those with one; among them a frustrated case counts as having
    /// waited the bonus longer, so frustration still moves it up.
    public static func priorityOrder(_ cases: [WaitingCase], now: Date, rules: RoutingRules) -> [WaitingCase] {
        let bonus = TimeInterval(rules.frustrationBonusSeconds)
        let keyed = cases.map { waiting in
            let starving = now.timeIntervalSince(waiting.waitingSince) >= TimeInterval(rules.starvationSeconds)
            let effectiveDue = waiting.dueAt.map { $0.timeIntervalSince1970 - (waiting.frustrated ? bonus : 0) }
            let effectiveSince =
                waiting.waitingSince.timeIntervalSince1970
                - (waiting.dueAt == nil && waiting.frustrated ? bonus : 0)
            return (waiting: waiting, starving: starving, due: effectiveDue, since: effectiveSince)
        }
        let sorted = keyed.sorted { a, b in
            if a.starving != b.starving { return a.starving }
            if a.starving {
                // Starving cases are served by plain wait: the tier has had its chance.
                if a.waiting.waitingSince != b.waiting.waitingSince {
                    return a.waiting.waitingSince < b.waiting.waitingSince
                }
                return precedes(a.waiting.id, b.waiting.id)
            }
            if a.waiting.tierPriority != b.waiting.tierPriority {
                return a.waiting.tierPriority > b.waiting.tierPriority
            }
            switch (a.due, b.due) {
            case (let aDue?, let bDue?) where aDue != bDue: return aDue < bDue
            case (.some, nil): return true
            case (nil, .some): return false
            default: break
            }
            if a.since != b.since { return a.since < b.since }
            return precedes(a.waiting.id, b.waiting.id)
        }
        return sorted.map(\.waiting)
    }

    /// The agent for one case: eligible = available, member of the case's queue (if any), has every required
    /// skill, load[channel] < capacity[channel]. The returning agent if eligible; else least total load, then
    /// longest idle (earliest idleSince), then smallest id.
    public static func chooseAgent(for waiting: WaitingCase, among agents: [AgentSnapshot]) -> (
        agentID: UUID, reason: String
    )? {
        choose(for: waiting, among: agents).map { (agentID: agents[$0.index].id, reason: $0.reason) }
    }

    /// Assigns as many cases as capacity allows, in priority order, updating loads and idleSince(=now) as it goes.
    ///
    /// A case no agent can take is skipped, not a reason to stop: a later case may need another channel or
    /// queue that still has room.
    public static func assign(
        _ cases: [WaitingCase], to agents: [AgentSnapshot], now: Date, rules: RoutingRules
    ) -> [Assignment] {
        var pool = agents
        var assignments: [Assignment] = []
        for waiting in priorityOrder(cases, now: now, rules: rules) {
            guard let choice = choose(for: waiting, among: pool) else { continue }
            pool[choice.index].load[waiting.channel, default: 0] += 1
            pool[choice.index].idleSince = now
            assignments.append(Assignment(caseID: waiting.id, agentID: pool[choice.index].id, reason: choice.reason))
        }
        return assignments
    }

    /// One pass over `agents` keeping the best and second-best eligible agent, so the reason can say which
    /// rule decided without sorting anyone.
    static func choose(for waiting: WaitingCase, among agents: [AgentSnapshot]) -> (index: Int, reason: String)? {
        var best: Candidate?
        var runnerUp: Candidate?
        var returningIndex: Int?
        // The checks of `AgentSnapshot.canTake`, spelled out on fields read in place: calling a method on a
        // whole snapshot copies it, retaining and releasing its four collections, which was most of the cost
        // of a pass over 10,000 agents.
        agents.withUnsafeBufferPointer { buffer in
            for index in buffer.indices {
                guard buffer[index].availability == .available, buffer[index].hasRoom(on: waiting.channel),
                    AgentSnapshot.serves(waiting.queueID, queueIDs: buffer[index].queueIDs),
                    AgentSnapshot.has(waiting.requiredSkills, skills: buffer[index].skills)
                else { continue }
                let agentID = buffer[index].id
                if let returning = waiting.returningAgentID, agentID == returning {
                    returningIndex = index
                    return
                }
                let candidate = Candidate(
                    index: index, load: buffer[index].totalLoad, idleSince: buffer[index].idleSince, id: agentID)
                if let current = best, !candidate.isBetter(than: current) {
                    if runnerUp.map({ candidate.isBetter(than: $0) }) ?? true { runnerUp = candidate }
                } else {
                    runnerUp = best
                    best = candidate
                }
            }
        }
        if let returningIndex { return (returningIndex, "returning customer's agent") }
        guard let best else { return nil }
        var reason: String
        if let runnerUp {
            reason = "least loaded (\(best.load) open)"
            if runnerUp.load == best.load {
                reason += ", idle longest"
                if runnerUp.idleSince == best.idleSince { reason += ", then by id" }
            }
        } else {
            reason = "only eligible agent (\(best.load) open)"
        }
        if waiting.returningAgentID != nil { reason += "; previous agent could not take it" }
        return (best.index, reason)
    }

    /// An eligible agent during the pass; plain values, nothing allocated.
    private struct Candidate {
        var index: Int
        var load: Int
        var idleSince: Date
        var id: UUID

        func isBetter(than other: Candidate) -> Bool {
            if load != other.load { return load < other.load }
            if idleSince != other.idleSince { return idleSince < other.idleSince }
            return precedes(id, other.id)
        }
    }

    /// Orders ids by their bytes, the same on every platform, for tie-breaks.
    static func precedes(_ a: UUID, _ b: UUID) -> Bool {
        withUnsafeBytes(of: a.uuid) { aBytes in
            withUnsafeBytes(of: b.uuid) { bBytes in
                aBytes.lexicographicallyPrecedes(bBytes)
            }
        }
    }
}
