import FairdeskCore
import Fluent
import Foundation
import Vapor

/// The knowledge base on the web:
/// - `/knowledge?q=` and `/knowledge/:slug`: staff search it and read an article;
/// - `/admin/knowledge`: admins see every article with drafts, write new ones, edit them
///   (`/admin/knowledge/:slug`), publish or take them back, and mark the topics only a person answers.
struct KnowledgePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped("knowledge").grouped(WebGuard(Role.caseWorkers))
        staff.get(use: search)
        staff.get(":slug", use: show)
        let admins = routes.grouped("admin", "knowledge").grouped(WebGuard([.admin]))
        admins.get(use: list)
        admins.post(use: create)
        admins.get(":slug", use: edit)
        admins.post(":slug", use: save)
        admins.post(":slug", "published", use: togglePublished)
        admins.post(":slug", "human-only", use: toggleHumanOnly)
    }

    /// Articles shown on `/knowledge` when nothing was searched for.
    static let browseLimit = 100

    // MARK: Staff

    struct ResultRow: Encodable {
        var href: String
        var title: String
        var tags: String
        var hasTags: Bool
        var humanOnly: Bool
        var draft: Bool
        var snippet: [KnowledgeSearch.Snippet.Part]
    }

    struct SearchPage: Encodable {
        var layout: LayoutContext
        var query: String
        var searched: Bool
        var results: [ResultRow]
        var hasResults: Bool
        /// False when no article held every word and the results hold some of them.
        var everyWord: Bool
        var browseLimit: Int
        var isAdmin: Bool
        var manageHref: String
        var searchAction = SitePath.knowledge.path
    }

    @Sendable func search(req: Request) async throws -> View {
        let viewer = try await req.viewer()
        let isAdmin = viewer.role == .admin
        let query = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let knowledge = req.application.knowledgeBase
        var rows: [ResultRow] = []
        var everyWord = true
        if query.isEmpty {
            rows = try await knowledge.articles(includeDrafts: isAdmin, limit: Self.browseLimit).map {
                ResultRow(
                    href: SitePath.knowledgeArticle($0.slug).path, title: $0.title,
                    tags: $0.tags.joined(separator: ", "), hasTags: !$0.tags.isEmpty, humanOnly: $0.humanOnly,
                    draft: !$0.published,
                    snippet: [.init(text: KnowledgeHitDTO.opening(of: $0.body), match: false)])
            }
        } else {
            let results = try await knowledge.search(query, limit: KnowledgeSearch.maximumLimit, includeDrafts: isAdmin)
            everyWord = results.everyWord
            rows = results.hits.map {
                ResultRow(
                    href: SitePath.knowledgeArticle($0.slug).path, title: $0.title,
                    tags: $0.tags.joined(separator: ", "), hasTags: !$0.tags.isEmpty, humanOnly: $0.humanOnly,
                    draft: !$0.published, snippet: $0.snippet.parts)
            }
        }
        return try await req.view.render(
            "knowledge",
            SearchPage(
                layout: LayoutContext(req, title: "Knowledge base", current: .knowledge), query: query,
                searched: !query.isEmpty, results: rows, hasResults: !rows.isEmpty, everyWord: everyWord,
                browseLimit: Self.browseLimit, isAdmin: isAdmin, manageHref: SitePath.adminKnowledge.path))
    }

    struct ArticlePage: Encodable {
        var layout: LayoutContext
        var title: String
        var slug: String
        var html: String
        var tags: [String]
        var hasTags: Bool
        var humanOnly: Bool
        var draft: Bool
        var version: Int
        var updated: PolicyPages.Time
        var searchHref: String
        var isAdmin: Bool
        var editHref: String
    }

    /// One article; drafts only for admins (404 for everyone else, like the API).
    @Sendable func show(req: Request) async throws -> View {
        let isAdmin = try await req.viewer().role == .admin
        let article = try await req.application.knowledgeBase.article(
            try req.parameters.require("slug"), includeDrafts: isAdmin)
        return try await req.view.render(
            "knowledge-article",
            ArticlePage(
                layout: LayoutContext(req, title: article.title, current: .knowledge), title: article.title,
                slug: article.slug, html: SafeMarkdown.html(article.body), tags: article.tags,
                hasTags: !article.tags.isEmpty, humanOnly: article.humanOnly, draft: !article.published,
                version: article.version, updated: .init(article.updatedAt), searchHref: SitePath.knowledge.path,
                isAdmin: isAdmin, editHref: SitePath.adminKnowledgeArticle(article.slug).path))
    }

    // MARK: Admins

    struct AdminRow: Encodable {
        var title: String
        var slug: String
        var editHref: String
        var published: Bool
        var humanOnly: Bool
        var version: Int
        var updated: PolicyPages.Time
        var publishAction: String
        var humanOnlyAction: String
    }

    struct AdminPage: Encodable {
        var layout: LayoutContext
        var articles: [AdminRow]
        var hasArticles: Bool
        var drafts: Int
        var searchHref: String
        var action: String
        var form: FormState
        /// What a refused form had ticked.
        var humanOnlyChecked: Bool
        var publishedChecked: Bool
    }

    private func renderList(_ req: Request, form: FormState = FormState(), status: HTTPStatus = .ok) async throws
        -> Response
    {
        let articles = try await req.application.knowledgeBase.articles(includeDrafts: true)
        let page = AdminPage(
            layout: LayoutContext(req, title: "Knowledge base", current: .adminKnowledge),
            articles: articles.map {
                AdminRow(
                    title: $0.title, slug: $0.slug, editHref: SitePath.adminKnowledgeArticle($0.slug).path,
                    published: $0.published, humanOnly: $0.humanOnly, version: $0.version, updated: .init($0.updatedAt),
                    publishAction: SitePath.adminKnowledgeAction($0.slug, "published").path,
                    humanOnlyAction: SitePath.adminKnowledgeAction($0.slug, "human-only").path)
            }, hasArticles: !articles.isEmpty, drafts: articles.filter { !$0.published }.count,
            searchHref: SitePath.knowledge.path, action: SitePath.adminKnowledge.path, form: form,
            humanOnlyChecked: form.values["humanOnly"] == "on", publishedChecked: form.values["published"] == "on")
        let response = try await req.view.render("admin-knowledge", page).encodeResponse(for: req)
        response.status = status
        return response
    }

    @Sendable func list(req: Request) async throws -> Response { try await renderList(req) }

    /// The fields of the article forms. Tags are typed as a comma-separated list; a checkbox that is
    /// not ticked is not sent at all.
    struct ArticleForm: Content {
        var title: String?
        var tags: String?
        var body: String?
        var humanOnly: String?
        var published: String?
        var version: String?
        var reason: String?

        var values: [String: String] {
            [
                "title": title ?? "", "tags": tags ?? "", "body": body ?? "", "humanOnly": humanOnly ?? "",
                "published": published ?? "", "reason": reason ?? "",
            ]
        }

        var input: KnowledgeBase.Input {
            .init(
                title: title, body: body, tags: KnowledgeRules.tagList(tags ?? ""), humanOnly: humanOnly == "on",
                published: published == "on", version: version.flatMap { Int($0) }, reason: reason)
        }
    }

    @Sendable func create(req: Request) async throws -> Response {
        let form = try req.content.decode(ArticleForm.self)
        do {
            var input = form.input
            input.version = nil
            let article = try await req.application.knowledgeBase.create(input, by: try await req.viewer().actor)
            req.flash(
                article.published
                    ? "“\(article.title)” is published at \(SitePath.knowledgeArticle(article.slug).path)."
                    : "“\(article.title)” is saved as a draft; agents and the bot see it once it is published.")
            return req.redirect(to: SitePath.adminKnowledge.path)
        } catch {
            guard let problems = ArticleFormProblems(error) else { throw error }
            return try await renderList(
                req, form: FormState(form: "create-article", values: form.values, problems: problems.problems),
                status: problems.status)
        }
    }

    struct HistoryRow: Encodable {
        var at: PolicyPages.Time
        var who: String
        var action: String
        var reason: String
    }

    struct EditPage: Encodable {
        var layout: LayoutContext
        var title: String
        var slug: String
        var version: Int
        var published: Bool
        var viewHref: String
        var listHref: String
        var action: String
        var form: FormState
        var humanOnlyChecked: Bool
        var publishedChecked: Bool
        var history: [HistoryRow]
        var hasHistory: Bool
    }

    private func renderEdit(
        _ req: Request, slug: String, form: FormState? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let knowledge = req.application.knowledgeBase
        let article = try await knowledge.article(slug, includeDrafts: true)
        let values =
            form?.values ?? [
                "title": article.title, "tags": article.tags.joined(separator: ", "), "body": article.body,
                "humanOnly": article.humanOnly ? "on" : "", "published": article.published ? "on" : "",
                "reason": "",
            ]
        var state = form ?? FormState()
        state.values = values
        let history = try await knowledge.history(of: article).map {
            HistoryRow(
                at: .init($0.at), who: $0.actorLabel, action: Self.actionLabel($0.action), reason: $0.reason ?? "")
        }
        let page = EditPage(
            layout: LayoutContext(req, title: "Edit “\(article.title)”", current: .adminKnowledge),
            title: article.title, slug: article.slug, version: article.version, published: article.published,
            viewHref: SitePath.knowledgeArticle(article.slug).path, listHref: SitePath.adminKnowledge.path,
            action: SitePath.adminKnowledgeArticle(article.slug).path, form: state,
            humanOnlyChecked: values["humanOnly"] == "on", publishedChecked: values["published"] == "on",
            history: history, hasHistory: !history.isEmpty)
        let response = try await req.view.render("admin-knowledge-edit", page).encodeResponse(for: req)
        response.status = status
        return response
    }

    @Sendable func edit(req: Request) async throws -> Response {
        try await renderEdit(req, slug: try req.parameters.require("slug"))
    }

    /// Saves the edit form: every field as the form shows it, from the version the form was opened at.
    @Sendable func save(req: Request) async throws -> Response {
        let slug = try req.parameters.require("slug")
        let form = try req.content.decode(ArticleForm.self)
        do {
            let article = try await req.application.knowledgeBase.update(
                slug, form.input, by: try await req.viewer().actor)
            req.flash("“\(article.title)” saved (version \(article.version)).")
            return req.redirect(to: SitePath.adminKnowledgeArticle(slug).path)
        } catch {
            guard let problems = ArticleFormProblems(error) else { throw error }
            return try await renderEdit(
                req, slug: slug,
                form: FormState(form: "edit-article", values: form.values, problems: problems.problems),
                status: problems.status)
        }
    }

    @Sendable func togglePublished(req: Request) async throws -> Response {
        let slug = try req.parameters.require("slug")
        let knowledge = req.application.knowledgeBase
        let current = try await knowledge.article(slug, includeDrafts: true)
        let actor = try await req.viewer().actor
        let article =
            current.published
            ? try await knowledge.unpublish(slug, by: actor, reason: "taken back to draft on the knowledge-base page")
            : try await knowledge.publish(slug, by: actor, reason: "published on the knowledge-base page")
        req.flash(
            article.published
                ? "“\(article.title)” is published."
                : "“\(article.title)” is a draft again; agents and the bot no longer see it.")
        return req.redirect(to: SitePath.adminKnowledge.path)
    }

    @Sendable func toggleHumanOnly(req: Request) async throws -> Response {
        let slug = try req.parameters.require("slug")
        let knowledge = req.application.knowledgeBase
        let current = try await knowledge.article(slug, includeDrafts: true)
        let article = try await knowledge.update(
            slug,
            .init(
                humanOnly: !current.humanOnly,
                reason: current.humanOnly
                    ? "the bot may answer from it again (knowledge-base page)"
                    : "marked for a person only (knowledge-base page)"),
            by: try await req.viewer().actor)
        req.flash(
            article.humanOnly
                ? "“\(article.title)”: only a person answers this topic; the bot hands it over."
                : "“\(article.title)”: the bot may answer from it.")
        return req.redirect(to: SitePath.adminKnowledge.path)
    }

    static func actionLabel(_ action: String) -> String {
        switch action {
        case "knowledge.created": "written"
        case "knowledge.changed": "changed"
        case "knowledge.published": "published"
        case "knowledge.unpublished": "taken back to draft"
        default: action
        }
    }
}

/// A refused article form's problems as the form shows them, with the status to answer.
struct ArticleFormProblems {
    var problems: [FieldProblem]
    var status: HTTPStatus

    /// The problems of an error a person can fix by changing the form; nil for any other error.
    /// `tags[2]` becomes `tags`, "Tag 3 must …".
    init?(_ error: any Error) {
        let problems: [FieldProblem]
        switch error {
        case let error as ValidationFailure:
            problems = error.problems
            status = .unprocessableEntity
        case let error as ApiError where !error.problems.isEmpty:
            problems = error.problems
            status = error.status
        default:
            return nil
        }
        self.problems = problems.map { problem in
            guard problem.field.hasPrefix("tags["), let index = Int(problem.field.dropFirst(5).dropLast()) else {
                return problem
            }
            return FieldProblem(field: "tags", rule: "tag \(index + 1) \(problem.rule)")
        }
    }
}
