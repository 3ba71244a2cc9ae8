import Foundation

/// Prints the progress of a long command: a bar that redraws itself on a terminal, or a line every
/// tenth of the way when the output goes to a file or CI log.
final class ProgressPrinter: @unchecked Sendable {
    private let lock = NSLock()
    private let interactive = isatty(STDOUT_FILENO) == 1
    private var lastDecile: [String: Int] = [:]
    private let started = ProcessInfo.processInfo.systemUptime

    func report(_ what: String, done: Int, total: Int) {
        lock.withLock {
            let fraction = total == 0 ? 1 : Double(done) / Double(total)
            let elapsed = ProcessInfo.processInfo.systemUptime - started
            let filled = Int(fraction * 30)
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
            let line = String(
                format: "%@ [%@] %3.0f%%  %d/%d  %.1fs", what.padding(toLength: 10, withPad: " ", startingAt: 0), bar,
                fraction * 100, done, total, elapsed)
            // Written straight to the file handle: `print` would hold the lines in a buffer
            // until exit when the output goes to a file or a CI log.
            if interactive {
                FileHandle.standardOutput.write(Data(("\r" + line + (done >= total ? "\n" : "")).utf8))
            } else {
                let decile = Int(fraction * 10)
                if decile != lastDecile[what] || done >= total {
                    lastDecile[what] = decile
                    FileHandle.standardOutput.write(Data((line + "\n").utf8))
                }
            }
        }
    }
}
