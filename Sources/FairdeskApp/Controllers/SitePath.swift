import Foundation

/// Every path Fairdesk links to, in one place, so routes and links cannot drift apart.
enum SitePath {
    static let apiPrefix = "api/v1"

    case health
    case metrics
    case supportCase(UUID)
    case caseTimeline(UUID)
    case attachment(caseID: UUID, attachmentID: UUID)
    case customer(UUID)
    // Web pages
    case home
    case login
    case logout
    case signup
    case inbox
    case inboxRows
    case caseView(UUID)
    case caseEntries(UUID)
    case caseSummary(UUID)
    case caseAction(UUID, String)
    case myCases
    case myCase(UUID)
    case newCase
    case adminUsers
    case adminQueues
    case adminSettings
    case adminServiceLevels
    case adminServiceLevelsAction(String)
    case adminJobs
    case adminMail
    case inboundEmail(UUID)
    case adminWebhooks
    case adminWebhookAction(String)
    case adminJobRetry(UUID)
    case knowledge
    case knowledgeArticle(String)
    case adminKnowledge
    case adminKnowledgeArticle(String)
    case adminKnowledgeAction(String, String)
    case queuesNow
    case policies
    case policy(String)
    case policyVersion(String, Int)
    case policyVersionAction(String, Int, String)
    case policyPublish(String)
    case policyCompare(String)
    case policyNoticePeriods
    case adminUserPlacement(UUID)
    case promiseFollowUp(String)
    case casePromiseAction(UUID, String)
    case promiseReport
    case botReport
    case serviceReport
    case serviceReportCSV
    case myScorecard
    case teamScorecards
    case agentScorecard(UUID)
    case plans
    case plan(UUID)
    case planAction(UUID, String)
    case myStanding
    case drivers
    case driverStanding(UUID)
    case driverDecide(UUID)
    case deliveryDisputes
    case deliveryDispute(UUID)
    case newDeliveryDispute
    case answerDispute(UUID)
    case fileAppeal(decisionID: UUID)
    case addAppealEvidence(UUID)
    case appeals
    case appeal(UUID)
    case appealDecide(UUID)
    case appealTraining(UUID)
    case appealEvidence(UUID, evidenceID: UUID)
    case survey(String)
    case mySurveys
    case surveyDisputes
    case availability
    case liveSocket
    case widgetScript
    case stylesheet
    case script

    var path: String {
        switch self {
        case .health: "/health"
        case .metrics: "/metrics"
        case .supportCase(let id): "/\(Self.apiPrefix)/cases/\(id)"
        case .caseTimeline(let id): "/\(Self.apiPrefix)/cases/\(id)/timeline"
        case .attachment(let caseID, let attachmentID): "/\(Self.apiPrefix)/cases/\(caseID)/attachments/\(attachmentID)"
        case .customer(let id): "/\(Self.apiPrefix)/customers/\(id)"
        case .home: "/"
        case .login: "/login"
        case .logout: "/logout"
        case .signup: "/signup"
        case .adminServiceLevels: "/admin/service-levels"
        case .adminServiceLevelsAction(let form): "/admin/service-levels/\(form)"
        case .adminJobs: "/admin/jobs"
        case .adminMail: "/admin/mail"
        case .inboundEmail(let id): "/mail/inbound/\(id)"
        case .adminWebhooks: "/admin/webhooks"
        case .adminWebhookAction(let action): "/admin/webhooks/\(action)"
        case .adminJobRetry(let id): "/admin/jobs/\(id)/retry"
        case .knowledge: "/knowledge"
        case .knowledgeArticle(let slug): "/knowledge/\(slug)"
        case .adminKnowledge: "/admin/knowledge"
        case .adminKnowledgeArticle(let slug): "/admin/knowledge/\(slug)"
        case .adminKnowledgeAction(let slug, let action): "/admin/knowledge/\(slug)/\(action)"
        case .queuesNow: "/queues/now"
        case .policies: "/policies"
        case .policy(let key): "/policies/\(key)"
        case .policyVersion(let key, let number): "/policies/\(key)/versions/\(number)"
        case .policyVersionAction(let key, let number, let action): "/policies/\(key)/versions/\(number)/\(action)"
        case .policyPublish(let key): "/policies/\(key)/publish"
        case .policyCompare(let key): "/policies/\(key)/compare"
        case .policyNoticePeriods: "/policies/notice-periods"
        case .adminUserPlacement(let id): "/admin/users/\(id)/placement"
        case .promiseFollowUp(let token): "/promises/follow-up/\(token)"
        case .casePromiseAction(let id, let action): "/cases/\(id)/promises/\(action)"
        case .promiseReport: "/reports/promises"
        case .botReport: "/reports/bot"
        case .serviceReport: "/reports"
        case .serviceReportCSV: "/reports/service.csv"
        case .myScorecard: "/my/scorecard"
        case .teamScorecards: "/scorecards"
        case .agentScorecard(let id): "/scorecards/\(id)"
        case .plans: "/plans"
        case .plan(let id): "/plans/\(id)"
        case .planAction(let id, let action): "/plans/\(id)/\(action)"
        case .myStanding: "/my/standing"
        case .drivers: "/drivers"
        case .driverStanding(let id): "/drivers/\(id)"
        case .driverDecide(let id): "/drivers/\(id)/decide"
        case .deliveryDisputes: "/drivers/disputes"
        case .deliveryDispute(let id): "/drivers/disputes/\(id)"
        case .newDeliveryDispute: "/drivers/disputes/new"
        case .answerDispute(let id): "/my/standing/disputes/\(id)/answer"
        case .fileAppeal(let decisionID): "/my/standing/decisions/\(decisionID)/appeal"
        case .addAppealEvidence(let id): "/my/standing/appeals/\(id)/evidence"
        case .appeals: "/appeals"
        case .appeal(let id): "/appeals/\(id)"
        case .appealDecide(let id): "/appeals/\(id)/decide"
        case .appealTraining(let id): "/appeals/\(id)/training"
        case .appealEvidence(let id, let evidenceID): "/appeals/\(id)/evidence/\(evidenceID)"
        case .survey(let token): "/survey/\(token)"
        case .mySurveys: "/my/surveys"
        case .surveyDisputes: "/surveys/disputes"
        case .availability: "/inbox/availability"
        case .inbox: "/inbox"
        case .inboxRows: "/inbox/rows"
        case .caseView(let id): "/cases/\(id)"
        case .caseEntries(let id): "/cases/\(id)/entries"
        case .caseSummary(let id): "/cases/\(id)/summary"
        case .caseAction(let id, let action): "/cases/\(id)/\(action)"
        case .myCases: "/my/cases"
        case .myCase(let id): "/my/cases/\(id)"
        case .newCase: "/my/cases/new"
        case .adminUsers: "/admin/users"
        case .adminQueues: "/admin/queues"
        case .adminSettings: "/admin/settings"
        case .liveSocket: "/live"
        case .widgetScript: "/widget.js"
        case .stylesheet: "/static/fairdesk.css"
        case .script: "/static/fairdesk.js"
        }
    }
}
