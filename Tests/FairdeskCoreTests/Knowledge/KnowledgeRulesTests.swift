import Testing

@testable import FairdeskCore

@Suite("Knowledge-base article rules")
struct KnowledgeRulesTests {
    @Test("slugs are made from titles: no accents, lower case, hyphens, at most 80 characters")
    func slugs() {
        #expect(KnowledgeRules.slug(forTitle: "Returning an item (UK)") == "returning-an-item-uk")
        #expect(KnowledgeRules.slug(forTitle: "  Crème brûlée: how?  ") == "creme-brulee-how")
        #expect(KnowledgeRules.slug(forTitle: "😀 !!") == "article")
        let long = KnowledgeRules.slug(forTitle: String(repeating: "delivery ", count: 30))
        #expect(long.count <= 80 && !long.hasSuffix("-") && long.hasPrefix("delivery-delivery"))
        #expect(KnowledgeRules.slug(forTitle: "Returning an item", attempt: 2) == "returning-an-item-2")
        #expect(KnowledgeRules.slug(forTitle: String(repeating: "x", count: 200), attempt: 12).count == 80)
        #expect(KnowledgeRules.isSlug("returns-policy"))
        #expect(
            !KnowledgeRules.isSlug("Returns-policy") && !KnowledgeRules.isSlug("a--b") && !KnowledgeRules.isSlug("-a"))
    }

    @Test("every problem is named with its field: title, body, tags and each tag by position")
    func problems() {
        var checks = Checks()
        KnowledgeRules.title("ab", checks: &checks)
        KnowledgeRules.body("  ", checks: &checks)
        KnowledgeRules.tags(["ok", "", "a, b", String(repeating: "x", count: 41)], checks: &checks)
        #expect(
            checks.problems == [
                FieldProblem(field: "title", rule: "must be at least 3 characters (got 2)"),
                FieldProblem(field: "body", rule: "must not be empty"),
                FieldProblem(field: "tags[2]", rule: "must not contain a comma or a line break"),
                FieldProblem(field: "tags[3]", rule: "must be at most 40 characters (got 41)"),
            ])
        var more = Checks()
        #expect(KnowledgeRules.tags((1...21).map { "tag \($0)" }, checks: &more) == nil)
        #expect(more.problems == [FieldProblem(field: "tags", rule: "must be at most 20 tags (got 21)")])
    }

    @Test("tags are trimmed, repeats dropped ignoring case, and read from a comma-separated list")
    func tags() {
        var checks = Checks()
        #expect(
            KnowledgeRules.tags([" Money  back ", "money back", "Bank"], checks: &checks) == ["Money back", "Bank"])
        #expect(checks.problems.isEmpty)
        #expect(KnowledgeRules.tagList("return, send back,, money back ") == ["return", "send back", "money back"])
    }

    @Test("the demo articles keep every rule, and their ids are slugs")
    func demoArticles() {
        for article in DemoKnowledgeBase.articles {
            var checks = Checks()
            KnowledgeRules.title(article.title, checks: &checks)
            KnowledgeRules.body(article.body, checks: &checks)
            KnowledgeRules.tags(article.tags, checks: &checks)
            #expect(checks.problems.isEmpty, "\(article.id): \(checks.problems)")
            #expect(KnowledgeRules.isSlug(article.id))
        }
    }
}
