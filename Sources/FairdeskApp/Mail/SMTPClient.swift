import FairdeskCore
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where outgoing mail goes: an SMTP server (RFC 5321), read from `FAIRDESK_SMTP_URL` and the other
/// `FAIRDESK_SMTP_*` variables (see docs/configuration.md).
///
/// The connection is plain, upgraded with STARTTLS (RFC 3207) or TLS from the first byte (RFC 8314).
/// With a login, Fairdesk authenticates with AUTH PLAIN or LOGIN (RFC 4954). Certificates are checked
/// against the system's roots, or only the ones in `FAIRDESK_SMTP_CA_FILE`, and must name `host`.
struct SMTPSettings: Sendable, Equatable {
    /// How the connection to the mail server is protected.
    enum Security: Sendable, Equatable {
        /// No TLS: for a relay on the same host or a trusted network (`smtp://`, port 25).
        case plain
        /// Plain at first, then TLS after STARTTLS, which the server must offer (`smtp://…?tls=starttls`, port 587).
        case startTLS
        /// TLS from the first byte (`smtps://`, port 465).
        case implicitTLS

        /// The port when the URL names none.
        var defaultPort: Int {
            switch self {
            case .plain: 25
            case .startTLS: 587
            case .implicitTLS: 465
            }
        }
    }

    /// A login on the mail server. Descriptions, `dump` and logs never show the password.
    struct Login: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        var username: String
        var password: String

        var description: String { "\(username) (password hidden)" }
        var debugDescription: String { description }
        var customMirror: Mirror { Mirror(self, children: ["username": username, "password": "(hidden)"]) }
    }

    /// Why a setting was refused, as a rule the operator can follow; it never repeats a password.
    struct Invalid: Error {
        var rule: String
    }

    var host: String
    var port: Int
    /// The name Fairdesk gives itself in EHLO.
    var heloName: String
    var security: Security = .plain
    /// From `FAIRDESK_SMTP_USERNAME` and `FAIRDESK_SMTP_PASSWORD` (or `…_PASSWORD_FILE`); without
    /// one, Fairdesk does not log in.
    var login: Login? = nil
    /// The only certificates trusted, from `FAIRDESK_SMTP_CA_FILE`; nil trusts the system's roots.
    var trustedCertificates: [NIOSSLCertificate]? = nil

    /// What the settings page shows: the address, the protection and the login, never the password.
    var summary: String {
        let address =
            switch security {
            case .plain: "smtp://\(host):\(port)"
            case .startTLS: "smtp://\(host):\(port)?tls=starttls"
            case .implicitTLS: "smtps://\(host):\(port)"
            }
        return address + (login.map { ", logging in as \($0.username)" } ?? ", without a login")
    }

    /// Hosts a password may be sent to without TLS, as it never leaves the machine.
    static let loopbackHosts: Set<String> = ["localhost", "127.0.0.1", "::1"]

    /// Whether a login may go over this connection: with TLS, or in clear only to this machine.
    var protectsLogin: Bool { security != .plain || Self.loopbackHosts.contains(host.lowercased()) }

    /// Reads `smtp://host[:port]` (plain, port 25), `smtp://host[:port]?tls=starttls` (STARTTLS,
    /// port 587) or `smtps://host[:port]` (TLS, port 465). A user or password in the URL is refused:
    /// URLs get shown and logged, so credentials come from their own variables.
    static func parse(_ text: String) throws(Invalid) -> SMTPSettings {
        let forms =
            "must look like smtp://host[:port] (plain SMTP, port 25), smtp://host[:port]?tls=starttls (STARTTLS, "
            + "port 587) or smtps://host[:port] (TLS, port 465)"
        // A value with "@" may hold a password, so it is not repeated.
        let got = text.contains("@") ? "" : " (got \"\(text)\")"
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
            ["smtp", "smtps"].contains(scheme)
        else { throw Invalid(rule: forms + got) }
        guard url.user == nil, url.password == nil else {
            throw Invalid(
                rule: "must not hold a user or password, as the URL is shown and logged: set FAIRDESK_SMTP_USERNAME "
                    + "and FAIRDESK_SMTP_PASSWORD (or FAIRDESK_SMTP_PASSWORD_FILE) instead")
        }
        var host = url.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, url.path.isEmpty || url.path == "/", url.fragment == nil else {
            throw Invalid(rule: forms + got)
        }
        var security: Security = scheme == "smtps" ? .implicitTLS : .plain
        if let query = url.query {
            guard scheme == "smtp", query.lowercased() == "tls=starttls" else {
                throw Invalid(
                    rule: "may only end in ?tls=starttls, and only with smtp:// (smtps:// is TLS from the start)"
                        + got)
            }
            security = .startTLS
        }
        let port = url.port ?? security.defaultPort
        guard (1...65535).contains(port) else { throw Invalid(rule: "must have a port from 1 to 65535" + got) }
        return SMTPSettings(host: host, port: port, heloName: "fairdesk.localhost", security: security)
    }

    /// Trusts only the certificates in a PEM file (a private relay's CA, or its own certificate).
    mutating func trust(pemFile path: String) throws(Invalid) {
        let certificates = try? NIOSSLCertificate.fromPEMFile(path)
        guard let certificates, !certificates.isEmpty else {
            throw Invalid(
                rule: "must name a readable PEM file with one or more certificates (-----BEGIN CERTIFICATE-----) "
                    + "(got \"\(path)\")")
        }
        trustedCertificates = certificates
    }
}

/// Something that hands finished messages to the outside world.
protocol MailTransport: Sendable {
    func deliver(_ message: MailMessage) async throws
}

/// Why a mail server would not take a message. `permanent` (a 5xx reply) means trying again
/// will not help; anything else is worth another attempt later.
///
/// When Fairdesk itself stops (no STARTTLS offered, no login method it speaks) the code is 530, as
/// a server uses for "encryption or authentication required"; a failed TLS handshake is 421.
struct SMTPError: Error, CustomStringConvertible {
    var stage: String
    var code: Int
    var reply: String
    /// Said instead of the bare reply when Fairdesk knows what it means and what to do about it.
    var explanation: String? = nil

    var permanent: Bool { code >= 500 }
    var description: String { explanation ?? "the mail server answered \(stage) with \(code) \(reply)" }
}

/// A small SMTP client: one connection per message; EHLO (falling back to HELO), STARTTLS when
/// asked, AUTH PLAIN or LOGIN when there is a login, MAIL FROM, RCPT TO, DATA with dot-stuffing,
/// QUIT. Every wait is bounded by `timeout`. No password is ever logged or put in an error.
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
        let tls = settings.security == .plain ? nil : try makeTLSContext()
        let connection = try await Connection.open(
            settings, group: group, tls: settings.security == .implicitTLS ? tls : nil)
        // Closing the channel fails whatever read is waiting, so the timeout ends the conversation.
        try await withTaskCancellationHandler {
            do {
                try await converse(connection, tls: tls, message: message)
                connection.close()
            } catch {
                connection.close()
                throw explained(error)
            }
        } onCancel: {
            connection.close()
        }
    }

    private func converse(_ connection: Connection, tls: NIOSSLContext?, message: MailMessage) async throws {
        _ = try await connection.command(nil, expect: [220], stage: "the greeting")
        var extensions = try await hello(connection)
        if settings.security == .startTLS, let tls {
            guard extensions["STARTTLS"] != nil else {
                throw SMTPError(
                    stage: "EHLO", code: 530, reply: "no STARTTLS offered",
                    explanation: "the mail server \(settings.host):\(settings.port) does not offer STARTTLS, which "
                        + "FAIRDESK_SMTP_URL requires (?tls=starttls): nothing was sent")
            }
            _ = try await connection.command("STARTTLS", expect: [220], stage: "STARTTLS")
            try await connection.startTLS(tls, host: settings.host)
            // What the server said before TLS could have been forged on the way (RFC 3207 §4.2).
            extensions = try await hello(connection)
        }
        if let login = settings.login {
            try await logIn(login, methods: extensions["AUTH"] ?? [], on: connection)
        }
        _ = try await connection.command("MAIL FROM:<\(message.from.address)>", expect: [250], stage: "MAIL FROM")
        _ = try await connection.command("RCPT TO:<\(message.to.address)>", expect: [250, 251], stage: "RCPT TO")
        _ = try await connection.command("DATA", expect: [354], stage: "DATA")
        _ = try await connection.command(
            Self.dotStuffed(message.rendered) + ".", expect: [250], stage: "the end of the message")
        _ = try? await connection.command("QUIT", expect: [221], stage: "QUIT")
    }

    /// EHLO, or HELO for a server that refuses it; returns the extensions the server named.
    private func hello(_ connection: Connection) async throws -> [String: [String]] {
        do {
            let reply = try await connection.command("EHLO \(settings.heloName)", expect: [250], stage: "EHLO")
            return Self.extensions(in: reply)
        } catch let error as SMTPError where error.permanent {
            _ = try await connection.command("HELO \(settings.heloName)", expect: [250], stage: "HELO")
            return [:]
        }
    }

    /// AUTH PLAIN when offered (one round trip), else AUTH LOGIN. 235 means logged in.
    private func logIn(_ login: SMTPSettings.Login, methods: [String], on connection: Connection) async throws {
        func refused(_ reply: Reply, _ method: String) -> SMTPError {
            let answer = "\(reply.code) \(reply.text)"
            return SMTPError(
                stage: "AUTH \(method)", code: reply.code, reply: reply.text,
                explanation: reply.code >= 500
                    ? "the mail server refused the login as \"\(login.username)\" (\(answer)): check "
                        + "FAIRDESK_SMTP_USERNAME and FAIRDESK_SMTP_PASSWORD (or FAIRDESK_SMTP_PASSWORD_FILE)"
                    : "the mail server could not take the login as \"\(login.username)\" for now (\(answer))")
        }
        func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
        if methods.contains("PLAIN") {
            let token = base64([0] + Array(login.username.utf8) + [0] + Array(login.password.utf8))
            let reply = try await connection.command("AUTH PLAIN \(token)")
            guard reply.code == 235 else { throw refused(reply, "PLAIN") }
        } else if methods.contains("LOGIN") {
            for (line, expected) in [
                ("AUTH LOGIN", 334), (base64(Array(login.username.utf8)), 334),
                (base64(Array(login.password.utf8)), 235),
            ] {
                let reply = try await connection.command(line)
                guard reply.code == expected else { throw refused(reply, "LOGIN") }
            }
        } else {
            throw SMTPError(
                stage: "EHLO", code: 530, reply: "AUTH \(methods.joined(separator: " "))",
                explanation: methods.isEmpty
                    ? "the mail server offers no login (no AUTH after EHLO), but FAIRDESK_SMTP_USERNAME is set: "
                        + "nothing was sent"
                    : "the mail server offers logins by \(methods.joined(separator: ", ")) only; Fairdesk speaks "
                        + "AUTH PLAIN and LOGIN: nothing was sent")
        }
    }

    /// Certificates are verified, and must name the host (or its IP address).
    private func makeTLSContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let certificates = settings.trustedCertificates {
            configuration.trustRoots = .certificates(certificates)
        }
        return try NIOSSLContext(configuration: configuration)
    }

    /// A failed TLS handshake, told so an admin can act on it; other errors as they are.
    private func explained(_ error: any Error) -> any Error {
        guard error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError else { return error }
        let trusted =
            settings.trustedCertificates == nil ? "by the system's roots" : "by FAIRDESK_SMTP_CA_FILE"
        return SMTPError(
            stage: "the TLS handshake", code: 421, reply: "\(error)",
            explanation: "TLS with the mail server \(settings.host):\(settings.port) failed (\(error)): its "
                + "certificate must be trusted \(trusted) and name \(settings.host); nothing was sent")
    }

    /// The message as DATA carries it: every line that starts with "." gets another (RFC 5321 §4.5.2).
    static func dotStuffed(_ rendered: String) -> String {
        rendered.components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
    }

    /// The extensions named in an EHLO reply, upper-cased, with their parameters:
    /// `["STARTTLS": [], "AUTH": ["PLAIN", "LOGIN"]]`. The old form `AUTH=LOGIN` counts too.
    static func extensions(in reply: Reply) -> [String: [String]] {
        var extensions: [String: [String]] = [:]
        for line in reply.lines.dropFirst() {
            let words = line.uppercased().split(whereSeparator: { $0 == " " || $0 == "=" }).map(String.init)
            guard let keyword = words.first else { continue }
            extensions[keyword, default: []] += words.dropFirst()
        }
        return extensions
    }

    /// One reply, which may have spanned several lines.
    struct Reply: Sendable {
        var code: Int
        var lines: [String]
        var text: String { lines.joined(separator: " ") }
    }

    /// One connection to the mail server: sends commands, waits for whole replies, and starts TLS
    /// in place for STARTTLS.
    ///
    /// It reads through a channel handler, not `NIOAsyncChannel`, so that the TLS handler can go in
    /// front of it mid-conversation with every byte accounted for.
    private struct Connection: Sendable {
        let channel: any Channel
        let reader: NIOLoopBound<ReplyReader>

        static func open(_ settings: SMTPSettings, group: any EventLoopGroup, tls: NIOSSLContext?) async throws
            -> Connection
        {
            try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(5))
                .connect(host: settings.host, port: settings.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(
                                NIOSSLClientHandler(context: tls, serverHostname: Self.serverName(settings.host)))
                        }
                        let reader = ReplyReader(eventLoop: channel.eventLoop)
                        try channel.pipeline.syncOperations.addHandler(reader)
                        return Connection(channel: channel, reader: NIOLoopBound(reader, eventLoop: channel.eventLoop))
                    }
                }
        }

        /// The name TLS checks the certificate against; nil for an IP address, which NIOSSL then
        /// checks against the address it connected to.
        static func serverName(_ host: String) -> String? {
            (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
        }

        /// Sends a line (unless nil) and waits for the reply.
        func command(_ line: String?) async throws -> Reply {
            if let line { channel.writeAndFlush(ByteBuffer(string: line + "\r\n"), promise: nil) }
            return try await channel.eventLoop.flatSubmit { [reader] in reader.value.next() }.get()
        }

        /// Sends a line (unless nil) and throws unless the reply has one of the codes.
        func command(_ line: String?, expect codes: Set<Int>, stage: String) async throws -> Reply {
            let reply = try await command(line)
            guard codes.contains(reply.code) else { throw SMTPError(stage: stage, code: reply.code, reply: reply.text) }
            return reply
        }

        /// Puts TLS in front of the reader, after the server's 220 to STARTTLS. Anything the
        /// server sent after that reply came in clear and may have been injected, so it is refused.
        func startTLS(_ context: NIOSSLContext, host: String) async throws {
            try await channel.eventLoop.submit { [channel, reader] in
                guard reader.value.isIdle else {
                    throw SMTPError(
                        stage: "STARTTLS", code: 421, reply: "data after 220",
                        explanation: "the mail server sent more after agreeing to STARTTLS, before TLS began: "
                            + "refused, as it may have been injected on the way; nothing was sent")
                }
                try channel.pipeline.syncOperations.addHandler(
                    NIOSSLClientHandler(context: context, serverHostname: Self.serverName(host)), position: .first)
            }.get()
        }

        func close() {
            channel.close(promise: nil)
        }
    }

    /// Collects SMTP replies as they arrive ("250-…" continues a reply, "250 …" ends it) and hands
    /// them out one at a time. Used on its channel's event loop only.
    final class ReplyReader: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        private let eventLoop: any EventLoop
        private var received = ByteBuffer()
        private var lines: [String] = []
        private var replies = CircularBuffer<Reply>()
        private var waiting: EventLoopPromise<Reply>?
        private var failure: (any Error)?

        init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

        /// Nothing has arrived that was not handed out yet.
        var isIdle: Bool { received.readableBytes == 0 && lines.isEmpty && replies.isEmpty }

        /// The next reply, or the error that ended the connection.
        func next() -> EventLoopFuture<Reply> {
            if let reply = replies.popFirst() { return eventLoop.makeSucceededFuture(reply) }
            if let failure { return eventLoop.makeFailedFuture(failure) }
            let promise = eventLoop.makePromise(of: Reply.self)
            waiting = promise
            return promise.futureResult
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            received.writeBuffer(&bytes)
            while let end = received.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                var line = received.readString(length: end - received.readerIndex) ?? ""
                received.moveReaderIndex(forwardBy: 1)
                if line.hasSuffix("\r") { line.removeLast() }
                guard line.utf8.count >= 3, let code = Int(line.prefix(3)) else {
                    fail(SMTPError(stage: "with an unreadable reply", code: 421, reply: String(line.prefix(200))))
                    context.close(promise: nil)
                    return
                }
                lines.append(String(line.dropFirst(4)))
                if line.dropFirst(3).first != "-" {
                    deliver(Reply(code: code, lines: lines))
                    lines = []
                }
            }
            received.discardReadBytes()
            if received.readableBytes > 64 * 1024 {
                fail(SMTPError(stage: "with an unreadable reply", code: 421, reply: "a line longer than 64 KiB"))
                context.close(promise: nil)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            fail(error)
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            fail(SMTPError(stage: "before its reply ended", code: 421, reply: "connection closed"))
            context.fireChannelInactive()
        }

        private func deliver(_ reply: Reply) {
            if let waiting {
                self.waiting = nil
                waiting.succeed(reply)
            } else {
                replies.append(reply)
            }
        }

        /// The first error is the one that explains the rest.
        private func fail(_ error: any Error) {
            if failure == nil { failure = error }
            if let waiting, let failure {
                self.waiting = nil
                waiting.fail(failure)
            }
        }
    }
}
