import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A real SMTP server on a free local port for one test: it speaks the server side of RFC 5321
/// and keeps every message it accepts, or refuses every recipient when asked to.
///
/// It can also offer STARTTLS or speak TLS from the first byte, and require a login by AUTH PLAIN
/// or LOGIN. Each message records whether it came over TLS and as which user.
final class TestSMTPServer: Sendable {
    struct Received: Sendable {
        var from: String
        var to: [String]
        /// The message as sent, dot-stuffing undone.
        var data: String
        var overTLS: Bool = false
        /// Who had logged in, if anyone.
        var user: String? = nil
    }

    /// A command as the server saw it: the verb only, as AUTH lines carry credentials.
    struct Command: Sendable, Equatable {
        var verb: String
        var overTLS: Bool
    }

    /// How the server speaks TLS, with the certificate and key it presents.
    enum TLS: Sendable {
        /// Plain at first; EHLO offers STARTTLS.
        case startTLS(NIOSSLContext)
        /// TLS from the first byte, like port 465.
        case implicit(NIOSSLContext)
    }

    /// The one account the server accepts, and the login methods it names after EHLO.
    struct Account: Sendable {
        var user: String
        var password: String
        var methods: [String] = ["PLAIN", "LOGIN"]
    }

    /// Everything the server saw, written on its event loops and read by the test.
    private final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var messages: [Received] = []
        private var commands: [Command] = []

        func add(_ message: Received) { lock.withLock { messages.append(message) } }
        func add(_ command: Command) { lock.withLock { commands.append(command) } }
        var allMessages: [Received] { lock.withLock { messages } }
        var allCommands: [Command] { lock.withLock { commands } }
    }

    /// What the server offers and accepts.
    private struct Options: Sendable {
        var refuseRecipients: Bool
        var tls: TLS?
        var account: Account?
        var injectAfterStartTLS: Bool
    }

    let port: Int
    private let log: Log
    private let channel: any Channel

    var messages: [Received] { get async { log.allMessages } }
    var commands: [Command] { get async { log.allCommands } }

    private init(channel: any Channel, log: Log) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        self.log = log
    }

    /// `injectAfterStartTLS`: a line in clear right after the 220 to STARTTLS, as an attacker on
    /// the way might add.
    static func start(
        refuseRecipients: Bool = false, tls: TLS? = nil, account: Account? = nil, injectAfterStartTLS: Bool = false
    ) async throws -> TestSMTPServer {
        let options = Options(
            refuseRecipients: refuseRecipients, tls: tls, account: account, injectAfterStartTLS: injectAfterStartTLS)
        let log = Log()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    if case .implicit(let context) = options.tls {
                        try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    }
                    try child.pipeline.syncOperations.addHandler(Session(options: options, log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TestSMTPServer(channel: channel, log: log)
    }

    func stop() async {
        try? await channel.close()
    }

    /// One SMTP conversation, driven line by line on the connection's event loop, so STARTTLS can
    /// put TLS in front of it between two lines.
    private final class Session: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        enum Expecting {
            case command
            case data([String])
            case plainResponse
            case loginUser
            case loginPassword(user: String)
        }

        let options: Options
        let log: Log
        var overTLS: Bool
        var pending = ""
        var expecting = Expecting.command
        var from = ""
        var to: [String] = []
        var user: String?

        init(options: Options, log: Log) {
            self.options = options
            self.log = log
            if case .implicit = options.tls { overTLS = true } else { overTLS = false }
        }

        func channelActive(context: ChannelHandlerContext) {
            say("220 test.localhost ESMTP ready", context)
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            pending += buffer.readString(length: buffer.readableBytes) ?? ""
            while let end = pending.range(of: "\r\n") {
                let line = String(pending[..<end.lowerBound])
                pending = String(pending[end.upperBound...])
                handle(line, context)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }

        private func say(_ line: String, _ context: ChannelHandlerContext) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: line + "\r\n")), promise: nil)
        }

        private func handle(_ line: String, _ context: ChannelHandlerContext) {
            switch expecting {
            case .data(var lines):
                if line == "." {
                    expecting = .command
                    log.add(
                        Received(
                            from: from, to: to, data: lines.joined(separator: "\r\n"), overTLS: overTLS, user: user))
                    say("250 2.0.0 Queued", context)
                } else {
                    lines.append(line.hasPrefix(".") ? String(line.dropFirst()) : line)
                    expecting = .data(lines)
                }
                return
            case .plainResponse:
                expecting = .command
                checkPlain(line, context)
                return
            case .loginUser:
                expecting = .loginPassword(user: Self.decoded(line))
                say("334 UGFzc3dvcmQ6", context)
                return
            case .loginPassword(let name):
                expecting = .command
                check(name, Self.decoded(line), context)
                return
            case .command: break
            }
            let verb = String(line.prefix(while: { $0 != " " })).uppercased()
            log.add(Command(verb: verb, overTLS: overTLS))
            switch verb {
            case "EHLO", "HELO":
                var lines = ["250-test.localhost"]
                if case .startTLS = options.tls, !overTLS { lines.append("250-STARTTLS") }
                if let account = options.account { lines.append("250-AUTH " + account.methods.joined(separator: " ")) }
                lines.append("250 8BITMIME")
                say(lines.joined(separator: "\r\n"), context)
            case "STARTTLS":
                guard case .startTLS(let tls) = options.tls, !overTLS else {
                    say("502 5.5.1 STARTTLS not offered", context)
                    return
                }
                say(
                    "220 2.0.0 Ready to start TLS" + (options.injectAfterStartTLS ? "\r\n250 2.0.0 injected" : ""),
                    context)
                // Forget everything said in clear (RFC 3207 §4.2), then speak TLS.
                pending = ""
                user = nil
                overTLS = true
                _ = try? context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
            case "AUTH":
                let words = line.split(separator: " ").map(String.init)
                let method = words.count > 1 ? words[1].uppercased() : ""
                guard let account = options.account, account.methods.contains(method) else {
                    say("504 5.5.4 Unrecognized authentication type", context)
                    return
                }
                if method == "PLAIN" {
                    if words.count > 2 {
                        checkPlain(words[2], context)
                    } else {
                        expecting = .plainResponse
                        say("334 ", context)
                    }
                } else {
                    expecting = .loginUser
                    say("334 VXNlcm5hbWU6", context)
                }
            case "MAIL":
                if options.account != nil, user == nil {
                    say("530 5.7.0 Authentication required", context)
                    return
                }
                from = String(line.dropFirst("MAIL FROM:".count))
                to = []
                say("250 OK", context)
            case "RCPT":
                if options.refuseRecipients {
                    say("550 5.1.1 No such mailbox here", context)
                } else {
                    to.append(String(line.dropFirst("RCPT TO:".count)))
                    say("250 OK", context)
                }
            case "DATA":
                expecting = .data([])
                say("354 End data with <CR><LF>.<CR><LF>", context)
            case "QUIT":
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "221 Bye\r\n"))).whenComplete { _ in
                    context.close(promise: nil)
                }
            default: say("500 Unknown command", context)
            }
        }

        private func checkPlain(_ token: String, _ context: ChannelHandlerContext) {
            let parts = Self.decoded(token).split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3 else {
                say("501 5.5.2 Cannot decode response", context)
                return
            }
            check(parts[1], parts[2], context)
        }

        private func check(_ name: String, _ password: String, _ context: ChannelHandlerContext) {
            if let account = options.account, name == account.user, password == account.password {
                user = name
                say("235 2.7.0 Authentication successful", context)
            } else {
                say("535 5.7.8 Authentication credentials invalid", context)
            }
        }

        private static func decoded(_ base64: String) -> String {
            Data(base64Encoded: base64).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }
}

/// A throw-away self-signed certificate and key, made by `openssl` in a temporary folder that
/// `remove()` deletes: no key is ever kept in the repository.
struct TestCertificate {
    struct OpenSSLMissing: Error, CustomStringConvertible {
        var description: String {
            "the TLS tests make a throw-away certificate with the openssl command, which is not on PATH: "
                + "install it (apt-get install openssl, brew install openssl)"
        }
    }

    struct OpenSSLFailed: Error, CustomStringConvertible {
        var status: Int32
        var output: String
        var description: String { "openssl could not make a test certificate (exit \(status)): \(output)" }
    }

    let folder: URL
    var certificatePath: String { folder.appendingPathComponent("cert.pem").path }
    var keyPath: String { folder.appendingPathComponent("key.pem").path }

    /// A certificate for `names` (DNS names or IP addresses), valid for a day.
    static func make(names: [String] = ["localhost", "127.0.0.1"]) throws -> TestCertificate {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard
            let openssl = path.split(separator: ":").map({
                URL(fileURLWithPath: String($0)).appendingPathComponent("openssl")
            })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) })
        else { throw OpenSSLMissing() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fairdesk-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let certificate = TestCertificate(folder: folder)
        let alternativeNames = names.map { ($0.first?.isNumber == true || $0.contains(":") ? "IP:" : "DNS:") + $0 }
        let process = Process()
        process.executableURL = openssl
        process.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(names[0])",
            "-addext", "subjectAltName=" + alternativeNames.joined(separator: ","), "-days", "1",
            "-keyout", certificate.keyPath, "-out", certificate.certificatePath,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            certificate.remove()
            throw OpenSSLFailed(status: process.terminationStatus, output: text)
        }
        return certificate
    }

    /// The server side: this certificate and its key.
    func serverContext() throws -> NIOSSLContext {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificatePath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
        return try NIOSSLContext(configuration: configuration)
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}
