import Foundation

/// Every path Fairdesk links to, in one place, so routes and links cannot drift apart.
enum SitePath {
    static let apiPrefix = "api/v1"

    case health
    case metrics
    case openAPI
    case supportCase(UUID)
    case caseTimeline(UUID)
    case attachment(caseID: UUID, attachmentID: UUID)
    case customer(UUID)
    case customerTimeline(UUID)

    var path: String {
        switch self {
        case .health: "/health"
        case .metrics: "/metrics"
        case .openAPI: "/openapi.yaml"
        case .supportCase(let id): "/\(Self.apiPrefix)/cases/\(id)"
        case .caseTimeline(let id): "/\(Self.apiPrefix)/cases/\(id)/timeline"
        case .attachment(let caseID, let attachmentID): "/\(Self.apiPrefix)/cases/\(caseID)/attachments/\(attachmentID)"
        case .customer(let id): "/\(Self.apiPrefix)/customers/\(id)"
        case .customerTimeline(let id): "/\(Self.apiPrefix)/customers/\(id)/timeline"
        }
    }
}
