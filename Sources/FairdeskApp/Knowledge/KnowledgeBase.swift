import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// The knowledge base: articles admins write in the web UI (or through the API), which agents
/// search and the bot answers from, citing each article by its slug.
///
/// Every change is one transaction that writes the article, bumps the `knowledge` counter (the
/// ``revision()`` the bot watches) and appends to the audit log who made it, when and why.
/// Drafts are seen by admins only. Search is full-text, by each database's own engine
/// (``KnowledgeSearch``).
struct KnowledgeBase: Sendable {
    let app: Application

    /// A stored article.
    struct Article: Sendable, Equatable {
        var id: UUID
        var slug: String
        var title: String
        var body: String
        var tags: [String]
        var humanOnly: Bool
        var published: Bool
        var createdBy: UUID?
        var updatedBy: UUID?
        var createdAt: Date
        var updatedAt: Date
        var version: Int

        /// The article as the bot reads it, keyed by its slug.
        var knowledgeArticle: KnowledgeArticle {
            KnowledgeArticle(
                id: slug, title: title, body: body, tags: tags, humanOnly: humanOnly, published: published)
        }
    }

    /// What an admin sends to write or change an article. Fields left nil keep their value on a change.
    struct Input: Sendable {
        var title: String?
        var body: String?
        var tags: [String]?
        var humanOnly: Bool?
        var published: Bool?
        /// On creation only: an address chosen by hand instead of the one made from the title.
        var slug: String?
        /// On a change only: the version the change was made from. If the article has changed
        /// since, the change is refused (409), so nobody overwrites an edit they have not seen.
        var version: Int?
        /// Why, for the audit log.
        var reason: String?
    }

    /// The published articles and the ``revision()`` they were read at.
    struct Snapshot: Sendable {
        var revision: Int64
        var articles: [KnowledgeArticle]
    }

    // MARK: Reading

    /// The number of changes ever made to the knowledge base. The bot compares it with the one its
    /// index was built at and reads ``publishedArticles()`` again only when it moved: one row read.
    func revision() async throws -> Int64 {
        try await Self.revision(on: app.db)
    }

    /// Every published article (human-only ones too, so the bot knows to hand those topics over),
    /// as the bot's ``KnowledgeArticle``, with the slug as its id, in title order.
    func publishedArticles() async throws -> [KnowledgeArticle] {
        try await Self.rows(published: true, limit: nil, on: app.db).map(\.knowledgeArticle)
    }

    /// The published articles with the revision they belong to. The revision is read first, so a
    /// change made meanwhile shows as a newer revision next time, never as a missed one.
    func publishedSnapshot() async throws -> Snapshot {
        let revision = try await revision()
        return Snapshot(revision: revision, articles: try await publishedArticles())
    }

    /// One article; 404 when there is none, or when it is a draft and `includeDrafts` is false.
    func article(_ slug: String, includeDrafts: Bool) async throws -> Article {
        guard let article = try await Self.find(slug, on: app.db), article.published || includeDrafts else {
            throw ApiError.notFound("knowledge-base article")
        }
        return article
    }

    /// Articles in title order: the published ones, and drafts too when `includeDrafts`.
    func articles(includeDrafts: Bool, limit: Int? = nil) async throws -> [Article] {
        try await Self.rows(published: includeDrafts ? nil : true, limit: limit, on: app.db)
    }

    /// Full-text search, best match first: every word typed, or when no article has them all,
    /// any of them (`Results.everyWord` says which). See ``SearchQuery`` for how the text is read;
    /// nothing typed can make it fail.
    func search(_ text: String, limit: Int = 20, includeDrafts: Bool = false) async throws -> KnowledgeSearch.Results {
        let query = SearchQuery(text)
        let limit = min(max(limit, 1), KnowledgeSearch.maximumLimit)
        guard !query.isEmpty else { return .init(hits: [], everyWord: true) }
        let hits = try await KnowledgeSearch.run(
            query, everyWord: true, limit: limit, includeDrafts: includeDrafts, on: app.db)
        if hits.isEmpty && query.canWiden {
            return .init(
                hits: try await KnowledgeSearch.run(
                    query, everyWord: false, limit: limit, includeDrafts: includeDrafts, on: app.db),
                everyWord: false)
        }
        return .init(hits: hits, everyWord: true)
    }

    /// The article's newest audit entries: who changed it, when and why.
    func history(of article: Article, limit: Int = 20) async throws -> [AuditEntry] {
        try await AuditEntry.query(on: app.db).filter(\.$subjectType == Self.auditSubject)
            .filter(\.$subjectID == article.id.uuidString).sort(\.$sequence, .descending).limit(limit).all()
    }

    // MARK: Writing

    /// Writes a new article; a draft unless `published` is true. The slug is made from the title
    /// ("returning-an-item", then "returning-an-item-2" if that is taken) unless one is given.
    func create(_ input: Input, by actor: Actor) async throws -> Article {
        var checks = Checks()
        let title = KnowledgeRules.title(input.title, checks: &checks)
        let body = KnowledgeRules.body(input.body, checks: &checks)
        let tags = KnowledgeRules.tags(input.tags ?? [], checks: &checks)
        var chosenSlug: String?
        if let raw = input.slug, !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            chosenSlug = KnowledgeRules.slug(raw, checks: &checks)
        }
        let reason = KnowledgeRules.reason(input.reason, checks: &checks)
        try checks.finish()
        let now = app.fairdesk.clock.now
        let draft = Draft(
            title: title!, body: body!, tags: tags!, humanOnly: input.humanOnly ?? false,
            published: input.published ?? false)
        let slug = try await app.write { [chosenSlug] db in
            try await Self.insert(draft, slug: chosenSlug, at: now, by: actor, reason: reason, on: db)
        }
        return try await article(slug, includeDrafts: true)
    }

    /// Changes what `input` names and keeps the rest. The slug never changes. A change that
    /// changes nothing writes nothing.
    func update(_ slug: String, _ input: Input, by actor: Actor) async throws -> Article {
        var checks = Checks()
        let title = input.title.flatMap { KnowledgeRules.title($0, checks: &checks) }
        let body = input.body.flatMap { KnowledgeRules.body($0, checks: &checks) }
        let tags = input.tags.flatMap { KnowledgeRules.tags($0, checks: &checks) }
        if let raw = input.slug, raw != slug {
            checks.add("slug", "cannot be changed: links and the bot's citations use it")
        }
        let reason = KnowledgeRules.reason(input.reason, checks: &checks)
        try checks.finish()
        let now = app.fairdesk.clock.now
        try await app.write { db in
            // Bumping the counter first locks its row on PostgreSQL until commit, so changes to
            // the knowledge base take turns and the version check below cannot race.
            _ = try await Self.bump(on: db)
            guard let current = try await Self.find(slug, on: db) else {
                throw ApiError.notFound("knowledge-base article")
            }
            if let expected = input.version, expected != current.version {
                throw ApiError.conflict(
                    "the article has changed since version \(expected) (it is now version \(current.version)); "
                        + "open it again and make your change there", field: "version")
            }
            var next = current
            next.title = title ?? current.title
            next.body = body ?? current.body
            next.tags = tags ?? current.tags
            next.humanOnly = input.humanOnly ?? current.humanOnly
            next.published = input.published ?? current.published
            var changed: [String] = []
            if next.title != current.title { changed.append("title") }
            if next.body != current.body { changed.append("body") }
            if next.tags != current.tags { changed.append("tags") }
            if next.humanOnly != current.humanOnly { changed.append("humanOnly") }
            if next.published != current.published { changed.append("published") }
            guard !changed.isEmpty else { return }
            next.version = current.version + 1
            try await db.sql.raw(
                """
                UPDATE kb_articles SET title = \(bind: next.title), body = \(bind: next.body), \
                tags = \(bind: Self.storedTags(next.tags)), human_only = \(bind: next.humanOnly), \
                published = \(bind: next.published), updated_by = \(bind: actor.id), updated_at = \(bind: now), \
                version = \(bind: next.version) WHERE id = \(bind: current.id)
                """
            ).run()
            let action =
                changed == ["published"]
                ? (next.published ? "knowledge.published" : "knowledge.unpublished") : "knowledge.changed"
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: action, subjectType: Self.auditSubject, subjectID: current.id,
                reason: reason, details: Self.auditDetails(next, changed: changed))
        }
        return try await article(slug, includeDrafts: true)
    }

    /// Makes a draft visible to agents and the bot.
    func publish(_ slug: String, by actor: Actor, reason: String? = nil) async throws -> Article {
        try await update(slug, Input(published: true, reason: reason), by: actor)
    }

    /// Takes an article back to draft: agents and the bot no longer find it.
    func unpublish(_ slug: String, by actor: Actor, reason: String? = nil) async throws -> Article {
        try await update(slug, Input(published: false, reason: reason), by: actor)
    }

    // MARK: Demo

    /// Writes the demo retailer's articles (``DemoKnowledgeBase``), under their own slugs, into a
    /// knowledge base that has none; answers how many were written.
    @discardableResult
    static func seedDemo(on db: any Database, at now: Date, by actor: Actor) async throws -> Int {
        guard try await count(on: db) == 0 else { return 0 }
        for article in DemoKnowledgeBase.articles {
            _ = try await insert(
                Draft(
                    title: article.title, body: article.body, tags: article.tags, humanOnly: article.humanOnly,
                    published: article.published),
                slug: article.id, at: now, by: actor, reason: "demo knowledge base", on: db)
        }
        return DemoKnowledgeBase.articles.count
    }

    // MARK: Storage

    static let auditSubject = "kb_article"

    /// A checked article, ready to store.
    struct Draft: Sendable {
        var title: String
        var body: String
        var tags: [String]
        var humanOnly: Bool
        var published: Bool
    }

    /// Stores a new article inside the caller's transaction, with its audit entry, and answers its slug.
    static func insert(
        _ draft: Draft, slug chosen: String?, at now: Date, by actor: Actor, reason: String?, on db: any Database
    ) async throws -> String {
        // The counter's new value is unique, so it also serves as the article's `seq`.
        let revision = try await bump(on: db)
        let slug: String
        if let chosen {
            guard try await find(chosen, on: db) == nil else {
                throw ApiError.conflict("is already the address of another article", field: "slug")
            }
            slug = chosen
        } else {
            slug = try await freeSlug(for: draft.title, on: db)
        }
        let id = TimeOrderedID.next(at: now)
        try await db.insertRow(
            "kb_articles",
            [
                ("id", id), ("slug", slug), ("seq", revision), ("title", draft.title), ("body", draft.body),
                ("tags", storedTags(draft.tags)), ("human_only", draft.humanOnly), ("published", draft.published),
                ("created_by", actor.id), ("updated_by", actor.id), ("created_at", now), ("updated_at", now),
                ("version", 1),
            ])
        let article = Article(
            id: id, slug: slug, title: draft.title, body: draft.body, tags: draft.tags, humanOnly: draft.humanOnly,
            published: draft.published, createdBy: actor.id, updatedBy: actor.id, createdAt: now, updatedAt: now,
            version: 1)
        try await AuditLog.append(
            on: db, at: now, actor: actor, action: "knowledge.created", subjectType: auditSubject, subjectID: id,
            reason: reason, details: auditDetails(article, changed: []))
        return slug
    }

    /// The first of "slug", "slug-2", "slug-3"… that no article has.
    static func freeSlug(for title: String, on db: any Database) async throws -> String {
        struct Row: Decodable { var slug: String }
        let base = KnowledgeRules.slug(forTitle: title)
        let taken = Set(
            try await db.sql.raw(
                "SELECT slug FROM kb_articles WHERE slug = \(bind: base) OR slug LIKE \(bind: base + "-%")"
            ).all(decoding: Row.self).map(\.slug))
        var attempt = 1
        while taken.contains(KnowledgeRules.slug(forTitle: title, attempt: attempt)) { attempt += 1 }
        return KnowledgeRules.slug(forTitle: title, attempt: attempt)
    }

    /// Adds one to the `knowledge` counter and answers the new value.
    static func bump(on db: any Database) async throws -> Int64 {
        struct Row: Decodable { var value: Int64 }
        guard
            let row = try await db.sql.raw(
                "UPDATE counters SET value = value + 1 WHERE name = 'knowledge' RETURNING value"
            ).first(decoding: Row.self)
        else { throw KnowledgeBaseError.missingCounter }
        return row.value
    }

    static func revision(on db: any Database) async throws -> Int64 {
        struct Row: Decodable { var value: Int64 }
        guard
            let row = try await db.sql.raw("SELECT value FROM counters WHERE name = 'knowledge'")
                .first(decoding: Row.self)
        else { throw KnowledgeBaseError.missingCounter }
        return row.value
    }

    static func count(on db: any Database) async throws -> Int {
        struct Row: Decodable { var n: Int }
        return try await db.sql.raw("SELECT COUNT(*) AS n FROM kb_articles").first(decoding: Row.self)?.n ?? 0
    }

    /// The columns read back (never PostgreSQL's `search_vector`).
    static let columns =
        "id, slug, title, body, tags, human_only, published, created_by, updated_by, created_at, updated_at, version"

    static func find(_ slug: String, on db: any Database) async throws -> Article? {
        try await db.sql.raw("SELECT \(unsafeRaw: columns) FROM kb_articles WHERE slug = \(bind: slug)")
            .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)?.article
    }

    static func rows(published: Bool?, limit: Int?, on db: any Database) async throws -> [Article] {
        var query: SQLQueryString = "SELECT \(unsafeRaw: columns) FROM kb_articles"
        if let published { query += " WHERE published = \(bind: published)" }
        query += " ORDER BY title, slug"
        if let limit { query += " LIMIT \(literal: limit)" }
        return try await db.sql.raw(query).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            .map(\.article)
    }

    /// Tags are stored one a line (a tag can hold neither a comma nor a line break).
    static func storedTags(_ tags: [String]) -> String { tags.joined(separator: "\n") }

    static func tags(stored: String) -> [String] {
        stored.split(separator: "\n").map(String.init)
    }

    static func auditDetails(_ article: Article, changed: [String]) -> [String: String] {
        var details = [
            "slug": article.slug, "title": article.title, "version": String(article.version),
            "published": article.published ? "yes" : "no", "humanOnly": article.humanOnly ? "yes" : "no",
        ]
        if !changed.isEmpty { details["changed"] = changed.joined(separator: ", ") }
        return details
    }

    /// A row of `kb_articles` as stored.
    struct Row: Decodable {
        var id: UUID
        var slug: String
        var title: String
        var body: String
        var tags: String
        var humanOnly: Bool
        var published: Bool
        var createdBy: UUID?
        var updatedBy: UUID?
        var createdAt: Date
        var updatedAt: Date
        var version: Int

        var article: Article {
            Article(
                id: id, slug: slug, title: title, body: body, tags: KnowledgeBase.tags(stored: tags),
                humanOnly: humanOnly, published: published, createdBy: createdBy, updatedBy: updatedBy,
                createdAt: createdAt, updatedAt: updatedAt, version: version)
        }
    }
}

enum KnowledgeBaseError: Error, CustomStringConvertible {
    case missingCounter
    var description: String { "the knowledge counter row is missing: run `fairdesk migrate`" }
}

extension Application {
    /// The knowledge base, read and written through this application's database.
    var knowledgeBase: KnowledgeBase { KnowledgeBase(app: self) }
}
