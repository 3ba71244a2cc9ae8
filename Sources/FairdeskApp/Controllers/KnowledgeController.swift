import FairdeskCore
import Fluent
import Foundation
import Vapor

/// `/api/v1/knowledge`: staff search and read the knowledge base; admins write it.
struct KnowledgeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let knowledge = routes.grouped("knowledge")
        let staff = knowledge.grouped(RoleGuard(Role.caseWorkers))
        staff.get(use: search)
        staff.get(":slug", use: article)
        let admins = knowledge.grouped(RoleGuard([.admin]))
        admins.post(use: create)
        admins.put(":slug", use: update)
    }

    /// With `q`, the articles that match, best first; without, the articles in title order.
    /// Published ones only, unless an admin asks for drafts too.
    @Sendable func search(req: Request) async throws -> KnowledgeSearchDTO {
        let viewer = try await req.viewer(Role.caseWorkers)
        struct Query: Decodable {
            var q: String?
            var limit: String?
            var drafts: String?
        }
        let query = try req.query.decode(Query.self)
        var checks = Checks()
        var limit = 20
        if let raw = query.limit, !raw.isEmpty {
            if let value = Int(raw), (1...KnowledgeSearch.maximumLimit).contains(value) {
                limit = value
            } else {
                checks.add(
                    "limit",
                    "must be a whole number between 1 and \(KnowledgeSearch.maximumLimit) (got \(raw.prefix(20)))")
            }
        }
        var drafts = false
        switch query.drafts {
        case nil, "", "false": break
        case "true": drafts = true
        default: checks.add("drafts", "must be true or false")
        }
        try checks.finish()
        if drafts && viewer.role != .admin {
            throw ApiError.forbidden("only admins see drafts; leave out drafts=true")
        }
        let knowledge = req.application.knowledgeBase
        let text = (query.q ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty {
            let articles = try await knowledge.articles(includeDrafts: drafts, limit: limit)
            return KnowledgeSearchDTO(
                query: nil, everyWord: true, results: articles.map { KnowledgeHitDTO(listed: $0) })
        }
        let results = try await knowledge.search(text, limit: limit, includeDrafts: drafts)
        return KnowledgeSearchDTO(
            query: text, everyWord: results.everyWord, results: results.hits.map(KnowledgeHitDTO.init))
    }

    /// One article. Drafts are 404 to everyone but admins.
    @Sendable func article(req: Request) async throws -> KnowledgeArticleDTO {
        let viewer = try await req.viewer(Role.caseWorkers)
        let article = try await req.application.knowledgeBase.article(
            try req.parameters.require("slug"), includeDrafts: viewer.role == .admin)
        return KnowledgeArticleDTO(article)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let viewer = try await req.viewer([.admin])
        let input = try req.content.decode(KnowledgeArticleRequest.self)
        let article = try await req.application.knowledgeBase.create(input.input, by: viewer.actor)
        return try await KnowledgeArticleDTO(article).encodeResponse(status: .created, for: req)
    }

    @Sendable func update(req: Request) async throws -> KnowledgeArticleDTO {
        let viewer = try await req.viewer([.admin])
        let input = try req.content.decode(KnowledgeArticleRequest.self)
        let article = try await req.application.knowledgeBase.update(
            try req.parameters.require("slug"), input.input, by: viewer.actor)
        return KnowledgeArticleDTO(article)
    }
}
