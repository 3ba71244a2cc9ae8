import Testing

@testable import FairdeskCore

@Suite("Safe Markdown")
struct SafeMarkdownTests {
    @Test("raw HTML is shown as text: script tags, event handlers and quotes are escaped")
    func rawHTMLEscaped() {
        #expect(
            SafeMarkdown.html("<script>alert('x')</script>")
                == "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>")
        #expect(SafeMarkdown.html("<img src=x onerror=alert(1)>") == "<p>&lt;img src=x onerror=alert(1)&gt;</p>")
        #expect(
            SafeMarkdown.html("<a href=\"#\" onclick=\"steal()\">hi</a> & more")
                == "<p>&lt;a href=&quot;#&quot; onclick=&quot;steal()&quot;&gt;hi&lt;/a&gt; &amp; more</p>")
    }

    @Test("HTML inside headings, list items, quotes and code is escaped too")
    func escapedEverywhere() {
        let html = SafeMarkdown.html("# <b>x</b>\n\n- <i>y</i>\n\n> <u>z</u>\n\n```\n<script>\n```\n\n`<em>`")
        #expect(!html.contains("<b>") && !html.contains("<i>") && !html.contains("<u>"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("<h3>&lt;b&gt;x&lt;/b&gt;</h3>"))
        #expect(html.contains("<pre><code>&lt;script&gt;</code></pre>"))
        #expect(html.contains("<code>&lt;em&gt;</code>"))
    }

    @Test("a quote or bracket joined to a combining mark is still escaped")
    func combiningMarks() {
        let html = SafeMarkdown.html("[x](https://a.example/\"\u{301}onmouseover=alert(1)) <\u{301}script>")
        // Kept out of #expect, whose expansion cannot quote a combining mark.
        let escapedQuote = "&quot;\u{301}onmouseover"
        let escapedBracket = "&lt;\u{301}script&gt;"
        // The only quotes left are the four around href and rel, and the only < and > are the tags'.
        #expect(html.unicodeScalars.filter { $0 == "\"" }.count == 4)
        #expect(html.unicodeScalars.filter { $0 == "<" }.count == 4)
        #expect(html.contains(escapedQuote))
        #expect(html.contains(escapedBracket))
    }

    @Test("javascript:, data: and vbscript: links are plain text, whatever their case, spaces or entities")
    func dangerousSchemes() {
        #expect(SafeMarkdown.html("[x](javascript:alert(1))") == "<p>[x](javascript:alert(1))</p>")
        let sneaky = [
            "[x]( JaVaScript:alert(1))", "[x](\tjavascript:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "[x](VBScript:msgbox(1))", "[x](&#106;avascript:alert(1))", "[x](javascript&colon;alert(1))",
            "[x](java&#x09;script:alert(1))", "[x](javascript:\u{301}alert(1))", "[x](java\u{0}script:alert(1))",
            "[x](&#x6A;avascript&#58;alert(1))",
        ]
        for markdown in sneaky {
            let html = SafeMarkdown.html(markdown)
            #expect(!html.contains("<a"), "\(markdown) became a link: \(html)")
            #expect(html.hasPrefix("<p>[x]("), "\(markdown) was not shown as text: \(html)")
        }
        // Spaces inside a target (raw or as a reference) are not part of a link either.
        #expect(SafeMarkdown.html("[x](a b)") == "<p>[x](a b)</p>")
        #expect(SafeMarkdown.html("[x](a&#160;b)") == "<p>[x](a&amp;#160;b)</p>")
    }

    @Test("http, https, mailto, relative and anchor links are kept, with rel=nofollow noopener")
    func safeLinks() {
        #expect(
            SafeMarkdown.html("See [the form](https://example.com/a?b=1&c=2).")
                == "<p>See <a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"nofollow noopener\">the form</a>.</p>")
        for target in ["http://example.com", "HTTPS://example.com", "mailto:help@example.com", "/policies/x", "#4.2"] {
            #expect(
                SafeMarkdown.html("[go](\(target))")
                    == "<p><a href=\"\(target)\" rel=\"nofollow noopener\">go</a></p>")
        }
        #expect(SafeMarkdown.html("[**bold** link](#x)").contains("<strong>bold</strong> link</a>"))
    }

    @Test("quotes in a link target cannot break out of the attribute")
    func quotesInURL() {
        let html = SafeMarkdown.html("[x](https://example.com/\"onmouseover='alert(1)')")
        #expect(
            html
                == "<p><a href=\"https://example.com/&quot;onmouseover=&#39;alert(1)&#39;\" "
                + "rel=\"nofollow noopener\">x</a></p>")
    }

    @Test("headings start at h3, since the page already has h1 and h2")
    func headings() {
        #expect(SafeMarkdown.html("# One") == "<h3>One</h3>")
        #expect(SafeMarkdown.html("## Two ##") == "<h4>Two</h4>")
        #expect(SafeMarkdown.html("### Three") == "<h5>Three</h5>")
        #expect(SafeMarkdown.html("###### Six") == "<h5>Six</h5>")
        #expect(SafeMarkdown.html("####### Seven") == "<p>####### Seven</p>")
        #expect(SafeMarkdown.html("#hashtag") == "<p>#hashtag</p>")
    }

    @Test("paragraphs join their lines; lists, quotes, rules and code blocks are rendered")
    func blocks() {
        let markdown = """
            First line
            second line.

            - one
            * two

            1. first
            2. second

            > quoted **text**

            ---

            ```swift
            let a = 1 < 2
            ```
            """
        #expect(
            SafeMarkdown.html(markdown)
                == """
                <p>First line second line.</p>
                <ul>
                <li>one</li>
                <li>two</li>
                </ul>
                <ol>
                <li>first</li>
                <li>second</li>
                </ol>
                <blockquote>
                <p>quoted <strong>text</strong></p>
                </blockquote>
                <hr>
                <pre><code>let a = 1 &lt; 2</code></pre>
                """)
        #expect(SafeMarkdown.html("3. third\n4. fourth") == "<ol start=\"3\">\n<li>third</li>\n<li>fourth</li>\n</ol>")
    }

    @Test("bold, italic and code inline; snake_case names and lone stars stay as written")
    func inline() {
        #expect(
            SafeMarkdown.html("**bold**, *italic*, _also_ and `a < b`")
                == "<p><strong>bold</strong>, <em>italic</em>, <em>also</em> and <code>a &lt; b</code></p>")
        #expect(SafeMarkdown.html("set appeal_window_days to 14") == "<p>set appeal_window_days to 14</p>")
        #expect(SafeMarkdown.html("_a_b c_ and *x*y") == "<p><em>a_b c</em> and <em>x</em>y</p>")
        #expect(SafeMarkdown.html("2 * 3 * 4") == "<p>2 * 3 * 4</p>")
        #expect(SafeMarkdown.html("`**not bold**`") == "<p><code>**not bold**</code></p>")
        #expect(SafeMarkdown.html("\\*not italic\\*") == "<p>*not italic*</p>")
    }

    @Test("a long paragraph of unmatched marks renders in time, as text", .timeLimit(.minutes(1)))
    func unmatchedMarks() {
        let markdown = String(repeating: "[a *b _c ", count: 20_000)
        let html = SafeMarkdown.html(markdown)
        #expect(html.hasPrefix("<p>[a *b _c [a *b _c"))
        #expect(!html.contains("<a") && !html.contains("<em>"))
        let ticks = SafeMarkdown.html(String(repeating: "` `` ``` ", count: 5000))
        #expect(ticks.contains("<code>"))
    }

    @Test("blockquotes nest, but only so deep: further > marks are text")
    func deepQuotes() {
        #expect(
            SafeMarkdown.html("> > inner") == "<blockquote>\n<blockquote>\n<p>inner</p>\n</blockquote>\n</blockquote>")
        let html = SafeMarkdown.html(String(repeating: ">", count: 50_000) + " deep")
        #expect(html.components(separatedBy: "<blockquote>").count - 1 == 8)
        #expect(html.contains("<p>" + String(repeating: "&gt;", count: 50_000 - 8) + " deep</p>"))
    }
}
