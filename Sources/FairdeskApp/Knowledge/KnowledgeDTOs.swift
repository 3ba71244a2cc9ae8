import FairdeskCore
import Foundation
import Vapor

/// The body of `POST /api/v1/knowledge` and `PUT /api/v1/knowledge/{slug}`.
struct KnowledgeArticleRequest: Content {
    var title: String?
    var body: String?
    var tags: [String]?
    var humanOnly: Bool?
    var published: Bool?
    /// On creation: an address chosen by hand (made from the title when left out).
    var slug: String?
    /// On a change: the version the change was made from (409 if the article has changed since).
    var version: Int?
    /// Why, for the audit log.
    var reason: String?

    var input: KnowledgeBase.Input {
        .init(
            title: title, body: body, tags: tags, humanOnly: humanOnly, published: published, slug: slug,
            version: version, reason: reason)
    }
}

/// An article, in full.
struct KnowledgeArticleDTO: Content {
    var id: UUID
    var slug: String
    var title: String
    var body: String
    var tags: [String]
    var humanOnly: Bool
    var published: Bool
    var version: Int
    var createdBy: UUID?
    var updatedBy: UUID?
    var createdAt: Date
    var updatedAt: Date

    init(_ article: KnowledgeBase.Article) {
        id = article.id
        slug = article.slug
        title = article.title
        body = article.body
        tags = article.tags
        humanOnly = article.humanOnly
        published = article.published
        version = article.version
        createdBy = article.createdBy
        updatedBy = article.updatedBy
        createdAt = article.createdAt
        updatedAt = article.updatedAt
    }
}

/// The answer of `GET /api/v1/knowledge`.
struct KnowledgeSearchDTO: Content {
    /// The text searched for; null when the articles were listed.
    var query: String?
    /// True when every result holds every word searched for; false when no article did and the
    /// results hold some of them.
    var everyWord: Bool
    var results: [KnowledgeHitDTO]
}

/// One article found (or listed).
struct KnowledgeHitDTO: Content {
    var slug: String
    var title: String
    var tags: [String]
    var humanOnly: Bool
    var published: Bool
    /// Plain text around the words found; the start of the body when listing.
    var snippet: String
    /// Higher is better, comparable within one search only; 0 when listing.
    var rank: Double
    var updatedAt: Date

    init(_ hit: KnowledgeSearch.Hit) {
        slug = hit.slug
        title = hit.title
        tags = hit.tags
        humanOnly = hit.humanOnly
        published = hit.published
        snippet = hit.snippet.text
        rank = hit.rank
        updatedAt = hit.updatedAt
    }

    init(listed article: KnowledgeBase.Article) {
        slug = article.slug
        title = article.title
        tags = article.tags
        humanOnly = article.humanOnly
        published = article.published
        snippet = KnowledgeHitDTO.opening(of: article.body)
        rank = 0
        updatedAt = article.updatedAt
    }

    /// The first 30 words of a text, with "…" if there is more.
    static func opening(of body: String, words count: Int = 30) -> String {
        let words = body.split(whereSeparator: \.isWhitespace)
        return words.prefix(count).joined(separator: " ") + (words.count > count ? " …" : "")
    }
}
