import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// Builds agents' scorecards: only what the agent controls, each figure with the contacts behind it,
/// each rate with its interval and sample, and nothing shown as a rate below the policy's minimum.
///
/// The definitions (see docs/scorecards.md):
/// - contacts: the cases the agent answered (a message to the customer or a logged call) in the
///   period, by the channel they answered on;
/// - handle time: talk, hold and after-call work of the agent's logged calls;
/// - first-contact resolution: cases the agent resolved in the period whose customer did not write
///   again within 7 days; resolutions less than 7 days old are pending and not counted yet;
/// - satisfaction: "yes" answers on cases the agent owns, against "no" answers the attribution
///   policy put down to the agent and the agent has a share of (voided shares, after a dispute the
///   agent won, do not count);
/// - SLA attainment: the response and resolution clocks of the agent's cases that stopped or
///   breached in the period, met when they stopped before breaching;
/// - promises kept: the agent's promises that fell due in the period, kept when kept by their due time.
struct Scorecards {
    let db: any Database
    let now: Date

    /// The rules a scorecard is drawn under: the agent-conduct policy binding `agent` at `instant`.
    struct Rules {
        var policy: String?
        var minimumSample: Int
        var confidence: Double

        /// Without an agent-conduct policy: the values the policy form suggests.
        static let suggested = Rules(policy: nil, minimumSample: 30, confidence: 0.95)
    }

    func rules(for agent: User, at instant: Date) async throws -> Rules {
        let policy = try await PolicyBook.inForce(
            kind: .agentConduct, for: PolicyReader(agent), at: min(instant, now), on: db)
        let fallback = Rules.suggested
        return Rules(
            policy: policy?.citation,
            minimumSample: policy?.parameters.integer("minimum_responses_for_rank") ?? fallback.minimumSample,
            confidence: policy?.parameters.number("confidence_level") ?? fallback.confidence)
    }

    func scorecard(of agent: User, from: Date, to: Date) async throws -> ScorecardDTO {
        let agentID = try agent.requireID()
        let rules = try await rules(for: agent, at: to)
        func rate(_ successes: Int, _ trials: Int, _ items: [ScorecardDTO.Item], pending: Int = 0) -> ScorecardDTO.Rate
        {
            ScorecardDTO.Rate(
                Proportion(successes: successes, trials: trials)!, minimumSample: rules.minimumSample,
                confidence: rules.confidence, items: items, pending: pending)
        }

        // Contacts and calls.
        struct Entry: Decodable {
            var caseId: UUID
            var number: Int64
            var channel: String
            var kind: String
            var occurredAt: Date
            var talkSeconds: Int?
            var holdSeconds: Int?
            var afterCallWorkSeconds: Int?
            var body: String

            // Spelt out: converting every key of every row from snake case showed in the profile.
            enum CodingKeys: String, CodingKey {
                case number, channel, kind, body
                case caseId = "case_id"
                case occurredAt = "occurred_at"
                case talkSeconds = "talk_seconds"
                case holdSeconds = "hold_seconds"
                case afterCallWorkSeconds = "after_call_work_seconds"
            }
        }
        // Read through `timeline_by_author`; only a transfer's text (its handoff note) is shown.
        let entries = try await db.sql.raw(
            """
            SELECT t.case_id, c.number, t.channel, t.kind, t.occurred_at, t.talk_seconds, t.hold_seconds, \
            t.after_call_work_seconds, CASE WHEN t.kind = 'transfer' THEN t.body ELSE '' END AS body \
            FROM timeline_entries t JOIN cases c ON c.id = t.case_id \
            WHERE t.author_id = \(bind: agentID) AND t.kind IN ('message', 'call', 'transfer') \
            AND (t.kind <> 'message' OR t.direction = 'outbound') \
            AND t.occurred_at >= \(bind: from) AND t.occurred_at < \(bind: to) ORDER BY t.occurred_at
            """
        ).all(decoding: Entry.self)
        var byChannel: [String: [ScorecardDTO.Item]] = [:]
        var seen = Set<String>()
        for entry in entries where entry.kind != "transfer" && seen.insert("\(entry.channel) \(entry.caseId)").inserted
        {
            byChannel[entry.channel, default: []].append(
                ScorecardDTO.Item(
                    caseId: entry.caseId, caseNumber: entry.number, at: entry.occurredAt, detail: entry.channel))
        }
        let contacts = byChannel.keys.sorted().map {
            ScorecardDTO.Channel(channel: $0, count: byChannel[$0]!.count, items: byChannel[$0]!)
        }
        let calls = entries.filter { $0.kind == "call" }
        func duration(_ part: String, _ values: [Int?]) -> ScorecardDTO.Duration {
            let seconds = values.compactMap { $0 }.map(Double.init)
            return ScorecardDTO.Duration(
                part: part, median: Descriptive.median(seconds), average: Descriptive.mean(seconds))
        }
        let handleTime = [
            duration("talk", calls.map(\.talkSeconds)), duration("hold", calls.map(\.holdSeconds)),
            duration("after_call_work", calls.map(\.afterCallWorkSeconds)),
        ]
        let transfers = entries.filter { $0.kind == "transfer" }.map {
            ScorecardDTO.Item(caseId: $0.caseId, caseNumber: $0.number, at: $0.occurredAt, detail: $0.body)
        }

        return ScorecardDTO(
            agentId: agentID, agentName: agent.name, from: from, to: to, policy: rules.policy,
            minimumSample: rules.minimumSample, confidence: rules.confidence, contacts: contacts,
            contactsTotal: contacts.map(\.count).reduce(0, +), calls: calls.count, handleTime: handleTime,
            firstContactResolution: try await firstContactResolution(agentID, from: from, to: to, rate: rate),
            satisfaction: try await satisfaction(agentID, from: from, to: to, rate: rate),
            slaAttainment: try await slaAttainment(agentID, from: from, to: to, rate: rate),
            promisesKept: try await promisesKept(agentID, from: from, to: to, rate: rate), transfers: transfers)
    }

    typealias RateMaker = (Int, Int, [ScorecardDTO.Item], Int) -> ScorecardDTO.Rate

    private func firstContactResolution(
        _ agentID: UUID, from: Date, to: Date, rate: RateMaker
    ) async throws -> ScorecardDTO.Rate {
        struct Resolved: Decodable {
            var id: UUID
            var number: Int64
            var customerId: UUID
            var resolvedAt: Date
        }
        let resolved = try await db.sql.raw(
            """
            SELECT id, number, customer_id, resolved_at FROM cases WHERE owner_id = \(bind: agentID) \
            AND resolved_at >= \(bind: from) AND resolved_at < \(bind: to)
            """
        ).all(decoding: Resolved.self, keyDecodingStrategy: .convertFromSnakeCase)
        let window = FirstContactResolution.defaultWindow
        let later = try await CustomerContacts.inbound(
            of: Array(Set(resolved.map(\.customerId))), after: resolved.map(\.resolvedAt).min() ?? from,
            until: (resolved.map(\.resolvedAt).max() ?? to) + window, on: db)
        // Every customer message counts as the same issue: a customer who writes again within the
        // week was not done, whatever case the message joined.
        let contacts =
            resolved.map {
                FirstContactResolution.Contact(id: $0.id, customerID: $0.customerId, issueKey: "", at: $0.resolvedAt)
            }
            + later.map {
                FirstContactResolution.Contact(id: $0.id, customerID: $0.customerId, issueKey: "", at: $0.at)
            }
        let outcomes = FirstContactResolution.outcomes(of: contacts, at: now, window: window)
        var items: [ScorecardDTO.Item] = []
        var successes = 0
        var pending = 0
        for row in resolved {
            let detail: String
            switch outcomes[row.id] {
            case .resolved?:
                successes += 1
                detail = "resolved first time"
            case .repeated?: detail = "the customer wrote again within 7 days"
            default:
                pending += 1
                detail = "less than 7 days ago: not counted yet"
            }
            items.append(ScorecardDTO.Item(caseId: row.id, caseNumber: row.number, at: row.resolvedAt, detail: detail))
        }
        return rate(successes, resolved.count - pending, items, pending)
    }

    private func satisfaction(_ agentID: UUID, from: Date, to: Date, rate: RateMaker) async throws -> ScorecardDTO.Rate
    {
        let answers = try await satisfactionAnswers(of: [agentID], from: from, to: to)[agentID] ?? []
        let items = answers.map {
            ScorecardDTO.Item(
                caseId: $0.caseId, caseNumber: $0.number, at: $0.answeredAt,
                detail: $0.solved ? "yes" : "no: " + ($0.reason ?? "no reason").replacingOccurrences(of: "_", with: " ")
            )
        }
        return rate(answers.filter(\.solved).count, answers.count, items, 0)
    }

    /// A survey answer that counts for an agent.
    struct Answer: Decodable {
        var agentId: UUID
        var caseId: UUID
        var number: Int64
        var answeredAt: Date
        var solved: Bool
        var reason: String?

        enum CodingKeys: String, CodingKey {
            case number, solved, reason
            case agentId = "agent_id"
            case caseId = "case_id"
            case answeredAt = "answered_at"
        }
    }

    /// How many answers count for and against each of `agents` (the same rule as
    /// ``satisfactionAnswers(of:from:to:)``), counted by the database: for the team view, where
    /// the answers themselves stay on each agent's own scorecard.
    func satisfactionCounts(of agents: [UUID], from: Date, to: Date) async throws -> [UUID: Proportion] {
        guard !agents.isEmpty else { return [:] }
        struct Count: Decodable {
            var agent: UUID
            var n: Int
        }
        // CROSS JOIN keeps SQLite reading the period's answers first (`surveys_by_answer`), not every
        // case of every agent.
        let yes = try await db.sql.raw(
            """
            SELECT c.owner_id AS agent, COUNT(*) AS n FROM surveys s CROSS JOIN cases c \
            WHERE c.id = s.case_id AND s.state = 'answered' AND s.solved = \(bind: true) \
            AND s.answered_at >= \(bind: from) AND s.answered_at < \(bind: to) AND c.owner_id IN (\(binds: agents)) \
            GROUP BY c.owner_id
            """
        ).all(decoding: Count.self)
        let no = try await db.sql.raw(
            """
            SELECT sh.agent_id AS agent, COUNT(*) AS n FROM surveys s CROSS JOIN survey_shares sh \
            WHERE sh.survey_id = s.id AND s.state = 'answered' AND s.solved = \(bind: false) \
            AND s.attribution = 'agent' AND sh.voided = \(bind: false) AND sh.agent_id IN (\(binds: agents)) \
            AND s.answered_at >= \(bind: from) AND s.answered_at < \(bind: to) GROUP BY sh.agent_id
            """
        ).all(decoding: Count.self)
        var counts: [UUID: Proportion] = [:]
        for agent in agents {
            let solved = yes.first { $0.agent == agent }?.n ?? 0
            let unsolved = no.first { $0.agent == agent }?.n ?? 0
            counts[agent] = Proportion(successes: solved, trials: solved + unsolved)
        }
        return counts
    }

    /// The longest a survey answer can come after its case was resolved: the longest sending delay
    /// (7 days) and the longest link life (90 days) that configuration allows, and a day to spare.
    static let longestSurveyWait: TimeInterval = 98 * 86_400

    /// The answers that count for each of `agents`: "yes" on the cases they own, and "no" put down to
    /// an agent where they hold a share that was not voided.
    func satisfactionAnswers(of agents: [UUID], from: Date, to: Date) async throws -> [UUID: [Answer]] {
        guard !agents.isEmpty else { return [:] }
        // A few agents: their cases resolved since the earliest an answer in the period can have been
        // sent (`cases_resolved_by_owner`; a survey goes out at most 7 days after resolving and its link
        // works at most 90). Many agents: the period's answers first (`surveys_by_answer`). CROSS JOIN
        // holds SQLite to that order.
        let earliest = from.addingTimeInterval(-Self.longestSurveyWait)
        let yesQuery: SQLQueryString =
            agents.count <= 3
            ? """
            SELECT c.owner_id AS agent_id, s.case_id, c.number, s.answered_at, s.solved, s.reason FROM cases c \
            CROSS JOIN surveys s WHERE s.case_id = c.id AND c.owner_id IN (\(binds: agents)) \
            AND c.resolved_at >= \(bind: earliest) AND s.state = 'answered' AND s.solved = \(bind: true) \
            AND s.answered_at >= \(bind: from) AND s.answered_at < \(bind: to)
            """
            : """
            SELECT c.owner_id AS agent_id, s.case_id, c.number, s.answered_at, s.solved, s.reason FROM surveys s \
            CROSS JOIN cases c WHERE c.id = s.case_id AND s.state = 'answered' AND s.solved = \(bind: true) \
            AND c.owner_id IN (\(binds: agents)) AND s.answered_at >= \(bind: from) AND s.answered_at < \(bind: to)
            """
        let yes = try await db.sql.raw(yesQuery).all(decoding: Answer.self)
        // An agent's shares are few (only "no" answers put down to agents): read them by agent.
        let no = try await db.sql.raw(
            """
            SELECT sh.agent_id, s.case_id, c.number, s.answered_at, s.solved, s.reason FROM survey_shares sh \
            CROSS JOIN surveys s CROSS JOIN cases c WHERE s.id = sh.survey_id AND c.id = s.case_id \
            AND s.state = 'answered' AND s.solved = \(bind: false) AND s.attribution = 'agent' \
            AND sh.voided = \(bind: false) AND sh.agent_id IN (\(binds: agents)) \
            AND s.answered_at >= \(bind: from) AND s.answered_at < \(bind: to)
            """
        ).all(decoding: Answer.self)
        return Dictionary(grouping: (yes + no).sorted { $0.answeredAt < $1.answeredAt }, by: \.agentId)
    }

    private func slaAttainment(_ agentID: UUID, from: Date, to: Date, rate: RateMaker) async throws -> ScorecardDTO.Rate
    {
        struct Clock: Decodable {
            var caseId: UUID
            var number: Int64
            var metric: String
            var stoppedAt: Date?
            var breachedAt: Date?
        }
        let clocks = try await db.sql.raw(
            """
            SELECT k.case_id, c.number, k.metric, k.stopped_at, k.breached_at FROM sla_clocks k \
            JOIN cases c ON c.id = k.case_id WHERE c.owner_id = \(bind: agentID) \
            AND ((k.stopped_at >= \(bind: from) AND k.stopped_at < \(bind: to)) \
            OR (k.stopped_at IS NULL AND k.breached_at >= \(bind: from) AND k.breached_at < \(bind: to)))
            """
        ).all(decoding: Clock.self, keyDecodingStrategy: .convertFromSnakeCase)
        let items = clocks.map {
            ScorecardDTO.Item(
                caseId: $0.caseId, caseNumber: $0.number, at: $0.stoppedAt ?? $0.breachedAt!,
                detail: $0.metric.replacingOccurrences(of: "_", with: " ")
                    + ($0.breachedAt == nil ? ": met" : ": missed"))
        }
        return rate(clocks.filter { $0.breachedAt == nil }.count, clocks.count, items, 0)
    }

    private func promisesKept(_ agentID: UUID, from: Date, to: Date, rate: RateMaker) async throws -> ScorecardDTO.Rate
    {
        struct Promise: Decodable {
            var caseId: UUID
            var number: Int64
            var kind: String
            var dueAt: Date
            var keptAt: Date?
        }
        let promises = try await db.sql.raw(
            """
            SELECT p.case_id, c.number, p.kind, p.due_at, p.kept_at FROM promises p JOIN cases c ON c.id = p.case_id \
            WHERE p.owner_id = \(bind: agentID) AND p.due_at >= \(bind: from) AND p.due_at < \(bind: to) \
            AND p.due_at <= \(bind: now)
            """
        ).all(decoding: Promise.self, keyDecodingStrategy: .convertFromSnakeCase)
        func onTime(_ promise: Promise) -> Bool { promise.keptAt.map { $0 <= promise.dueAt } ?? false }
        let items = promises.map {
            ScorecardDTO.Item(
                caseId: $0.caseId, caseNumber: $0.number, at: $0.dueAt,
                detail: "\($0.kind): " + (onTime($0) ? "kept on time" : $0.keptAt == nil ? "not kept" : "kept late"))
        }
        return rate(promises.filter(onTime).count, promises.count, items, 0)
    }
}
