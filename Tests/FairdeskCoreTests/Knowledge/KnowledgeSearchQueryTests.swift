import Testing

@testable import FairdeskCore

@Suite("Knowledge-base search text")
struct KnowledgeSearchQueryTests {
    @Test("words, quoted phrases, exclusions and alternatives are read as web search reads them")
    func websearchSyntax() {
        // MUT
        let query = SearchQuery(#"Refund "return label" -bank or voucher"#)
        // validate
        #expect(query.alternatives == [[.word("refund"), .phrase(["return", "label"])], [.word("voucher")]])
        #expect(query.excluded == [.word("bank")])
        #expect(query.fts5() == #"(("refund" AND "return label") OR ("voucher")) NOT ("bank")"#)
        #expect(query.websearch() == #"refund "return label" -bank or voucher -bank"#)
        #expect(query.words == ["refund", "return", "label", "voucher"])
        #expect(query.fts5(everyWord: false) == #"("refund" OR "return" OR "label" OR "voucher") NOT ("bank")"#)
        #expect(query.websearch(everyWord: false) == "refund -bank or return -bank or label -bank or voucher -bank")
    }

    @Test("stop words are left out, as PostgreSQL leaves them out, so both databases ask the same")
    func stopWords() {
        #expect(SearchQuery("How do I return it?").alternatives == [[.word("return")]])
        #expect(SearchQuery("how do I").isEmpty)
        #expect(SearchQuery(#""send it back""#).alternatives == [[.phrase(["send", "it", "back"])]])
    }

    @Test("hyphens and apostrophes join words; other punctuation separates them")
    func joinedWords() {
        #expect(SearchQuery("two-hour").alternatives == [[.phrase(["two", "hour"])]])
        #expect(SearchQuery("refund/return").alternatives == [[.word("refund"), .word("return")]])
        #expect(SearchQuery("title:refund").alternatives == [[.word("title"), .word("refund")]])
    }

    @Test("characters that are search syntax never reach the search engine")
    func oddCharacters() {
        for text in [
            "\"", "*", "(", ")", "-", "--", "NEAR", "NEAR(refund money, 2)", "refund*", "^refund", "refund OR",
            "AND OR NOT", "😀", "🙂 refund 🙂", "'", "\\", "%_", "{title}: refund", "col:refund", "\u{2}x\u{3}",
            "or", "- or -", String(repeating: "(\"", count: 400),
        ] {
            let query = SearchQuery(text)
            let fts = query.fts5()
            // Every term is a quoted run of letters and digits between the operators FTS5 knows.
            let stripped = fts.replacingOccurrences(of: #""[\p{L}\p{N} ]+""#, with: "", options: .regularExpression)
                .replacingOccurrences(of: #"\b(AND|OR|NOT)\b"#, with: "", options: .regularExpression)
            #expect(stripped.allSatisfy { "() ".contains($0) }, "\(text) gave \(fts)")
            let web = query.websearch()
            #expect(web.allSatisfy { $0.isLetter || $0.isNumber || " \"-".contains($0) }, "\(text) gave \(web)")
        }
        #expect(SearchQuery("NEAR").alternatives == [[.word("near")]])
        #expect(SearchQuery("refund*").alternatives == [[.word("refund")]])
        #expect(SearchQuery("😀").isEmpty)
        #expect(SearchQuery("-refund").isEmpty)
    }

    @Test("long text is cut, and a query holds at most 32 terms")
    func limits() {
        let many = (1...100).map { "word\($0)" }.joined(separator: " ")
        #expect(SearchQuery(many).words.count == SearchQuery.maximumTerms)
        #expect(SearchQuery(String(repeating: "a", count: 5_000)).isEmpty)
    }
}
