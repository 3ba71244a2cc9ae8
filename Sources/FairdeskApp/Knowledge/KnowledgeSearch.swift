import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// Full-text search of the knowledge base, the one place where the two databases differ:
/// - SQLite: the FTS5 table `kb_articles_fts` (porter stemmer on unicode61, accents ignored),
///   `MATCH` with the expression ``SearchQuery/fts5(everyWord:)`` renders, ranked by `bm25` with
///   title, tags and body weighted 10, 4 and 1, and `snippet` of the body.
/// - PostgreSQL: the `search_vector` column (English stemming; title weighted A, tags B, body C)
///   through its GIN index, `websearch_to_tsquery` of ``SearchQuery/websearch(everyWord:)``, ranked
///   by `ts_rank`, and `ts_headline` of the body for the best results only.
///
/// Both are given only words, quotes, `-` and `or` built by ``SearchQuery``, never the text as typed.
enum KnowledgeSearch {
    /// The most results one search returns.
    static let maximumLimit = 50
    /// The text search configuration on PostgreSQL; the migration's generated column uses the same.
    static let configuration = "english"
    /// Marks around matched words in snippets, turned into ``Snippet/Part``s. Control characters,
    /// so no article text is mistaken for them.
    static let matchStart = "\u{2}"
    static let matchEnd = "\u{3}"

    /// A short piece of an article's body around the words searched for.
    struct Snippet: Sendable, Equatable, Encodable {
        struct Part: Sendable, Equatable, Encodable {
            var text: String
            /// Whether this is a word that matched the search.
            var match: Bool
        }

        var parts: [Part]

        /// The snippet as plain text.
        var text: String { parts.map(\.text).joined() }

        /// Reads a snippet whose matches are wrapped in ``matchStart`` and ``matchEnd``.
        init(marked: String) {
            var parts: [Part] = []
            var rest = Substring(marked)
            while !rest.isEmpty {
                if let start = rest.range(of: KnowledgeSearch.matchStart) {
                    if start.lowerBound > rest.startIndex {
                        parts.append(Part(text: String(rest[..<start.lowerBound]), match: false))
                    }
                    let after = rest[start.upperBound...]
                    let end = after.range(of: KnowledgeSearch.matchEnd)
                    let matched = after[..<(end?.lowerBound ?? after.endIndex)]
                    if !matched.isEmpty { parts.append(Part(text: String(matched), match: true)) }
                    rest = end.map { after[$0.upperBound...] } ?? ""
                } else {
                    parts.append(
                        Part(
                            text: String(rest.replacingOccurrences(of: KnowledgeSearch.matchEnd, with: "")),
                            match: false))
                    rest = ""
                }
            }
            self.parts = parts
        }
    }

    /// One article found.
    struct Hit: Sendable {
        var slug: String
        var title: String
        var tags: [String]
        var humanOnly: Bool
        var published: Bool
        var updatedAt: Date
        var snippet: Snippet
        /// Higher is better; comparable only within one search (bm25 on SQLite, ts_rank on PostgreSQL).
        var rank: Double
    }

    /// What a search found.
    struct Results: Sendable {
        var hits: [Hit]
        /// True when the hits hold every word searched for; false when none did and these hold some of them.
        var everyWord: Bool
    }

    /// Runs `query` on `db`'s own full-text engine; best match first, ties in title order.
    static func run(
        _ query: SearchQuery, everyWord: Bool, limit: Int, includeDrafts: Bool, on db: any Database
    ) async throws -> [Hit] {
        struct Row: Decodable {
            var slug: String
            var title: String
            var tags: String
            var humanOnly: Bool
            var published: Bool
            var updatedAt: Date
            var snippet: String
            var score: Double
        }
        let sql: SQLQueryString
        if db.isPostgres {
            let options =
                "StartSel=\(matchStart), StopSel=\(matchEnd), MaxWords=35, MinWords=15, MaxFragments=2, "
                + "FragmentDelimiter=\" … \""
            var ranked: SQLQueryString = """
                SELECT k.id, q AS query, ts_rank(k.search_vector, q)::float8 AS score \
                FROM kb_articles k, websearch_to_tsquery(\(bind: configuration)::regconfig, \
                \(bind: query.websearch(everyWord: everyWord))) AS q \
                WHERE k.search_vector @@ q
                """
            if !includeDrafts { ranked += " AND k.published = \(bind: true)" }
            ranked += " ORDER BY score DESC, k.title LIMIT \(literal: limit)"
            // ts_headline reads the whole body, so it runs on the page of results only.
            sql = """
                SELECT a.slug, a.title, a.tags, a.human_only, a.published, a.updated_at, r.score, \
                ts_headline(\(bind: configuration)::regconfig, a.body, r.query, \(bind: options)) AS snippet \
                FROM (\(ranked)) r JOIN kb_articles a ON a.id = r.id ORDER BY r.score DESC, a.title
                """
        } else {
            var statement: SQLQueryString = """
                SELECT a.slug, a.title, a.tags, a.human_only, a.published, a.updated_at, \
                snippet(kb_articles_fts, 2, \(bind: matchStart), \(bind: matchEnd), '…', 24) AS snippet, \
                -bm25(kb_articles_fts, 10.0, 4.0, 1.0) AS score \
                FROM kb_articles_fts JOIN kb_articles a ON a.seq = kb_articles_fts.rowid \
                WHERE kb_articles_fts MATCH \(bind: query.fts5(everyWord: everyWord))
                """
            if !includeDrafts { statement += " AND a.published = \(bind: true)" }
            statement += " ORDER BY score DESC, a.title LIMIT \(literal: limit)"
            sql = statement
        }
        return try await db.sql.raw(sql).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase).map {
            Hit(
                slug: $0.slug, title: $0.title, tags: KnowledgeBase.tags(stored: $0.tags), humanOnly: $0.humanOnly,
                published: $0.published, updatedAt: $0.updatedAt, snippet: Snippet(marked: $0.snippet), rank: $0.score)
        }
    }
}
