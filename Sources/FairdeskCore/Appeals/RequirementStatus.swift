/// Where a reinstatement requirement, or all of them together, stands.
public enum RequirementStatus: String, Sendable, Codable, CaseIterable {
    /// Done: the condition closes.
    case met
    /// Cannot be met any more: the case goes back to a reviewer, never straight to a new action.
    case failedBackToReview = "failed_back_to_review"
    /// Not yet decided either way.
    case open
}
