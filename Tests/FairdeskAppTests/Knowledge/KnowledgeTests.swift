import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Knowledge base")
struct KnowledgeTests {
    /// Four published articles and a draft, written by the admin through the API.
    static let articles: [KnowledgeArticleRequest] = [
        .init(
            title: "Refund timing",
            body: "We pay the amount back to your card within five working days of the return arriving.",
            tags: ["money back", "bank"], published: true),
        .init(
            title: "Returning an item",
            body: "Start a return from Orders; the refund follows once the parcel reaches us.",
            tags: ["send back"], published: true),
        .init(
            title: "Gift cards",
            body: "Gift cards never expire and can be spent on anything. Money on a card cannot be withdrawn.",
            tags: ["voucher", "present"], published: true),
        .init(
            title: "Delivery windows", body: "Drivers arrive within a two-hour window that you choose at checkout.",
            tags: ["eta", "time slot"], published: true),
        .init(title: "Secret refund rules", body: "Internal draft about refund exceptions.", tags: []),
    ]

    @discardableResult
    static func write(_ fd: TestFairdesk) async throws -> [KnowledgeArticleDTO] {
        var written: [KnowledgeArticleDTO] = []
        for article in articles {
            let response = try await fd.send(.POST, "api/v1/knowledge", as: fd.admin, json: article)
            #expect(response.status == .created, "\(response.body.string)")
            written.append(try fd.decode(KnowledgeArticleDTO.self, response))
        }
        return written
    }

    func search(_ fd: TestFairdesk, _ text: String, as person: TestFairdesk.Person? = nil, drafts: Bool = false)
        async throws -> KnowledgeSearchDTO
    {
        var parts = URLComponents()
        parts.queryItems =
            [URLQueryItem(name: "q", value: text)] + (drafts ? [.init(name: "drafts", value: "true")] : [])
        let response = try await fd.send(
            .GET, "api/v1/knowledge?" + (parts.percentEncodedQuery ?? ""), as: person ?? fd.agent)
        #expect(response.status == .ok, "\(text): \(response.status) \(response.body.string)")
        return try fd.decode(KnowledgeSearchDTO.self, response)
    }

    @Test("search finds an article by a word of its title, body or tags, in any form, best match first")
    func findsByTitleBodyAndTags() async throws {
        try await TestFairdesk.with { fd in
            // setup
            try await Self.write(fd)
            // MUT + validate
            #expect(try await search(fd, "voucher").results.map(\.slug) == ["gift-cards"])
            #expect(try await search(fd, "expiring").results.map(\.slug) == ["gift-cards"])
            #expect(try await search(fd, "window").results.map(\.slug) == ["delivery-windows"])
            #expect(try await search(fd, "two-hour").results.map(\.slug) == ["delivery-windows"])
            #expect(try await search(fd, #""card within""#).results.map(\.slug) == ["refund-timing"])
            #expect(try await search(fd, "refund -parcel").results.map(\.slug) == ["refund-timing"])
            #expect(
                Set(try await search(fd, "voucher or eta").results.map(\.slug)) == ["gift-cards", "delivery-windows"])

            // A word in the title counts more than one in the body, and a tag more than the body.
            let refunds = try await search(fd, "refunds")
            #expect(refunds.results.map(\.slug) == ["refund-timing", "returning-an-item"])
            #expect(refunds.results[0].rank > refunds.results[1].rank)
            #expect(refunds.everyWord)
            #expect(refunds.results[1].snippet.contains("refund follows"))
            #expect(try await search(fd, "money").results.map(\.slug) == ["refund-timing", "gift-cards"])

            // No article holds both words: those holding either are offered, and the answer says so.
            let either = try await search(fd, "voucher bank")
            #expect(!either.everyWord)
            #expect(Set(either.results.map(\.slug)) == ["gift-cards", "refund-timing"])
        }
    }

    @Test("drafts are found by nobody but admins, until published; the bot's set and revision follow")
    func draftsHidden() async throws {
        try await TestFairdesk.with { fd in
            // setup
            try await Self.write(fd)
            let knowledge = fd.app.knowledgeBase
            let before = try await knowledge.revision()
            // MUT + validate
            #expect(try await search(fd, "secret").results.isEmpty)
            #expect(try await search(fd, "secret", as: fd.lead).results.isEmpty)
            #expect(try await search(fd, "secret", as: fd.admin).results.isEmpty)
            #expect(
                try await search(fd, "secret", as: fd.admin, drafts: true).results.map(\.slug) == [
                    "secret-refund-rules"
                ])
            let asked = try await fd.send(.GET, "api/v1/knowledge?q=secret&drafts=true", as: fd.agent)
            #expect(asked.status == .forbidden)
            #expect(try await fd.send(.GET, "api/v1/knowledge/secret-refund-rules", as: fd.agent).status == .notFound)
            #expect(try await fd.send(.GET, "api/v1/knowledge/secret-refund-rules", as: fd.admin).status == .ok)
            let listed = try fd.decode(
                KnowledgeSearchDTO.self, try await fd.send(.GET, "api/v1/knowledge", as: fd.agent))
            #expect(
                listed.results.map(\.slug) == ["delivery-windows", "gift-cards", "refund-timing", "returning-an-item"])
            #expect(try await knowledge.publishedArticles().map(\.id) == listed.results.map(\.slug))

            let published = try await fd.send(
                .PUT, "api/v1/knowledge/secret-refund-rules", as: fd.admin,
                json: KnowledgeArticleRequest(published: true, version: 1, reason: "ready for agents"))
            #expect(published.status == .ok)
            #expect(try await search(fd, "secret").results.map(\.slug) == ["secret-refund-rules"])
            let snapshot = try await knowledge.publishedSnapshot()
            #expect(snapshot.revision == before + 1)
            #expect(snapshot.articles.contains { $0.id == "secret-refund-rules" && $0.published })

            _ = try await knowledge.unpublish("secret-refund-rules", by: .system)
            #expect(try await search(fd, "secret").results.isEmpty)
            #expect(try await knowledge.revision() == before + 2)
        }
    }

    @Test("bad input answers 422 naming every field and rule, and writes nothing")
    func badInput() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let audit = try await fd.count("audit_entries")
            // MUT
            let refused = try await fd.send(
                .POST, "api/v1/knowledge", as: fd.admin,
                json: KnowledgeArticleRequest(
                    title: "ab", body: "  ", tags: ["fine", String(repeating: "x", count: 41), "a, b"],
                    slug: "Not A Slug"))
            // validate
            #expect(refused.status == .unprocessableEntity)
            #expect(
                try fd.problems(refused) == [
                    "title: must be at least 3 characters (got 2)", "body: must not be empty",
                    "tags[1]: must be at most 40 characters (got 41)",
                    "tags[2]: must not contain a comma or a line break",
                    "slug: must be lower-case letters and digits joined by single hyphens, like returns-policy",
                ])
            let tooMany = try await fd.send(
                .POST, "api/v1/knowledge", as: fd.admin,
                json: KnowledgeArticleRequest(
                    title: "Many tags", body: String(repeating: "x", count: 20_001), tags: (1...21).map { "t\($0)" }))
            #expect(
                try fd.problems(tooMany) == [
                    "body: must be at most 20000 characters (got 20001)", "tags: must be at most 20 tags (got 21)",
                ])
            #expect(try await fd.count("kb_articles") == 0)
            #expect(try await fd.count("audit_entries") == audit)

            // A change is checked the same way, and a bad one leaves the article as it was.
            let written = try await Self.write(fd)[0]
            let bad = try await fd.send(
                .PUT, "api/v1/knowledge/refund-timing", as: fd.admin,
                json: KnowledgeArticleRequest(title: "", slug: "another-address"))
            #expect(bad.status == .unprocessableEntity)
            #expect(
                try fd.problems(bad) == [
                    "title: must not be empty", "slug: cannot be changed: links and the bot's citations use it",
                ])
            let after = try fd.decode(
                KnowledgeArticleDTO.self, try await fd.send(.GET, "api/v1/knowledge/refund-timing", as: fd.agent))
            #expect(after.title == written.title && after.version == 1)
            let malformed = try await fd.send(
                .POST, "api/v1/knowledge", as: fd.admin, raw: #"{"title": "Tags", "body": "b", "tags": "x"}"#)
            #expect(malformed.status == .badRequest)
            #expect(try fd.problems(malformed) == ["tags: must be a list"])
        }
    }

    @Test("only admins write: agents, leads and customers get 403, nobody logged in 401, and nothing is written")
    func roles() async throws {
        try await TestFairdesk.with { fd in
            let article = KnowledgeArticleRequest(title: "Agent's note", body: "Something useful.", published: true)
            for person in [fd.agent, fd.lead, fd.customer, fd.driver, fd.policyOwner] {
                #expect(try await fd.send(.POST, "api/v1/knowledge", as: person, json: article).status == .forbidden)
            }
            #expect(try await fd.send(.POST, "api/v1/knowledge", json: article).status == .unauthorized)
            #expect(try await fd.count("kb_articles") == 0)

            try await Self.write(fd)
            let change = KnowledgeArticleRequest(title: "Refunds, by an agent")
            #expect(
                try await fd.send(.PUT, "api/v1/knowledge/refund-timing", as: fd.agent, json: change).status
                    == .forbidden)
            // Customers and drivers do not read the staff knowledge base either.
            for person in [fd.customer, fd.driver] {
                #expect(try await fd.send(.GET, "api/v1/knowledge?q=refund", as: person).status == .forbidden)
                #expect(try await fd.send(.GET, "api/v1/knowledge/refund-timing", as: person).status == .forbidden)
            }
            #expect(try await fd.send(.GET, "api/v1/knowledge?q=refund").status == .unauthorized)
            #expect(
                try await fd.app.knowledgeBase.article("refund-timing", includeDrafts: true).title == "Refund timing")
        }
    }

    @Test("every change is on the audit log with who, when and why; a stale edit is refused")
    func auditedEdits() async throws {
        try await TestFairdesk.with { fd in
            // setup
            let written = try await Self.write(fd)[0]
            fd.clock.advance(by: 60)
            // MUT
            let edited = try await fd.send(
                .PUT, "api/v1/knowledge/refund-timing", as: fd.admin,
                json: KnowledgeArticleRequest(
                    body: "We pay the amount back within three working days.", version: 1,
                    reason: "the bank now pays faster"))
            // validate
            #expect(edited.status == .ok)
            let article = try fd.decode(KnowledgeArticleDTO.self, edited)
            #expect(article.version == 2 && article.slug == "refund-timing" && article.updatedBy == fd.admin.id)
            #expect(article.updatedAt > written.updatedAt)
            let entries = try await AuditEntry.query(on: fd.app.db).filter(\.$subjectID == written.id.uuidString)
                .sort(\.$sequence).all()
            #expect(entries.map(\.action) == ["knowledge.created", "knowledge.changed"])
            let change = try #require(entries.last)
            #expect(change.actorID == fd.admin.id)
            #expect(change.reason == "the bank now pays faster")
            #expect(change.at == fd.clock.now)
            #expect(change.details.contains(#""changed":"body""#))
            // The full-text index follows the edit: the new words are found, the old ones no longer.
            #expect(try await search(fd, "three").results.map(\.slug) == ["refund-timing"])
            #expect(try await search(fd, "five").results.isEmpty)
            if !fd.app.db.isPostgres {
                try await (fd.app.db as! any SQLDatabase).raw(
                    "INSERT INTO kb_articles_fts (kb_articles_fts) VALUES ('integrity-check')"
                ).run()
            }

            // Someone who opened version 1 cannot overwrite version 2 unseen.
            let stale = try await fd.send(
                .PUT, "api/v1/knowledge/refund-timing", as: fd.admin,
                json: KnowledgeArticleRequest(title: "Refund times", version: 1))
            #expect(stale.status == .conflict)
            #expect(try fd.problems(stale).first?.hasPrefix("version: the article has changed since version 1") == true)

            // Publishing and taking back are recorded as such; a change that changes nothing writes nothing.
            _ = try await fd.app.knowledgeBase.unpublish("refund-timing", by: Actor(id: fd.admin.id, label: "Ada"))
            _ = try await fd.app.knowledgeBase.publish("refund-timing", by: Actor(id: fd.admin.id, label: "Ada"))
            _ = try await fd.app.knowledgeBase.publish("refund-timing", by: Actor(id: fd.admin.id, label: "Ada"))
            let actions = try await AuditEntry.query(on: fd.app.db).filter(\.$subjectID == written.id.uuidString)
                .sort(\.$sequence).all().map(\.action)
            #expect(
                actions == ["knowledge.created", "knowledge.changed", "knowledge.unpublished", "knowledge.published"])
            #expect(try await fd.app.knowledgeBase.article("refund-timing", includeDrafts: false).version == 4)
            #expect(try await AuditLog.verify(on: fd.app.db).intact)
        }
    }

    @Test("slugs come from titles and stay unique; a slug chosen by hand must be free")
    func slugs() async throws {
        try await TestFairdesk.with { fd in
            let first = try await fd.send(
                .POST, "api/v1/knowledge", as: fd.admin,
                json: KnowledgeArticleRequest(title: "Crème brûlée: returns?", body: "Yes."))
            let second = try await fd.send(
                .POST, "api/v1/knowledge", as: fd.admin,
                json: KnowledgeArticleRequest(title: "Creme brulee returns", body: "Still yes."))
            #expect(try fd.decode(KnowledgeArticleDTO.self, first).slug == "creme-brulee-returns")
            #expect(try fd.decode(KnowledgeArticleDTO.self, second).slug == "creme-brulee-returns-2")
            #expect(try fd.decode(KnowledgeArticleDTO.self, first).published == false)
            let taken = try await fd.send(
                .POST, "api/v1/knowledge", as: fd.admin,
                json: KnowledgeArticleRequest(title: "Another", body: "b", slug: "creme-brulee-returns"))
            #expect(taken.status == .conflict)
            #expect(try fd.problems(taken) == ["slug: is already the address of another article"])
            #expect(try await fd.count("kb_articles") == 2)
        }
    }

    @Test("characters that are search syntax on either database never fail a search")
    func oddQueries() async throws {
        try await TestFairdesk.with { fd in
            // setup
            try await Self.write(fd)
            // MUT + validate
            for text in [
                "\"", "*", "(", ")", "-", "NEAR", "NEAR(refund money)", "refund*", "\"refund", "refund\"", "(refund OR",
                "-refund", "AND OR NOT", "😀", "refund 😀", "'", "\\", "%", "_", "title:refund", "^refund", "{refund}",
                "refund & bank | !x <-> y", "'refund':*", String(repeating: "\"(*", count: 300), "ü", "退款",
            ] {
                let results = try await search(fd, text, as: fd.admin, drafts: true)
                if text.contains("refund") && !text.hasPrefix("-") {
                    #expect(results.results.contains { $0.slug == "refund-timing" }, "\(text)")
                }
            }
            #expect(try await search(fd, "\"").results.isEmpty)
            #expect(try await fd.app.knowledgeBase.search("NEAR(\"", includeDrafts: true).hits.isEmpty)
            let limited = try await fd.send(.GET, "api/v1/knowledge?q=refund&limit=0", as: fd.agent)
            #expect(limited.status == .unprocessableEntity)
            #expect(try fd.problems(limited) == ["limit: must be a whole number between 1 and 50 (got 0)"])
        }
    }

    @Test("the demo knowledge base is written once, under its own slugs, and searchable")
    func demo() async throws {
        try await TestFairdesk.with { fd in
            // MUT
            let written = try await fd.app.write { db in
                try await KnowledgeBase.seedDemo(on: db, at: fd.clock.now, by: .system)
            }
            let again = try await fd.app.write { db in
                try await KnowledgeBase.seedDemo(on: db, at: fd.clock.now, by: .system)
            }
            // validate
            #expect(written == DemoKnowledgeBase.articles.count && again == 0)
            let articles = try await fd.app.knowledgeBase.publishedArticles()
            #expect(
                Set(articles.map(\.id)) == Set(DemoKnowledgeBase.articles.filter(\.published).map(\.id)))
            #expect(Set(articles) == Set(DemoKnowledgeBase.articles.filter(\.published)))
            let label = try await fd.app.knowledgeBase.search("no printer for the return label")
            #expect(label.hits.first?.slug == "return-label")
        }
    }

    @Test("the demo company comes with the demo knowledge base")
    func demoCompany() async throws {
        try await TestFairdesk.with { fd in
            // The demo seeder needs a database without users.
            for table in ["queue_members", "api_tokens", "users", "queues", "identities"] {
                try await (fd.app.db as! any SQLDatabase).raw("DELETE FROM \(unsafeRaw: table)").run()
            }
            try await DemoSeeder.seedCompany(app: fd.app, password: "demo-password-1")
            #expect(try await fd.count("kb_articles") == DemoKnowledgeBase.articles.count)
        }
    }

    @Test("knowledge responses match openapi.yaml")
    func openAPI() async throws {
        try await TestFairdesk.with { fd in
            let spec = try OpenAPITests.spec()
            func check(_ response: TestingHTTPResponse, _ method: String, _ template: String) throws {
                let json = try JSONSerialization.jsonObject(
                    with: Data(response.body.readableBytesView), options: [.fragmentsAllowed])
                let problems = try spec.validate(
                    json, method: method, path: template, status: Int(response.status.code))
                #expect(problems == [], "\(method) \(template) \(response.status.code)")
            }
            let created = try await fd.send(.POST, "api/v1/knowledge", as: fd.admin, json: Self.articles[0])
            try check(created, "post", "/api/v1/knowledge")
            try check(
                try await fd.send(.POST, "api/v1/knowledge", as: fd.admin, json: KnowledgeArticleRequest(title: "x")),
                "post", "/api/v1/knowledge")
            try check(try await fd.send(.GET, "api/v1/knowledge?q=refund", as: fd.agent), "get", "/api/v1/knowledge")
            try check(try await fd.send(.GET, "api/v1/knowledge", as: fd.agent), "get", "/api/v1/knowledge")
            try check(
                try await fd.send(.GET, "api/v1/knowledge?drafts=true", as: fd.agent), "get", "/api/v1/knowledge")
            try check(
                try await fd.send(.GET, "api/v1/knowledge/refund-timing", as: fd.agent), "get",
                "/api/v1/knowledge/{slug}")
            try check(
                try await fd.send(.GET, "api/v1/knowledge/nothing-here", as: fd.agent), "get",
                "/api/v1/knowledge/{slug}")
            try check(
                try await fd.send(
                    .PUT, "api/v1/knowledge/refund-timing", as: fd.admin,
                    json: KnowledgeArticleRequest(humanOnly: true, version: 1)), "put", "/api/v1/knowledge/{slug}")
            try check(
                try await fd.send(
                    .PUT, "api/v1/knowledge/refund-timing", as: fd.admin,
                    json: KnowledgeArticleRequest(humanOnly: false, version: 1)), "put", "/api/v1/knowledge/{slug}")
        }
    }
}
