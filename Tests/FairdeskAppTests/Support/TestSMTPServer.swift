import Foundation
import NIOCore
import NIOPosix

/// A real SMTP server on a free local port for one test: it speaks the server side of RFC 5321
/// and keeps every message it accepts, or refuses every recipient when asked to.
final class TestSMTPServer: Sendable {
    struct Received: Sendable {
        var from: String
        var to: [String]
        /// The message as sent, dot-stuffing undone.
        var data: String
    }

    private actor Drop {
        var messages: [Received] = []
        func add(_ message: Received) { messages.append(message) }
    }

    let port: Int
    private let drop = Drop()
    private let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    let refuseRecipients: Bool

    var messages: [Received] { get async { await drop.messages } }

    private init(
        server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>, port: Int, refuseRecipients: Bool
    ) {
        self.server = server
        self.port = port
        self.refuseRecipients = refuseRecipients
    }

    static func start(refuseRecipients: Bool = false) async throws -> TestSMTPServer {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        let smtp = TestSMTPServer(
            server: server, port: server.channel.localAddress?.port ?? 0, refuseRecipients: refuseRecipients)
        Task {
            try await server.executeThenClose { connections in
                for try await connection in connections {
                    Task { try? await smtp.serve(connection) }
                }
            }
        }
        return smtp
    }

    func stop() async {
        try? await server.channel.close()
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async throws {
        try await connection.executeThenClose { inbound, outbound in
            func say(_ line: String) async throws { try await outbound.write(ByteBuffer(string: line + "\r\n")) }
            var pending = ""
            var iterator = inbound.makeAsyncIterator()
            func line() async throws -> String? {
                while true {
                    if let end = pending.range(of: "\r\n") {
                        let line = String(pending[..<end.lowerBound])
                        pending = String(pending[end.upperBound...])
                        return line
                    }
                    guard var buffer = try await iterator.next() else { return nil }
                    pending += buffer.readString(length: buffer.readableBytes) ?? ""
                }
            }
            try await say("220 test.localhost ESMTP ready")
            var from = ""
            var to: [String] = []
            while let command = try await line() {
                let verb = command.prefix(4).uppercased()
                switch verb {
                case "EHLO", "HELO": try await say("250-test.localhost\r\n250 8BITMIME")
                case "MAIL":
                    from = String(command.dropFirst("MAIL FROM:".count))
                    try await say("250 OK")
                case "RCPT":
                    if refuseRecipients {
                        try await say("550 5.1.1 No such mailbox here")
                    } else {
                        to.append(String(command.dropFirst("RCPT TO:".count)))
                        try await say("250 OK")
                    }
                case "DATA":
                    try await say("354 End data with <CR><LF>.<CR><LF>")
                    var lines: [String] = []
                    while let data = try await line(), data != "." {
                        lines.append(data.hasPrefix(".") ? String(data.dropFirst()) : data)
                    }
                    await drop.add(Received(from: from, to: to, data: lines.joined(separator: "\r\n")))
                    try await say("250 2.0.0 Queued")
                case "QUIT":
                    try await say("221 Bye")
                    return
                default: try await say("500 Unknown command")
                }
            }
        }
    }
}
