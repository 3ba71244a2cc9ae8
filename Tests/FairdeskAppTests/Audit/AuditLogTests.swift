import FairdeskCore
import Foundation
import SQLKit
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("The audit log is a verifiable chain")
struct AuditLogTests {
    /// Makes a few audited changes: status moves, a transfer, a role change.
    func makeHistory(_ fd: TestFairdesk) async throws {
        let made = try await fd.inbound(from: "casey@example.com", body: "Help")
        for status in ["open", "pending_customer", "resolved"] {
            fd.clock.advance(by: 61.2345)
            try await fd.send(.POST, "api/v1/cases/\(made.caseId)/status", as: fd.agent, json: ["status": status])
        }
        try await fd.send(
            .POST, "api/v1/users/\(fd.agent.id)/role", as: fd.admin, json: ["role": "lead", "reason": "promoted"])
    }

    @Test("an untouched log verifies")
    func intact() async throws {
        try await TestFairdesk.with { fd in
            try await makeHistory(fd)
            let result = try await AuditLog.verify(on: fd.app.db)
            #expect(result.intact)
            #expect(result.checked == 4)
        }
    }

    @Test("altering one row is reported at that row")
    func tampered() async throws {
        try await TestFairdesk.with { fd in
            try await makeHistory(fd)
            try await (fd.app.db as! any SQLDatabase).raw(
                "UPDATE audit_entries SET reason = 'customer was abusive' WHERE sequence = 2"
            ).run()
            let result = try await AuditLog.verify(on: fd.app.db)
            #expect(result.firstBreak?.sequence == 2)
            #expect(result.firstBreak?.problem.contains("altered") == true)
        }
    }

    @Test("deleting the newest rows is caught against the counter")
    func truncated() async throws {
        try await TestFairdesk.with { fd in
            try await makeHistory(fd)
            try await (fd.app.db as! any SQLDatabase).raw("DELETE FROM audit_entries WHERE sequence = 4").run()
            let result = try await AuditLog.verify(on: fd.app.db)
            #expect(result.firstBreak?.sequence == 4)
            #expect(result.firstBreak?.problem.contains("removed") == true)
        }
    }

    @Test("the audit command exits with an error on a broken log")
    func command() async throws {
        try await TestFairdesk.with { fd in
            try await makeHistory(fd)
            let console = TestConsole()
            var context = CommandContext(console: console, input: CommandInput(arguments: ["fairdesk", "verify"]))
            context.application = fd.app
            try await AuditCommands().run(using: &context)
            #expect(console.output.contains("Audit log intact: 4 entries"))
            try await (fd.app.db as! any SQLDatabase).raw(
                "UPDATE audit_entries SET actor_label = 'someone else' WHERE sequence = 3"
            ).run()
            var again = CommandContext(console: console, input: CommandInput(arguments: ["fairdesk", "verify"]))
            again.application = fd.app
            await #expect(throws: AuditCommands.AuditBroken.self) { try await AuditCommands().run(using: &again) }
            #expect(console.output.contains("Audit log broken at entry 3"))
        }
    }
}

/// Collects what a command prints.
final class TestConsole: Console, @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    var output: String { lock.withLock { text } }
    var userInfo: [AnySendableHashable: any Sendable] = [:]
    var size: (width: Int, height: Int) { (80, 24) }
    func input(isSecure: Bool) -> String { "" }
    func output(_ text: ConsoleText, newLine: Bool) {
        lock.withLock { self.text += text.description + (newLine ? "\n" : "") }
    }
    func clear(_ type: ConsoleClear) {}
    func report(error: String, newLine: Bool) { lock.withLock { text += error + (newLine ? "\n" : "") } }
}
