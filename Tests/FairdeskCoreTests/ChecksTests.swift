import Testing

@testable import FairdeskCore

@Suite("Input checks")
struct ChecksTests {
    @Test("all problems are collected, each naming its field and rule")
    func collectsAll() {
        var checks = Checks()
        checks.text("   ", field: "subject", max: 10)
        checks.text(String(repeating: "x", count: 11), field: "name", max: 10)
        checks.oneOf("fax", field: "channel", as: ContactChannel.self)
        checks.integer(-1, field: "talkSeconds", in: 0...86_400)
        #expect(
            checks.problems == [
                FieldProblem(field: "subject", rule: "must not be empty"),
                FieldProblem(field: "name", rule: "must be at most 10 characters (got 11)"),
                FieldProblem(
                    field: "channel", rule: "must be one of: email, chat, phone, social, web_form, bot (got \"fax\")"),
                FieldProblem(field: "talkSeconds", rule: "must be between 0 and 86400 (got -1)"),
            ])
        #expect(throws: ValidationFailure.self) { try checks.finish() }
    }

    @Test("clean input passes through trimmed")
    func clean() throws {
        var checks = Checks()
        #expect(checks.text("  hello ", field: "body", max: 10) == "hello")
        #expect(checks.oneOf("web_form", field: "channel", as: ContactChannel.self) == .webForm)
        try checks.finish()
    }
}
