import FairdeskCore
import Foundation
import Vapor

/// `fairdesk reports rebuild`: counts every stored case, survey, clock, promise and bot conversation
/// into the report rollups again, from scratch. The rollups are kept as events happen; this is for
/// repairs and for data loaded by other means.
struct ReportCommands: AsyncCommandGroup {
    var help: String { "Work with the leaders' report rollups" }
    var commands: [String: any AnyAsyncCommand] { ["rebuild": RebuildCommand()] }

    struct RebuildCommand: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "Builds the report rollups again from the stored records" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            let printer = ProgressPrinter()
            let zone = app.fairdesk.config.timeZone
            // One transaction: reports never see half a rebuild.
            let summary = try await app.write { db in
                try await ReportRollupRebuild(db: db, timeZone: zone) { what, done, total in
                    printer.report(what, done: done, total: total)
                }.run()
            }
            context.console.print(
                "Rebuilt the report rollups from \(summary.cases) case(s): \(summary.rows) row(s) in "
                    + String(format: "%.1f s", summary.seconds)
                    + " (days counted in \(app.fairdesk.config.timeZone.identifier)).")
        }
    }
}
