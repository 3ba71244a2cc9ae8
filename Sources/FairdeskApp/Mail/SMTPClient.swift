import FairdeskCore
import Foundation
import NIOCore
import NIOPosix

/// Where outgoing mail goes: an SMTP server (RFC 5321) that accepts mail from Fairdesk without a
/// login, usually a relay on the same host or network (Postfix, OpenSMTPD, the cloud provider's
/// relay) that takes care of TLS and onward delivery.
struct SMTPSettings: Sendable, Equatable {
    var host: String
    var port: Int
    /// The name Fairdesk gives itself in EHLO.
    var heloName: String

    /// Reads `smtp://host[:port]`; the port defaults to 25.
    static func parse(_ text: String) -> SMTPSettings? {
        guard let url = URL(string: text), url.scheme == "smtp", let host = url.host, !host.isEmpty,
            url.user == nil, url.password == nil, url.path.isEmpty || url.path == "/"
        else { return nil }
        return SMTPSettings(host: host, port: url.port ?? 25, heloName: "fairdesk.localhost")
    }
}

/// Something that hands finished messages to the outside world.
protocol MailTransport: Sendable {
    func deliver(_ message: MailMessage) async throws
}

/// Why a mail server would not take a message. `permanent` (a 5xx reply) means trying again
/// will not help; anything else is worth another attempt later.
struct SMTPError: Error, CustomStringConvertible {
    var stage: String
    var code: Int
    var reply: String

    var permanent: Bool { code >= 500 }
    var description: String { "the mail server answered \(stage) with \(code) \(reply)" }
}

/// A small SMTP client: one connection per message, EHLO (falling back to HELO), MAIL FROM,
/// RCPT TO, DATA with dot-stuffing, QUIT. Every wait is bounded by `timeout`.
struct SMTPClient: MailTransport {
    var settings: SMTPSettings
    var group: any EventLoopGroup
    /// A whole conversation; short, because mail jobs share a batch with SLA checks and routing.
    var timeout: TimeAmount = .seconds(20)

    func deliver(_ message: MailMessage) async throws {
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await send(message) }
            tasks.addTask {
                try await Task.sleep(nanoseconds: UInt64(timeout.nanoseconds))
                throw SMTPError(
                    stage: "in time", code: 421, reply: "no answer within \(timeout.nanoseconds / 1_000_000_000) s")
            }
            try await tasks.next()
            tasks.cancelAll()
        }
    }

    private func send(_ message: MailMessage) async throws {
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(5))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var replies = ReplyReader(inbound.makeAsyncIterator())
            func command(_ line: String?, expect codes: Set<Int>, stage: String) async throws -> Int {
                if let line { try await outbound.write(ByteBuffer(string: line + "\r\n")) }
                let (code, text) = try await replies.next()
                guard codes.contains(code) else { throw SMTPError(stage: stage, code: code, reply: text) }
                return code
            }
            _ = try await command(nil, expect: [220], stage: "the greeting")
            do {
                _ = try await command("EHLO \(settings.heloName)", expect: [250], stage: "EHLO")
            } catch let error as SMTPError where error.permanent {
                _ = try await command("HELO \(settings.heloName)", expect: [250], stage: "HELO")
            }
            _ = try await command("MAIL FROM:<\(message.from.address)>", expect: [250], stage: "MAIL FROM")
            _ = try await command("RCPT TO:<\(message.to.address)>", expect: [250, 251], stage: "RCPT TO")
            _ = try await command("DATA", expect: [354], stage: "DATA")
            try await outbound.write(ByteBuffer(string: Self.dotStuffed(message.rendered) + ".\r\n"))
            _ = try await command(nil, expect: [250], stage: "the end of the message")
            _ = try? await command("QUIT", expect: [221], stage: "QUIT")
        }
    }

    /// The message as DATA carries it: every line that starts with "." gets another (RFC 5321 §4.5.2).
    static func dotStuffed(_ rendered: String) -> String {
        rendered.components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
    }

    /// Reads SMTP replies, which may span several lines ("250-…" continues, "250 …" ends).
    struct ReplyReader {
        var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var pending = ""

        init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) { self.iterator = iterator }

        mutating func line() async throws -> String {
            while true {
                if let end = pending.range(of: "\n") {
                    let line = String(pending[..<end.lowerBound]).trimmingCharacters(
                        in: CharacterSet(charactersIn: "\r"))
                    pending = String(pending[end.upperBound...])
                    return line
                }
                guard var buffer = try await iterator.next() else {
                    throw SMTPError(stage: "before its reply ended", code: 421, reply: "connection closed")
                }
                pending += buffer.readString(length: buffer.readableBytes) ?? ""
            }
        }

        mutating func next() async throws -> (Int, String) {
            var text: [String] = []
            while true {
                let line = try await line()
                guard line.count >= 3, let code = Int(line.prefix(3)) else {
                    throw SMTPError(stage: "with an unreadable reply", code: 421, reply: String(line.prefix(200)))
                }
                text.append(String(line.dropFirst(4)))
                if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] != "-" {
                    return (code, text.joined(separator: " "))
                }
            }
        }
    }
}
