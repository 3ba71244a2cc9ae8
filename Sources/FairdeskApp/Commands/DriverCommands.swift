import FairdeskCore
import Fluent
import Foundation
import Vapor

/// `fairdesk drivers recompute`: maintenance of drivers' kept standing.
struct DriverCommands: AsyncCommandGroup {
    var help: String { "Maintains drivers' kept standing" }
    var commands: [String: any AnyAsyncCommand] { ["recompute": Recompute()] }

    /// Counts every driver's records into `driver_standing_days` again, from scratch, in one
    /// transaction, on every core (`RecountSlices`): after a driver policy changes the scan rule,
    /// or to check the counters.
    struct Recompute: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "slices", help: "Drivers' slices counted at once on SQLite, 1 to 16 (default: the cores)")
            var slices: Int?
        }

        var help: String { "Counts every driver's standing days again from their records" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            let now = app.fairdesk.clock.now
            let printer = ProgressPrinter()
            let slices = signature.slices ?? System.coreCount
            guard (1...16).contains(slices) else { throw DriverCommandProblem("--slices must be 1 to 16") }
            let rebuilt = try await RecountSlices.recount(app: app, at: now, slices: slices) { _, done, total in
                printer.report("steps", done: done, total: total)
            }
            context.console.print(
                String(
                    format: "Done in %.1f s: %d drivers' records counted into %d driver-days.", rebuilt.seconds,
                    rebuilt.drivers, rebuilt.rows))
        }
    }
}

struct DriverCommandProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
