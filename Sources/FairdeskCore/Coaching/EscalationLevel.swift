import Foundation

/// The steps an improvement plan can escalate to.
public enum EscalationLevel: String, Sendable, Codable, CaseIterable {
    case writtenWarning = "written_warning"
    case finalWarning = "final_warning"

    /// The step in words: "a written warning".
    public var label: String {
        switch self {
        case .writtenWarning: "a written warning"
        case .finalWarning: "a final warning"
        }
    }
}
