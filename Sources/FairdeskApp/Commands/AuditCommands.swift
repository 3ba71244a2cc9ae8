import Foundation
import Vapor

/// `fairdesk audit verify`: walks the audit log's hash chain and names the first broken link.
struct AuditCommands: AsyncCommandGroup {
    var help: String { "Work with the audit log" }
    var commands: [String: any AnyAsyncCommand] { ["verify": VerifyCommand()] }

    struct VerifyCommand: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "Checks every entry's hash and its link to the entry before" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let printer = ProgressPrinter()
            let result = try await AuditLog.verify(on: context.application.db) { done, total in
                printer.report("entries", done: done, total: total)
            }
            if let broken = result.firstBreak {
                context.console.error("Audit log broken at \(broken) (\(result.checked) entries checked).")
                throw AuditBroken()
            }
            context.console.print("Audit log intact: \(result.checked) entries, every hash and link verified.")
        }
    }

    struct AuditBroken: Error, CustomStringConvertible {
        var description: String { "the audit log does not verify" }
    }
}
