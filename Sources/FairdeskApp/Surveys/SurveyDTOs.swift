import FairdeskCore
import Foundation
import Vapor

struct DisputeRequest: Content {
    /// Why the agent thinks the answer should not count against them.
    var note: String
}

struct DisputeDecisionRequest: Content {
    /// accept (the agent's share no longer counts), reject, or reattribute.
    var outcome: String
    /// For reattribute: agent, policy, product, delivery or process.
    var attribution: String?
    var reason: String
}

/// One dissatisfied answer as the agent it counts against sees it.
struct SurveyShareDTO: Content {
    var surveyId: UUID
    var caseId: UUID
    var caseNumber: Int64
    var answeredAt: Date
    var reason: String
    var reasonLabel: String
    var comment: String?
    var attribution: String
    /// The attribution policy version that judged it, or "built-in default".
    var policy: String
    var share: Double
    var entries: Int
    var ownedSeconds: Int
    /// Whether the share still counts (a lead may have upheld a dispute).
    var counts: Bool
    var dispute: DisputeDTO?
    /// Until when the agent may dispute it.
    var disputeUntil: Date
}

struct DisputeDTO: Content {
    var id: UUID
    var surveyId: UUID
    var agentId: UUID
    var agentName: String?
    var caseNumber: Int64?
    var reason: String?
    var comment: String?
    var note: String
    var state: String
    var createdAt: Date
    var decidedBy: String?
    var decisionReason: String?
    var newAttribution: String?
    var decidedAt: Date?
}

struct SurveyDTO: Content {
    var id: UUID
    var caseId: UUID
    var state: String
    var sendAt: Date
    var sentAt: Date?
    var expiresAt: Date
    var solved: Bool?
    var reason: String?
    var comment: String?
    var attribution: String?
    var policy: String?
    var answeredAt: Date?
    var recoveryCaseId: UUID?
}
