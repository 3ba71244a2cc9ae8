import Foundation
import Testing

@testable import FairdeskCore

@Suite("Bot evaluation set")
struct BotEvaluationTests {
    /// The set sits next to this file; it is read by path so the package needs no resource for it.
    static func loadCases(_ name: String = "messages.tsv") throws -> [BotEvaluation.Case] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("EvalSet")
        let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        return try BotEvaluation.parse(tsv: text)
    }

    static let engine = BotEngine(articles: DemoKnowledgeBase.articles)
    static let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    @Test("the set has at least 320 messages, every label is known and every article exists")
    func setIsWellFormed() throws {
        // setup
        let cases = try Self.loadCases()
        let articleIDs = Set(DemoKnowledgeBase.articles.map(\.id))

        // validate
        #expect(cases.count >= 320)
        for testCase in cases {
            if case .answer(_, let article?) = testCase.expected {
                #expect(articleIDs.contains(article), "line \(testCase.line) names unknown article \(article)")
            }
        }
        let needPerson = cases.filter { if case .handOver = $0.expected { true } else { false } }
        for reason in HandOverDecision.Reason.allCases {
            #expect(needPerson.contains { $0.expected == .handOver(reason) }, "no case for \(reason)")
        }
    }

    @Test("the bot meets issue 9's targets: hand-over recall ≥ 0.98, intent accuracy ≥ 0.85")
    func targets() throws {
        // setup
        let cases = try Self.loadCases()

        // MUT
        let report = BotEvaluation.run(cases, engine: Self.engine, at: Self.start)
        print(report.text)

        // validate
        #expect(report.handOverRecall >= 0.98)
        #expect(report.intentAccuracy >= 0.85)
        #expect(report.falseHandOverRate <= 0.10)
    }

    /// The hold-out set was written after the rules were tuned on `messages.tsv`, so it shows how the
    /// rules do on messages they were not fitted to (see the README for its first, blind, figures).
    /// The floors sit below issue 9's targets on purpose: they catch a regression without pretending
    /// the bot reaches the targets on unseen text.
    @Test("on the hold-out set the bot stays above regression floors")
    func holdout() throws {
        // setup
        let cases = try Self.loadCases("holdout.tsv")

        // MUT
        let report = BotEvaluation.run(cases, engine: Self.engine, at: Self.start)
        print(report.text)

        // validate
        #expect(cases.count >= 80)
        #expect(report.handOverRecall >= 0.9)
        #expect(report.intentAccuracy >= 0.9)
        #expect(report.falseHandOverRate <= 0.10)
    }

    @Test("a malformed line is refused with its number")
    func parseErrors() {
        let header = "message\texpected\tcontext\n"
        #expect(throws: BotEvaluation.ParseError(line: 2, problem: "unknown label \"order\"")) {
            try BotEvaluation.parse(tsv: header + "where is it\torder\n")
        }
        #expect(throws: BotEvaluation.ParseError(line: 3, problem: "expected 2 or 3 tab-separated columns, found 1")) {
            try BotEvaluation.parse(tsv: header + "hi\tgreeting\nno label here\n")
        }
        #expect(throws: BotEvaluation.ParseError.self) {
            try BotEvaluation.parse(tsv: header + "hi\tgreeting:returns-policy\n")
        }
    }

    @Test("labels and context are read as written")
    func parse() throws {
        let tsv =
            "message\texpected\tcontext\nAnd Apple Pay?\tknowledge:payment-methods\thi || Can I pay with Klarna?\n"
        let cases = try BotEvaluation.parse(tsv: tsv)
        #expect(
            cases == [
                BotEvaluation.Case(
                    line: 2, message: "And Apple Pay?", expected: .answer(.knowledge, articleID: "payment-methods"),
                    context: ["hi", "Can I pay with Klarna?"])
            ])
        #expect(BotEvaluation.Expected(label: "handover:turn_limit") == .handOver(.turnLimit))
        #expect(BotEvaluation.Expected(label: "handover:nonsense") == nil)
    }
}
