import Foundation

/// Every kind of background job Fairdesk runs, and what it does.
enum BackgroundWork {
    static func handlers() -> JobHandlers {
        var handlers = JobHandlers()
        handlers.register(.noop) { _ in .done }
        return handlers
    }
}
