import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// `fairdesk ingest-mail`: takes email in from a mail server or a mailbox.
///
/// With no options it reads one raw RFC 5322 message from standard input, which is what a mail
/// server's pipe transport gives it (Postfix `pipe`, Exim `pipe` transport, a `.forward` file).
/// It exits 0 once the message is stored, and 75 (EX_TEMPFAIL, "try again later") when it could not
/// be, so the mail server keeps the message and retries instead of bouncing it.
///
/// `--mbox FILE` and `--maildir DIR` bring in an existing mailbox, showing progress and ending with
/// a summary.
struct IngestMailCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "mbox", help: "Ingest every message of this mbox file")
        var mbox: String?
        @Option(name: "maildir", help: "Ingest every message of this Maildir (its cur/ and new/ folders)")
        var maildir: String?
    }

    var help: String { "Takes in one raw email from standard input, or a whole mailbox with --mbox or --maildir" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if signature.mbox != nil && signature.maildir != nil {
            throw MailCommandProblem(description: "give --mbox or --maildir, not both")
        }
        // The time counts reading the mailbox too.
        let started = ContinuousClock.now
        if let path = signature.mbox {
            let data = try read(path, what: "--mbox")
            try await ingestMailbox(
                Mailbox.mboxMessages(data), from: path, started: started, app: app, context: context)
        } else if let path = signature.maildir {
            let files = try Mailbox.maildirFiles(path)
            try await ingestMailbox(
                try files.map { try Data(contentsOf: $0) }, from: path, started: started, app: app, context: context)
        } else {
            try await ingestOne(app: app)
        }
    }

    private func read(_ path: String, what: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw MailCommandProblem(description: "\(what) \(path) cannot be read: \(error.localizedDescription)")
        }
    }

    /// The pipe transport: one message, a one-line answer for the mail log, EX_TEMPFAIL on failure.
    private func ingestOne(app: Application) async throws {
        let raw = FileHandle.standardInput.readDataToEndOfFile()
        if raw.isEmpty {
            FileHandle.standardError.write(
                Data("fairdesk ingest-mail: standard input was empty; nothing stored\n".utf8))
            exit(65)  // EX_DATAERR: there is no message to keep
        }
        if raw.count > app.fairdesk.config.mailMaximumBytes {
            FileHandle.standardError.write(
                Data(
                    ("fairdesk ingest-mail: the message has \(raw.count) bytes, more than FAIRDESK_MAIL_MAX_BYTES "
                        + "(\(app.fairdesk.config.mailMaximumBytes))\n").utf8))
            exit(73)  // EX_CANTCREAT: the mail server returns it to the sender with this reason
        }
        // This process answers for the bot itself before it ends, rather than in the background.
        app.fairdesk.config.bot.answersInBackground = false
        do {
            let outcome = try await MailIntakeService(app: app, source: .pipe).ingest([raw])[0]
            FileHandle.standardOutput.write(Data((Self.describe(outcome) + "\n").utf8))
        } catch {
            FileHandle.standardError.write(
                Data("fairdesk ingest-mail: not stored, the mail server should try again: \(error)\n".utf8))
            try? await app.asyncShutdown()
            exit(75)
        }
        // The message is kept whatever happens here: if the bot cannot answer now, the running
        // server's bot sweep answers within a minute.
        do {
            try await BotDesk.drain(app: app)
        } catch {
            app.logger.warning("The bot will answer later: \(String(reflecting: error))")
        }
    }

    static func describe(_ outcome: MailIntakeService.Outcome) -> String {
        var line = "email \(outcome.inboundEmailId.uuidString.lowercased()): "
        switch (outcome.state, outcome.caseNumber) {
        case _ where outcome.duplicate: line += "already received"
        case ("filed", let number?): line += "filed in case \(number) (\(outcome.threadedBy ?? "new case"))"
        case ("automatic", let number?): line += "automatic mail, noted on case \(number): \(outcome.reason ?? "")"
        case ("automatic", nil): line += "automatic mail, kept without a case: \(outcome.reason ?? "")"
        default: line += "held for an admin: \(outcome.reason ?? "")"
        }
        if !outcome.problems.isEmpty { line += "; \(outcome.problems.count) problem(s) reading it" }
        return line
    }

    private func ingestMailbox(
        _ messages: [Data], from path: String, started: ContinuousClock.Instant, app: Application,
        context: CommandContext
    ) async throws {
        let progress = ProgressPrinter()
        let total = messages.count
        context.console.print("Ingesting \(total) message(s) from \(path)…")
        let outcomes = try await MailIntakeService(app: app, source: .mailbox).ingest(messages) { done in
            progress.report("ingest", done: done, total: total)
        }
        let seconds = max(0.001, BenchCommands.seconds(started.duration(to: .now)))
        context.console.print(Self.summary(outcomes, seconds: seconds))
    }

    static func summary(_ outcomes: [MailIntakeService.Outcome], seconds: Double) -> String {
        let fresh = outcomes.filter { !$0.duplicate }
        let filed = fresh.filter { $0.state == "filed" }
        return String(
            format: "Ingested %d message(s) in %.1f s (%.0f a second): %d filed (%d new case(s), %d joined a case), "
                + "%d automatic, %d held, %d already received; %d with problems reading them.",
            outcomes.count, seconds, Double(outcomes.count) / seconds, filed.count,
            filed.filter(\.caseCreated).count, filed.filter { !$0.caseCreated }.count,
            fresh.filter { $0.state == "automatic" }.count, fresh.filter { $0.state == "held" }.count,
            outcomes.count - fresh.count, fresh.filter { !$0.problems.isEmpty }.count)
    }
}

/// `fairdesk reparse`: reads every stored raw email again with the current parser and updates
/// what was read from it (subject, sender, text on the timeline, files, problems). Which case a
/// message joined, and whether it was held, stay as decided when it arrived.
struct ReparseCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "outdated", help: "Only messages read by an older parser")
        var outdated: Bool
    }

    var help: String { "Reads stored raw emails again with the current parser" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let started = ContinuousClock.now
        let progress = ProgressPrinter()
        let summary = try await MailReparser(app: app).run(onlyOutdated: signature.outdated) { done, total in
            progress.report("reparse", done: done, total: total)
        }
        let seconds = max(0.001, BenchCommands.seconds(started.duration(to: .now)))
        context.console.print(
            String(
                format:
                    "Reparsed %d message(s) in %.1f s: %d text(s) changed, %d file list(s) changed, %d with problems, "
                    + "%d raw file(s) missing.",
                summary.read, seconds, summary.textChanged, summary.filesChanged, summary.withProblems,
                summary.missing))
    }
}

struct MailCommandProblem: Error, CustomStringConvertible {
    var description: String
}

/// Reading mailbox formats.
enum Mailbox {
    /// The messages of an mbox file: each starts with a "From " line after an empty line (or at the
    /// start); ">From " lines inside are unquoted (mboxrd), and the "From " line itself is dropped.
    static func mboxMessages(_ data: Data) -> [Data] {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [Data] in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return [] }
            let count = raw.count
            let from: [UInt8] = Array("From ".utf8)
            func startsFrom(_ index: Int) -> Bool {
                index + 5 <= count && memcmp(base + index, from, 5) == 0
            }
            /// The index after the line that starts at `index`.
            func lineEnd(_ index: Int, _ end: Int) -> Int {
                guard let newline = memchr(base + index, 10, end - index) else { return end }
                return base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
            }
            // In an mbox every line that starts with "From " begins a message; the same words
            // inside a message were written as ">From ".
            var starts: [Int] = []
            var index = 0
            while index < count {
                if startsFrom(index) { starts.append(index) }
                index = lineEnd(index, count)
            }
            var messages: [Data] = []
            messages.reserveCapacity(starts.count)
            for (number, start) in starts.enumerated() {
                let end = number + 1 < starts.count ? starts[number + 1] : count
                guard memchr(base + start, 10, end - start) != nil else { continue }
                let body = lineEnd(start, end)
                var message = Data(capacity: end - body + 2)
                // Copied in runs; only a ">From " line ("From " after one or more ">") loses a ">".
                var run = body
                var line = body
                while line < end {
                    let next = lineEnd(line, end)
                    if base[line] == 62 {
                        var cursor = line
                        while cursor < next && base[cursor] == 62 { cursor += 1 }
                        if startsFrom(cursor) {
                            message.append(base + run, count: line - run)
                            run = line + 1
                        }
                    }
                    line = next
                }
                var stop = end
                // The empty line that separates messages belongs to the mbox, not to the message.
                while stop > run && (base[stop - 1] == 10 || base[stop - 1] == 13) { stop -= 1 }
                message.append(base + run, count: stop - run)
                while message.last == 10 || message.last == 13 { message.removeLast() }
                message.append(contentsOf: [13, 10])
                messages.append(message)
            }
            return messages
        }
    }

    /// The message files of a Maildir, oldest name first.
    static func maildirFiles(_ path: String) throws -> [URL] {
        let root = URL(fileURLWithPath: path, isDirectory: true)
        var files: [URL] = []
        for folder in ["cur", "new"] {
            let directory = root.appendingPathComponent(folder, isDirectory: true)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { continue }
            files += names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
        }
        if files.isEmpty && !FileManager.default.fileExists(atPath: root.appendingPathComponent("cur").path) {
            throw MailCommandProblem(description: "--maildir \(path) is not a Maildir: it has no cur/ or new/ folder")
        }
        return files
    }
}
