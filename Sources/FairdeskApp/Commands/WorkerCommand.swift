import Foundation
import Vapor

/// `fairdesk worker`: runs background jobs without serving HTTP, until SIGINT or SIGTERM.
///
/// On PostgreSQL, start as many as the work needs, on any machines that reach the database.
struct WorkerCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "batch", help: "Jobs claimed at once (default FAIRDESK_JOB_BATCH)")
        var batch: Int?
        @Flag(name: "drain", help: "Run what is due now, then stop")
        var drain: Bool
    }

    var help: String { "Runs background jobs (SLA checks, routing, follow-ups) until stopped" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if let batch = signature.batch, !(1...1000).contains(batch) {
            throw WorkerProblem(description: "--batch must be a whole number from 1 to 1000 (got \(batch))")
        }
        let worker = JobWorker(app: app, batchSize: signature.batch)
        let started = ContinuousClock.now
        if signature.drain {
            try await worker.scheduleRecurring()
            let result = try await worker.drain()
            let milliseconds = Int(BenchCommands.seconds(started.duration(to: .now)) * 1000)
            context.console.print("Ran \(result.ran) job(s), \(result.failed) failed, in \(milliseconds) ms.")
            return
        }
        context.console.print("Worker started (batch \(worker.batchSize)); stop with Ctrl-C.")
        let task = Task { await worker.run() }
        await TerminationSignal.wait()
        context.console.print("Stopping: finishing the jobs in hand…")
        task.cancel()
        let result = await task.value
        let seconds = max(0.001, Double(started.duration(to: .now).components.seconds))
        context.console.print(
            "Worker stopped: \(result.ran) job(s) run, \(result.failed) failed, "
                + "\(Int(Double(result.ran) / seconds)) a second on average.")
    }

    struct WorkerProblem: Error, CustomStringConvertible {
        var description: String
    }
}

/// Waits for SIGINT or SIGTERM.
enum TerminationSignal {
    static func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = Once(continuation)
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { once.resume() }
                source.resume()
                Once.keep(source)
            }
        }
    }

    /// Resumes the continuation on the first signal only.
    private final class Once: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Void, Never>?
        nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

        init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }

        func resume() {
            lock.withLock {
                continuation?.resume()
                continuation = nil
            }
        }

        static func keep(_ source: any DispatchSourceSignal) { sources.append(source) }
    }
}
