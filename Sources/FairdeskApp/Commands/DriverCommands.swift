import FairdeskCore
import Fluent
import Foundation
import Vapor

/// `fairdesk drivers recompute`: maintenance of drivers' kept standing.
struct DriverCommands: AsyncCommandGroup {
    var help: String { "Maintains drivers' kept standing" }
    var commands: [String: any AnyAsyncCommand] { ["recompute": Recompute()] }

    /// Counts every driver's records into `driver_standing_days` again, from scratch, in one
    /// transaction: after a driver policy changes the scan rule, or to check the counters.
    struct Recompute: AsyncCommand {
        struct Signature: CommandSignature {}

        var help: String { "Counts every driver's standing days again from their records" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            let now = app.fairdesk.clock.now
            let printer = ProgressPrinter()
            let rebuilt = try await app.write { db in
                try await DriverStandingCounters.rebuild(at: now, on: db) { _, done, total in
                    printer.report("steps", done: done, total: total)
                }
            }
            context.console.print(
                String(
                    format: "Done in %.1f s: %d drivers' records counted into %d driver-days.", rebuilt.seconds,
                    rebuilt.drivers, rebuilt.rows))
        }
    }
}
