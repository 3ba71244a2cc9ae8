import Foundation
import Vapor

/// Runs a ``JobWorker`` inside `fairdesk serve`, from boot until shutdown.
final class InProcessWorker: LifecycleHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<JobWorker.BatchResult, Never>?

    func didBootAsync(_ application: Application) async throws {
        let worker = JobWorker(app: application)
        lock.withLock { task = Task { await worker.run() } }
        application.logger.info("Job worker running in this process")
    }

    func shutdownAsync(_ application: Application) async {
        let running = lock.withLock { task }
        running?.cancel()
        _ = await running?.value
    }
}

extension Application {
    /// Starts the in-process job worker with the server, unless `FAIRDESK_WORKER=off`.
    public func runJobsWithServer() {
        guard fairdesk.config.runWorkerInServe else { return }
        lifecycle.use(InProcessWorker())
    }
}
