import Foundation

/// A knowledge-base article as the bot reads it: written by admins, cited in every answer built on it.
public struct KnowledgeArticle: Sendable, Equatable, Hashable, Codable {
    /// A stable key, cited in answers and summaries (a slug or the record's UUID).
    public var id: String
    public var title: String
    /// The text, plain or light Markdown; the bot quotes it and searches it.
    public var body: String
    /// Words admins add so the article is found by the customer's words, not only the writer's.
    public var tags: [String]
    /// Whether the article is about a topic only a person may handle (fraud, account closure, ...).
    /// Agents read it; the bot never answers from it and hands the conversation over instead.
    public var humanOnly: Bool
    /// Drafts are not searched.
    public var published: Bool

    public init(
        id: String, title: String, body: String, tags: [String] = [], humanOnly: Bool = false, published: Bool = true
    ) {
        self.id = id
        self.title = title
        self.body = body
        self.tags = tags
        self.humanOnly = humanOnly
        self.published = published
    }
}
