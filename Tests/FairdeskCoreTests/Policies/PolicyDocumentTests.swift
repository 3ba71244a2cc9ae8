import Testing

@testable import FairdeskCore

@Suite("Policy documents")
struct PolicyDocumentTests {
    let text = """
        Applies to every driver on the platform.

        ## 4 Standing
        Standing is worked out weekly.

        ### 4.2 Late deliveries
        A delivery is late after the window.

        ## Notes
        Weather is excused.

        # 4.2.1. Weather ##

        ```
        ## 9 not a clause inside code
        ```
        ## 5
        """

    @Test("the preamble, then one clause per numbered heading of any level, with its number and title")
    func parse() {
        let document = PolicyDocument.parse(text)
        #expect(document.preamble == "Applies to every driver on the platform.")
        #expect(document.clauses.map(\.number) == ["4", "4.2", "4.2.1", "5"])
        #expect(document.clauses.map(\.title) == ["Standing", "Late deliveries", "Weather", ""])
        #expect(document.clauses[0].text == "Standing is worked out weekly.")
        #expect(document.clauses[3].text == "")
    }

    @Test("a heading that does not start with a number stays inside the clause text, as do code blocks")
    func nonNumberHeadings() {
        let document = PolicyDocument.parse(text)
        #expect(document.clauses[1].text == "A delivery is late after the window.\n\n## Notes\nWeather is excused.")
        #expect(document.clauses[2].text == "```\n## 9 not a clause inside code\n```")
        let none = PolicyDocument.parse("# Driver policy\n\n#4 is not a heading\n\n## 4a Not a number")
        #expect(none.clauses.isEmpty)
        #expect(none.preamble == "# Driver policy\n\n#4 is not a heading\n\n## 4a Not a number")
    }

    @Test("written back as Markdown with ## headings, it parses to the same document")
    func roundTrip() {
        let document = PolicyDocument.parse(text)
        #expect(document.markdown.hasPrefix("Applies to every driver on the platform.\n\n## 4 Standing\n\n"))
        #expect(document.markdown.contains("## 4.2.1 Weather\n\n```"))
        #expect(document.markdown.hasSuffix("```\n\n## 5"))
        #expect(PolicyDocument.parse(document.markdown) == document)
        let bare = PolicyDocument(
            preamble: "", clauses: [PolicyClause(number: "1", title: "Scope", text: "All drivers.")])
        #expect(bare.markdown == "## 1 Scope\n\nAll drivers.")
        #expect(PolicyDocument.parse(bare.markdown) == bare)
    }

    @Test("clause numbers are digits separated by dots, with an optional trailing dot")
    func clauseNumbers() {
        for word in ["4", "4.", "4.2", "4.2.1", "10.12."] { #expect(PolicyDocument.isClauseNumber(word), "\(word)") }
        for word in ["", ".", "4..2", ".4", "4a", "IV", "٤"] {
            #expect(!PolicyDocument.isClauseNumber(word), "\(word)")
        }
    }
}
