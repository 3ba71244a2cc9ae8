import Foundation
import Testing
import Vapor

@testable import FairdeskApp

@Suite("fairdesk bot-eval")
struct BotEvalCommandTests {
    /// The repository's evaluation set, by path from this file.
    static let evalSet = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FairdeskCoreTests/Bot/EvalSet/messages.tsv").path

    private func run(_ arguments: [String], console: TestConsole) async throws {
        // The command needs no database, so no Fairdesk is started.
        var context = CommandContext(console: console, input: CommandInput(arguments: ["fairdesk"] + arguments))
        try await BotEvalCommand().run(using: &context)
    }

    @Test("prints accuracy, hand-over recall and false hand-overs for the set, and says the targets are met")
    func scoresTheSet() async throws {
        // setup
        let console = TestConsole()

        // MUT
        try await run(["--file", Self.evalSet], console: console)

        // validate
        #expect(console.output.contains("intent accuracy"))
        #expect(console.output.contains("hand-over recall"))
        #expect(console.output.contains("false hand-over rate"))
        #expect(console.output.contains("targets: hand-over recall ≥ 0.98 met, intent accuracy ≥ 0.85 met"))
    }

    @Test("a set the bot fails is reported as a missed target and the command fails")
    func missedTarget() async throws {
        // setup: a message that needs a person but gives the bot no reason to hand over, labelled so
        let file = NSTemporaryDirectory() + "bot-eval-\(UUID().uuidString).tsv"
        try "message\texpected\tcontext\nWhere is my order FD-482913?\thandover:person_requested\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let console = TestConsole()

        // MUT & validate
        await #expect(throws: BotEvalProblem.self) { try await run(["--file", file], console: console) }
        #expect(console.output.contains("hand-over recall ≥ 0.98 MISSED"))
    }

    @Test("a missing set is named, with what to do")
    func missingSet() async throws {
        let console = TestConsole()
        await #expect {
            try await run(["--file", "/nonexistent/set.tsv"], console: console)
        } throws: { error in
            "\(error)".contains("/nonexistent/set.tsv") && "\(error)".contains("--file")
        }
    }
}
