import FairdeskCore
import Fluent
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Knowledge-base pages")
struct KnowledgePagesTests {
    @Test("an admin writes an article on the page: a refused form keeps what was typed and names the field")
    func adminWrites() async throws {
        try await TestFairdesk.with { fd in
            // setup
            var web = WebSession(fd)
            _ = try await web.logIn("admin@example.com")
            let page = try await web.get("admin/knowledge")
            #expect(page.status == .ok)
            let token = WebSession.csrf(page)
            // MUT: a title too short and a tag too long
            let refused = try await web.post(
                "admin/knowledge",
                [
                    "title": "ab", "tags": "money back, " + String(repeating: "x", count: 41), "body": "Some text",
                    "_csrf": token,
                ])
            // validate
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            #expect(
                html.contains(#"<p class="error" id="article-title-error">Must be at least 3 characters (got 2).</p>"#))
            #expect(
                html.contains(
                    #"<p class="error" id="article-tags-error">Tag 2 must be at most 40 characters (got 41).</p>"#))
            #expect(html.contains(">Some text</textarea>"))
            #expect(try await fd.count("kb_articles") == 0)

            // MUT: a good one, as a draft
            let saved = try await web.post(
                "admin/knowledge",
                [
                    "title": "Refund timing", "tags": "money back, bank", "body": "Five <b>working</b> days.",
                    "_csrf": token,
                ])
            #expect(saved.status == .seeOther)
            let list = try await web.get("admin/knowledge")
            #expect(list.body.string.contains("is saved as a draft"))
            #expect(list.body.string.contains(#"<code>refund-timing</code>"#))
            #expect(list.body.string.contains("Publish</button>"))

            // Publishing and marking for a person only are one click each, and both are recorded.
            _ = try await web.post("admin/knowledge/refund-timing/published", ["_csrf": token])
            _ = try await web.post("admin/knowledge/refund-timing/human-only", ["_csrf": token])
            let article = try await fd.app.knowledgeBase.article("refund-timing", includeDrafts: false)
            #expect(article.published && article.humanOnly && article.version == 3)

            // The edit form saves every field and shows the history with the reason.
            let edit = try await web.get("admin/knowledge/refund-timing")
            #expect(edit.body.string.contains(#"name="version" value="3""#))
            let changed = try await web.post(
                "admin/knowledge/refund-timing",
                [
                    "title": "Refund timing", "tags": "money back", "body": "Three working days.", "published": "on",
                    "humanOnly": "on", "version": "3", "reason": "faster bank", "_csrf": token,
                ])
            #expect(changed.status == .seeOther)
            let history = try await web.get("admin/knowledge/refund-timing")
            #expect(history.body.string.contains("faster bank"))
            #expect(history.body.string.contains("Ada Admin (admin)"))
            #expect(
                try await fd.app.knowledgeBase.article("refund-timing", includeDrafts: false).tags == ["money back"])

            // An edit made from an old version comes back refused, with the reason beside the form.
            let stale = try await web.post(
                "admin/knowledge/refund-timing",
                ["title": "Old", "body": "Old text.", "version": "1", "published": "on", "_csrf": token])
            #expect(stale.status == .conflict)
            #expect(stale.body.string.contains(#"id="article-version-error""#))
            #expect(
                try await fd.app.knowledgeBase.article("refund-timing", includeDrafts: false).title == "Refund timing")
        }
    }

    @Test("staff search on /knowledge, see the words found marked, and read the article; only admins manage it")
    func staffSearch() async throws {
        try await TestFairdesk.with { fd in
            // setup
            try await KnowledgeTests.write(fd)
            var web = WebSession(fd)
            _ = try await web.logIn("agent@example.com")
            // MUT
            let results = try await web.get("knowledge?q=refunds")
            // validate
            #expect(results.status == .ok)
            let html = results.body.string
            #expect(html.contains(#"<a href="/knowledge/refund-timing"><strong>Refund timing</strong></a>"#))
            #expect(html.contains("<mark>refund</mark>"))
            #expect(!html.contains("Secret refund rules"))
            #expect(html.contains(#"aria-current="page">Knowledge</a>"#))
            let nothing = try await web.get("knowledge?q=%22%28*%F0%9F%98%80")
            #expect(nothing.status == .ok)
            let article = try await web.get("knowledge/refund-timing")
            #expect(article.status == .ok)
            #expect(article.body.string.contains("We pay the amount back to your card"))
            #expect(!article.body.string.contains("Edit this article"))
            #expect(try await web.get("knowledge/secret-refund-rules").status == .notFound)
            #expect(try await web.get("admin/knowledge").status == .forbidden)

            var admin = WebSession(fd)
            _ = try await admin.logIn("admin@example.com")
            let draft = try await admin.get("knowledge/secret-refund-rules")
            #expect(draft.status == .ok)
            #expect(draft.body.string.contains(#"id="draft""#))

            var customer = WebSession(fd)
            _ = try await customer.logIn("casey@example.com")
            #expect(try await customer.get("knowledge?q=refund").status == .forbidden)
        }
    }
}
