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

    /// The figures of `agent`'s scorecard for the period, counted in the database. The contacts
    /// behind each figure are read only when it is opened: ``items(of:figure:channel:from:to:)``.
    func scorecard(of agent: User, from: Date, to: Date) async throws -> ScorecardDTO {
        let agentID = try agent.requireID()
        let rules = try await rules(for: agent, at: to)
        func rate(_ counts: Proportion, _ figure: ScorecardFigure, pending: Int = 0) -> ScorecardDTO.Rate {
            ScorecardDTO.Rate(
                counts, minimumSample: rules.minimumSample, confidence: rules.confidence, figure: figure,
                pending: pending)
        }

        // Contacts by channel (a case answered there counts once), calls and transfers: one grouped
        // read of the agent's own entries through `timeline_by_author`.
        struct ChannelCount: Decodable {
            var channel: String
            var contacts: Int
            var calls: Int
            var transfers: Int
        }
        let byChannel = try await db.sql.raw(
            """
            SELECT t.channel AS channel, COUNT(DISTINCT CASE WHEN t.kind <> 'transfer' THEN t.case_id END) AS contacts, \
            COALESCE(SUM(CASE WHEN t.kind = 'call' THEN 1 ELSE 0 END), 0) AS calls, \
            COALESCE(SUM(CASE WHEN t.kind = 'transfer' THEN 1 ELSE 0 END), 0) AS transfers \
            FROM timeline_entries t WHERE \(authored(by: agentID, from: from, to: to)) GROUP BY t.channel
            """
        ).all(decoding: ChannelCount.self)
        let contacts = byChannel.filter { $0.contacts > 0 }.sorted { $0.channel < $1.channel }.map {
            ScorecardDTO.Channel(channel: $0.channel, count: $0.contacts)
        }
        let calls = try await PackedRows(db: db).rows(
            [("t.talk_seconds", .integer), ("t.hold_seconds", .integer), ("t.after_call_work_seconds", .integer)],
            "FROM timeline_entries t WHERE \(authored(by: agentID, from: from, to: to)) AND t.kind = 'call'")
        func duration(_ part: String, _ column: Int) -> ScorecardDTO.Duration {
            let seconds = calls.compactMap { $0.integer(column) }.map(Double.init)
            return ScorecardDTO.Duration(
                part: part, median: Descriptive.median(seconds), average: Descriptive.mean(seconds))
        }

        let resolutions = try await firstContactResolutions(agentID, from: from, to: to)
        let known = resolutions.filter { $0.outcome != .pending }
        let firstTime = Proportion(
            successes: known.filter { $0.outcome == .resolved }.count, trials: known.count)!
        let satisfaction =
            try await satisfactionCounts(of: [agentID], from: from, to: to)[agentID]
            ?? Proportion(successes: 0, trials: 0)!
        return ScorecardDTO(
            agentId: agentID, agentName: agent.name, from: from, to: to, policy: rules.policy,
            minimumSample: rules.minimumSample, confidence: rules.confidence, contacts: contacts,
            contactsTotal: contacts.map(\.count).reduce(0, +), calls: calls.count,
            handleTime: [duration("talk", 0), duration("hold", 1), duration("after_call_work", 2)],
            firstContactResolution: rate(
                firstTime, .firstContactResolution, pending: resolutions.count - known.count),
            satisfaction: rate(satisfaction, .satisfaction),
            slaAttainment: rate(try await slaCounts(agentID, from: from, to: to), .slaAttainment),
            promisesKept: rate(try await promiseCounts(agentID, from: from, to: to), .promisesKept),
            transfers: byChannel.map(\.transfers).reduce(0, +))
    }

    /// The agent's own entries that count, in the period, as a condition on `t`: replies to the
    /// customer, logged calls and transfers (`timeline_by_author`).
    func authored(by agentID: UUID, from: Date, to: Date) -> SQLQueryString {
        """
        t.author_id = \(bind: agentID) AND t.kind IN ('message', 'call', 'transfer') \
        AND (t.kind <> 'message' OR t.direction = 'outbound') \
        AND t.occurred_at >= \(bind: from) AND t.occurred_at < \(bind: to)
        """
    }

    /// A case the agent resolved in the period, and whether the customer came back within the week.
    struct Resolution {
        var caseID: UUID
        var number: Int64
        var resolvedAt: Date
        var outcome: FirstContactResolution.Outcome?
    }

    /// The cases the agent resolved in the period with their first-contact outcome: every later
    /// message of the customer counts as the same issue, a customer who writes again within the week
    /// was not done, whatever case the message joined.
    func firstContactResolutions(_ agentID: UUID, from: Date, to: Date) async throws -> [Resolution] {
        let rows = try await PackedRows(db: db).rows(
            [("id", .uuid), ("number", .integer), ("customer_id", .uuid), ("resolved_at", .date)],
            """
            FROM cases WHERE owner_id = \(bind: agentID) \
            AND resolved_at >= \(bind: from) AND resolved_at < \(bind: to)
            """)
        let resolved = rows.compactMap { row -> (Resolution, UUID)? in
            guard let id = row.uuid(0), let number = row.integer(1), let customer = row.uuid(2),
                let at = row.date(3)
            else { return nil }
            return (Resolution(caseID: id, number: Int64(number), resolvedAt: at), customer)
        }
        let window = FirstContactResolution.defaultWindow
        let later = try await CustomerContacts.inbound(
            of: Array(Set(resolved.map(\.1))), after: resolved.map(\.0.resolvedAt).min() ?? from,
            until: (resolved.map(\.0.resolvedAt).max() ?? to) + window, on: db)
        let contacts =
            resolved.map {
                FirstContactResolution.Contact(id: $0.0.caseID, customerID: $0.1, issueKey: "", at: $0.0.resolvedAt)
            }
            + later.map {
                FirstContactResolution.Contact(id: $0.id, customerID: $0.customerId, issueKey: "", at: $0.at)
            }
        let outcomes = FirstContactResolution.outcomes(of: contacts, at: now, window: window)
        return resolved.map {
            var resolution = $0.0
            resolution.outcome = outcomes[resolution.caseID]
            return resolution
        }
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

    /// The longest a survey answer can come after its case was resolved: the longest sending delay
    /// (7 days) and the longest link life (90 days) that configuration allows, and a day to spare.
    static let longestSurveyWait: TimeInterval = 98 * 86_400

    /// Where the "yes" answers that count for `agents` are: on the cases they own, answered in the
    /// period; the agent is `c.owner_id`, the case `c`, the answer `s`.
    ///
    /// A few agents: their cases resolved since the earliest an answer in the period can have been
    /// sent (`cases_resolved_by_owner`; a survey goes out at most 7 days after resolving and its link
    /// works at most 90). Many agents: the period's answers first (`surveys_by_answer`). CROSS JOIN
    /// holds SQLite to that order.
    func yesAnswers(of agents: [UUID], from: Date, to: Date) -> SQLQueryString {
        agents.count <= 3
            ? """
            FROM cases c CROSS JOIN surveys s WHERE s.case_id = c.id AND c.owner_id IN (\(binds: agents)) \
            AND c.resolved_at >= \(bind: from.addingTimeInterval(-Self.longestSurveyWait)) \
            AND s.state = 'answered' AND s.solved = \(bind: true) \
            AND s.answered_at >= \(bind: from) AND s.answered_at < \(bind: to)
            """
            : """
            FROM surveys s CROSS JOIN cases c WHERE c.id = s.case_id AND s.state = 'answered' \
            AND s.solved = \(bind: true) AND c.owner_id IN (\(binds: agents)) \
            AND s.answered_at >= \(bind: from) AND s.answered_at < \(bind: to)
            """
    }

    /// Where the "no" answers that count against `agents` are: put down to an agent, where the agent
    /// holds a share that was not voided; the agent is `sh.agent_id`, the answer `s`. A few agents'
    /// shares are read by agent (they are few: only "no" answers put down to agents); many agents',
    /// from the period's answers. With `cases`, the answer's case is `c`.
    func noAnswers(of agents: [UUID], from: Date, to: Date, cases: Bool = false) -> SQLQueryString {
        let order: SQLQueryString =
            agents.count <= 3 ? "survey_shares sh CROSS JOIN surveys s" : "surveys s CROSS JOIN survey_shares sh"
        let join: SQLQueryString = cases ? " CROSS JOIN cases c" : ""
        let joined: SQLQueryString = cases ? " AND c.id = s.case_id" : ""
        return """
            FROM \(order)\(join) WHERE sh.survey_id = s.id\(joined) AND s.state = 'answered' AND s.solved = \(bind: false) \
            AND s.attribution = 'agent' AND sh.voided = \(bind: false) AND sh.agent_id IN (\(binds: agents)) \
            AND s.answered_at >= \(bind: from) AND s.answered_at < \(bind: to)
            """
    }

    /// How many answers count for and against each of `agents`, counted by the database.
    func satisfactionCounts(of agents: [UUID], from: Date, to: Date) async throws -> [UUID: Proportion] {
        guard !agents.isEmpty else { return [:] }
        struct Count: Decodable {
            var agent: UUID
            var n: Int
        }
        let yes = try await db.sql.raw(
            "SELECT c.owner_id AS agent, COUNT(*) AS n \(yesAnswers(of: agents, from: from, to: to)) GROUP BY c.owner_id"
        ).all(decoding: Count.self)
        let no = try await db.sql.raw(
            "SELECT sh.agent_id AS agent, COUNT(*) AS n \(noAnswers(of: agents, from: from, to: to)) GROUP BY sh.agent_id"
        ).all(decoding: Count.self)
        var counts: [UUID: Proportion] = [:]
        for agent in agents {
            let solved = yes.first { $0.agent == agent }?.n ?? 0
            let unsolved = no.first { $0.agent == agent }?.n ?? 0
            counts[agent] = Proportion(successes: solved, trials: solved + unsolved)
        }
        return counts
    }

    /// The answers that count for and against each of `agents`, oldest first.
    func satisfactionAnswers(of agents: [UUID], from: Date, to: Date) async throws -> [UUID: [Answer]] {
        guard !agents.isEmpty else { return [:] }
        let columns: SQLQueryString = "s.case_id, c.number, s.answered_at, s.solved, s.reason"
        let yes = try await db.sql.raw(
            "SELECT c.owner_id AS agent_id, \(columns) \(yesAnswers(of: agents, from: from, to: to))"
        ).all(decoding: Answer.self)
        let no = try await db.sql.raw(
            "SELECT sh.agent_id, \(columns) \(noAnswers(of: agents, from: from, to: to, cases: true))"
        ).all(decoding: Answer.self)
        return Dictionary(grouping: (yes + no).sorted { $0.answeredAt < $1.answeredAt }, by: \.agentId)
    }
}
