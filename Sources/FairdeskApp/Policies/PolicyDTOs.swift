import FairdeskCore
import Foundation
import Vapor

// MARK: Requests

struct CreatePolicyRequest: Content {
    /// Lower-case words joined by dashes: "driver-standing".
    var key: String
    var title: String
    /// One of the policy kinds; it decides which parameters a version must carry.
    var kind: String
}

struct PublishVersionRequest: Content {
    /// What changed, in a sentence or two; sent to everyone bound.
    var summary: String
    /// The whole text in Markdown; each "## 4.2 Title" heading starts a numbered clause.
    var body: String
    var roles: [String]
    var teams: [String]?
    var jurisdictions: [String]?
    var parameters: PolicyParameters?
    var effectiveAt: Date
    /// Marked when the change only helps the people bound, which needs no notice.
    var favourable: Bool?
}

struct WithdrawVersionRequest: Content {
    var reason: String
}

struct NoticePeriodRequest: Content {
    var role: String
    var jurisdiction: String
    var days: Int
    var reason: String
}

struct PlacementRequest: Content {
    var team: String
    var jurisdiction: String
    var reason: String
}

// MARK: Responses

struct PolicyAudienceDTO: Content {
    var roles: [String]
    var teams: [String]
    var jurisdictions: [String]
    var summary: String

    init(_ audience: PolicyAudience) {
        roles = audience.roles.map(\.rawValue)
        teams = audience.teams
        jurisdictions = audience.jurisdictions
        summary = audience.summary
    }
}

/// One version in a list: enough to see where it stands.
struct PolicyVersionBriefDTO: Content {
    var number: Int
    var summary: String
    var state: String
    var publishedAt: Date
    var effectiveAt: Date
    var withdrawnAt: Date?
    var favourable: Bool
    /// When the person asking acknowledged it; empty if they have not or it does not bind them.
    var acknowledgedAt: Date?
    /// Whether it binds the person asking and waits for their acknowledgment.
    var awaitingMyAcknowledgment: Bool
}

struct PolicySummaryDTO: Content {
    var key: String
    var title: String
    var kind: String
    var kindTitle: String
    /// The audience of the newest version.
    var audience: PolicyAudienceDTO?
    var inForce: PolicyVersionBriefDTO?
    var upcoming: [PolicyVersionBriefDTO]
    var versions: Int
}

struct PolicyClauseDTO: Content {
    var number: String
    var title: String
    var text: String
}

struct PolicyVersionDTO: Content {
    var policyKey: String
    var policyTitle: String
    var kind: String
    var number: Int
    /// "driver-standing v3": what decisions cite.
    var citation: String
    var summary: String
    var body: String
    var preamble: String
    var clauses: [PolicyClauseDTO]
    var parameters: PolicyParameters
    var audience: PolicyAudienceDTO
    var state: String
    var favourable: Bool
    var noticeDays: Int
    var publishedAt: Date
    var publishedBy: String?
    var effectiveAt: Date
    var withdrawnAt: Date?
    var withdrawnBy: String?
    var withdrawalReason: String?
    var acknowledgedAt: Date?
    var awaitingMyAcknowledgment: Bool
}

struct PolicyDetailDTO: Content {
    var policy: PolicySummaryDTO
    var versions: [PolicyVersionBriefDTO]
}

struct AcknowledgmentsDTO: Content {
    struct Person: Content {
        var userId: UUID
        var name: String
        var email: String
        var role: String
        var notifiedAt: Date
        var reminders: Int
        var remindedAt: Date?
        var acknowledgedAt: Date?
    }
    var policyKey: String
    var number: Int
    var bound: Int
    var acknowledged: Int
    var people: [Person]
}

struct PolicyComparisonDTO: Content {
    struct Line: Content {
        /// same, added or removed
        var kind: String
        var text: String
    }
    struct Clause: Content {
        var number: String
        /// added, removed, changed or unchanged
        var change: String
        var titleBefore: String?
        var titleAfter: String?
        /// Whether the clause kept its number but got a new title.
        var titleChanged: Bool
        var lines: [Line]
    }
    struct Parameter: Content {
        var name: String
        var before: ParameterValue?
        var after: ParameterValue?
    }
    var policyKey: String
    var from: Int
    var to: Int
    /// The text before the first clause, line by line; absent when it did not change.
    var preamble: [Line]?
    var clauses: [Clause]
    var parameters: [Parameter]
}

struct PolicyInForceDTO: Content {
    var policyKey: String
    var at: Date
    var number: Int
    var citation: String
    var effectiveAt: Date
    var parameters: PolicyParameters
}

struct NoticePeriodDTO: Content {
    var role: String
    var jurisdiction: String
    var days: Int

    init(_ period: NoticePeriod) {
        role = period.role
        jurisdiction = period.jurisdiction
        days = period.days
    }
}
