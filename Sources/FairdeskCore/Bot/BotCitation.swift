import Foundation

/// What a bot answer rests on, so the customer and the agent can check it.
public enum BotCitation: Sendable, Equatable, Hashable, Codable {
    /// A knowledge-base article.
    case article(id: String, title: String)
    /// An order record, by the number the customer knows.
    case order(number: String)

    /// How the citation reads in a summary: `article "Returning an item" (returns-policy)`, `order FD-482913`.
    public var text: String {
        switch self {
        case .article(let id, let title): "article \"\(title)\" (\(id))"
        case .order(let number): "order \(number)"
        }
    }
}
