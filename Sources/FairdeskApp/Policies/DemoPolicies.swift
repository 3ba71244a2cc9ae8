import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// The demo company's policies: a short history of published versions, one change coming up,
/// and acknowledgments some people still owe, so every policy page has something to show.
enum DemoPolicies {
    struct Draft {
        var key: String
        var title: String
        var kind: PolicyKind
        var roles: [Role]
        /// Versions: (summary, body, parameter changes over the suggested values, published and
        /// effective days from now).
        var versions: [(String, String, PolicyParameters, Int, Int)]
    }

    static let drafts: [Draft] = [
        Draft(
            key: "agent-conduct", title: "Agent conduct and metrics", kind: .agentConduct, roles: [.agent, .lead],
            versions: [
                (
                    "First written version of how agents are measured.", agentConduct(minimum: 30, window: 7), [:],
                    -60, -45
                ),
                (
                    "Nobody is ranked on fewer than 40 answers, and disputes may be raised for 10 days.",
                    agentConduct(minimum: 40, window: 10),
                    ["minimum_responses_for_rank": .number(40), "dispute_window_days": .number(10)], -2, 12
                ),
            ]),
        Draft(
            key: "driver-standing", title: "Driver standing and deactivation", kind: .driverStanding,
            roles: [.driver],
            versions: [("First written version of standing, warnings and appeals.", driverStanding, [:], -40, -26)]),
        Draft(
            key: "survey-attribution", title: "Survey attribution", kind: .surveyAttribution, roles: [.agent, .lead],
            versions: [("Which survey reasons count against whom.", surveyAttribution, [:], -60, -45)]),
        Draft(
            key: "improvement-plans", title: "Improvement plans", kind: .improvementPlans, roles: [.agent, .lead],
            versions: [("What a plan promises the agent, and what it asks.", improvementPlans, [:], -60, -45)]),
    ]

    /// Stores the demo policies, published by the demo policy owner; everybody bound has been
    /// told, and agents and leads have read the versions already in force.
    static func seed(on db: any Database, now: Date) async throws {
        let owner = try await User.query(on: db).filter(\.$role == .policyOwner).first()?.id
        for draft in drafts {
            let policyID = UUID()
            let first = now.addingTimeInterval(Double(draft.versions[0].3) * 86_400)
            try await db.insertRow(
                "policies",
                [
                    ("id", policyID), ("key", draft.key), ("title", draft.title), ("kind", draft.kind.rawValue),
                    ("created_by_id", owner), ("created_at", first),
                ])
            for (index, (summary, body, changes, published, effective)) in draft.versions.enumerated() {
                let document = PolicyDocument.parse(body)
                let publishedAt = now.addingTimeInterval(Double(published) * 86_400)
                let effectiveAt = now.addingTimeInterval(Double(effective) * 86_400)
                let audience = PolicyAudience(roles: draft.roles)
                let stored = StoredVersion(
                    id: UUID(), policyID: policyID, body: body, document: document,
                    version: PolicyVersion(
                        number: index + 1, summary: summary, clauses: document.clauses,
                        parameters: ParameterSchema.forKind(draft.kind).suggested.merging(changes) { $1 },
                        publishedAt: publishedAt, effectiveAt: effectiveAt),
                    audience: audience, noticeDays: 14, publishedByID: owner, withdrawnByID: nil,
                    withdrawalReason: nil)
                try await PolicyActions.insert(stored, on: db)
                let bound = try await PolicyActions.bound(by: audience, on: db)
                try await PolicyActions.addRecipients(bound, version: stored.id, at: publishedAt, on: db)
                if effectiveAt < now && !draft.roles.contains(.driver) {
                    try await db.sql.raw(
                        """
                        UPDATE policy_recipients SET acknowledged_at = \(bind: publishedAt.addingTimeInterval(86_400)) \
                        WHERE version_id = \(bind: stored.id)
                        """
                    ).run()
                }
                try await Notifications.send(
                    to: bound, caseID: nil, kind: "policy.published",
                    body: "\(draft.title), version \(index + 1), applies from \(PageTime.text(effectiveAt)): "
                        + "\(summary) Please read and acknowledge it.",
                    link: PolicyActions.link(draft.key, index + 1), at: publishedAt, on: db)
            }
        }
    }

    static func agentConduct(minimum: Int, window: Int) -> String {
        """
        How Fairdesk measures the work of support agents, and how an agent can question a measure.

        ## 1 What counts
        Only what an agent controls counts: their replies, their handling time split into talk, hold \
        and after-call work, and survey answers whose reason is attributed to the agent.

        ## 2 Ranking
        Nobody is ranked on fewer than **\(minimum) survey answers**. Rates are shown with their \
        uncertainty, and nobody is placed in a "bottom" group unless they differ from the team \
        with statistical significance.

        ## 3 Disputes
        An agent may dispute an attribution within **\(window) days**. A lead decides, in writing, \
        and the agent sees the outcome.
        """
    }

    static let driverStanding = """
        How a driver's standing is worked out, what happens before any action, and how to appeal.

        ## 1 Metrics
        On-time rate, completion rate, missed blocks and scan compliance over the last 28 days. \
        Events outside the driver's control (weather, depot delay, illness) are excused and shown \
        with their code.

        ## 2 Standing tiers
        - Fantastic: on time at least 98% of the time
        - Great: at least 95%
        - Fair: at least 90%
        - At risk: below 90%

        ## 3 Warnings before action
        A warning always comes first, naming the metric, the evidence and the way back, with 7 \
        days to improve. Serious misconduct, safety and fraud are the only exceptions.

        ## 4 Decisions and appeals
        Only a named person may restrict or deactivate a driver, with a written statement of \
        reasons citing this policy. A suspension or restriction lasts at most 30 days. A decision \
        takes effect 14 days after the driver is told of it, except on grounds of safety, fraud or \
        licensing, which apply at once. The driver may appeal \
        within 14 days with their own evidence; a different person decides within 14 days.
        """

    static let improvementPlans = """
        What an improvement plan asks of an agent, and what the company owes them in return.

        ## 1 Goals
        A plan states its goals: the metric, the target and the period it is measured over, for \
        the **6 weeks** it runs.

        ## 2 Coaching
        The lead holds **2 coaching sessions a week**, with written notes the agent reads and may \
        answer. A session the lead misses is owed; one the agent misses is not.

        ## 3 Warnings
        A plan cannot lead to a written or final warning while coaching it promised is owed, unless \
        a lead overrides with a written reason. The agent is told of every step and may answer in \
        writing.
        """

    static let surveyAttribution = """
        After a case is resolved the customer is asked "Did we solve your problem?". A "no" carries \
        a reason, and each reason is answerable by somebody.

        ## 1 Attribution
        Only reasons attributed to the agent count on an agent's scorecard. Reasons about policy, \
        product or delivery go to the teams that own them.

        ## 2 Recovery
        Every dissatisfied customer is contacted again within 24 hours.
        """
}
