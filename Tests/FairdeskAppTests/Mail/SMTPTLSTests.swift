import FairdeskCore
import Foundation
import NIOPosix
import Testing

@testable import FairdeskApp

@Suite("SMTP with TLS and a login")
struct SMTPTLSTests {
    static let account = TestSMTPServer.Account(user: "fairdesk", password: "correct horse battery")

    static func message() -> MailMessage {
        MailMessage(
            from: MailAddress(name: "Help", address: "help@example.com"),
            to: MailAddress(name: "Cara Customer", address: "cara@example.com"), subject: "Your case",
            text: "We have sent the replacement.", messageID: "<1@example.com>",
            date: Date(timeIntervalSince1970: 1_750_000_000))
    }

    static func deliver(_ settings: SMTPSettings) async throws {
        try await SMTPClient(settings: settings, group: MultiThreadedEventLoopGroup.singleton, timeout: .seconds(10))
            .deliver(message())
    }

    /// Delivers, expecting an `SMTPError`, and returns it.
    static func refusal(_ settings: SMTPSettings) async throws -> SMTPError {
        do {
            try await deliver(settings)
        } catch let error as SMTPError {
            return error
        }
        Issue.record("the message was delivered")
        return SMTPError(stage: "", code: 0, reply: "")
    }

    @Test("STARTTLS and AUTH PLAIN, configured from the environment: the message arrives over TLS as the user")
    func startTLSWithPlainLogin() async throws {
        // setup
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        let smtp = try await TestSMTPServer.start(
            tls: .startTLS(certificate.serverContext()), account: Self.account)
        let passwordFile = certificate.folder.appendingPathComponent("password").path
        try (Self.account.password + "\n").write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let config = try FairdeskConfig.fromEnvironment([
            "FAIRDESK_SMTP_URL": "smtp://127.0.0.1:\(smtp.port)?tls=starttls",
            "FAIRDESK_SMTP_USERNAME": Self.account.user, "FAIRDESK_SMTP_PASSWORD_FILE": passwordFile,
            "FAIRDESK_SMTP_CA_FILE": certificate.certificatePath, "FAIRDESK_MAIL_FROM": "help@example.com",
        ])
        let settings = try #require(config.smtp)
        #expect(settings.security == .startTLS)
        #expect(settings.login?.password == Self.account.password)

        // MUT
        try await Self.deliver(settings)

        // validate
        let received = try #require(await smtp.messages.first)
        #expect(received.overTLS)
        #expect(received.user == "fairdesk")
        #expect(received.to == ["<cara@example.com>"])
        #expect(received.data.contains("Subject: Your case"))
        // Only EHLO and STARTTLS went in clear; the login came after TLS began.
        let commands = await smtp.commands
        #expect(commands.filter { !$0.overTLS }.map(\.verb) == ["EHLO", "STARTTLS"])
        #expect(commands.filter(\.overTLS).map(\.verb).prefix(4) == ["EHLO", "AUTH", "MAIL", "RCPT"])
        await smtp.stop()
    }

    @Test("TLS from the first byte (smtps) and AUTH LOGIN, the host checked by name")
    func implicitTLSWithLogin() async throws {
        // setup
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        var account = Self.account
        account.methods = ["LOGIN"]
        let smtp = try await TestSMTPServer.start(tls: .implicit(certificate.serverContext()), account: account)
        var settings = try SMTPSettings.parse("smtps://localhost:\(smtp.port)")
        settings.login = SMTPSettings.Login(username: account.user, password: account.password)
        try settings.trust(pemFile: certificate.certificatePath)

        // MUT
        try await Self.deliver(settings)

        // validate
        let received = try #require(await smtp.messages.first)
        #expect(received.overTLS)
        #expect(received.user == "fairdesk")
        #expect(await smtp.commands.allSatisfy(\.overTLS))
        await smtp.stop()
    }

    @Test("a wrong password is a permanent error that says the login was refused, without the password")
    func wrongPassword() async throws {
        // setup
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        // AUTH PLAIN after STARTTLS, AUTH LOGIN over smtps.
        for (url, methods) in [
            ("smtp://127.0.0.1:%d?tls=starttls", ["PLAIN", "LOGIN"]), ("smtps://127.0.0.1:%d", ["LOGIN"]),
        ] {
            var account = Self.account
            account.methods = methods
            let context = try certificate.serverContext()
            let smtp = try await TestSMTPServer.start(
                tls: url.hasPrefix("smtps") ? .implicit(context) : .startTLS(context), account: account)
            var settings = try SMTPSettings.parse(String(format: url, smtp.port))
            settings.login = SMTPSettings.Login(username: "fairdesk", password: "wrong password 123")
            try settings.trust(pemFile: certificate.certificatePath)

            // MUT
            let error = try await Self.refusal(settings)

            // validate
            #expect(error.permanent)
            #expect(error.code == 535)
            #expect(error.description.contains(#"the mail server refused the login as "fairdesk" (535"#))
            #expect(error.description.contains("FAIRDESK_SMTP_PASSWORD"))
            #expect(!error.description.contains("wrong password 123"))
            #expect(!"\(settings)".contains("wrong password 123"))
            #expect(await smtp.messages.isEmpty)
            await smtp.stop()
        }
    }

    @Test("a server without STARTTLS, when STARTTLS is required, gets nothing in clear")
    func startTLSNotOffered() async throws {
        // setup: the server would even take a login in clear.
        let smtp = try await TestSMTPServer.start(account: Self.account)
        var settings = try SMTPSettings.parse("smtp://127.0.0.1:\(smtp.port)?tls=starttls")
        settings.login = SMTPSettings.Login(username: Self.account.user, password: Self.account.password)

        // MUT
        let error = try await Self.refusal(settings)

        // validate
        #expect(error.permanent)
        #expect(error.description.contains("does not offer STARTTLS, which FAIRDESK_SMTP_URL requires"))
        #expect(await smtp.commands.map(\.verb) == ["EHLO"])
        #expect(await smtp.messages.isEmpty)
        await smtp.stop()
    }

    @Test("a reply slipped in after STARTTLS's 220, in clear, is refused before TLS begins")
    func injectedAfterStartTLS() async throws {
        // setup
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        let smtp = try await TestSMTPServer.start(
            tls: .startTLS(certificate.serverContext()), account: Self.account, injectAfterStartTLS: true)
        var settings = try SMTPSettings.parse("smtp://127.0.0.1:\(smtp.port)?tls=starttls")
        settings.login = SMTPSettings.Login(username: Self.account.user, password: Self.account.password)
        try settings.trust(pemFile: certificate.certificatePath)

        // MUT
        let error = try await Self.refusal(settings)

        // validate
        #expect(error.description.contains("sent more after agreeing to STARTTLS"))
        #expect(await smtp.commands.map(\.verb) == ["EHLO", "STARTTLS"])
        #expect(await smtp.messages.isEmpty)
        await smtp.stop()
    }

    @Test("a certificate that is not trusted, or names another host, is refused")
    func untrustedCertificate() async throws {
        // setup
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        let elsewhere = try TestCertificate.make(names: ["mail.example.com"])
        defer { elsewhere.remove() }
        for (served, trusted, url) in [
            // The system's roots do not know a self-signed certificate.
            (certificate, nil, "smtp://127.0.0.1:%d?tls=starttls"),
            (certificate, nil, "smtps://localhost:%d"),
            // Trusted, but made out to mail.example.com, not the host connected to.
            (elsewhere, elsewhere, "smtps://127.0.0.1:%d"),
            (elsewhere, elsewhere, "smtp://localhost:%d?tls=starttls"),
        ] as [(TestCertificate, TestCertificate?, String)] {
            let context = try served.serverContext()
            let smtp = try await TestSMTPServer.start(
                tls: url.hasPrefix("smtps") ? .implicit(context) : .startTLS(context), account: Self.account)
            var settings = try SMTPSettings.parse(String(format: url, smtp.port))
            settings.login = SMTPSettings.Login(username: Self.account.user, password: Self.account.password)
            if let trusted { try settings.trust(pemFile: trusted.certificatePath) }

            // MUT
            let error = try await Self.refusal(settings)

            // validate
            #expect(error.description.contains("TLS with the mail server"), "\(url): \(error)")
            #expect(error.description.contains("nothing was sent"))
            #expect(!error.permanent)
            #expect(await smtp.messages.isEmpty)
            #expect(!(await smtp.commands).contains { $0.verb == "AUTH" || $0.verb == "MAIL" })
            await smtp.stop()
        }
    }

    @Test("configuration: the three URL forms, their default ports, and a login with TLS")
    func configurationForms() throws {
        func smtp(_ env: [String: String]) throws -> SMTPSettings? { try FairdeskConfig.fromEnvironment(env).smtp }

        let plain = try #require(try smtp(["FAIRDESK_SMTP_URL": "smtp://mail.internal"]))
        #expect((plain.host, plain.port, plain.security) == ("mail.internal", 25, .plain))
        #expect(plain.login == nil)
        #expect(plain.trustedCertificates == nil)
        let startTLS = try #require(try smtp(["FAIRDESK_SMTP_URL": "smtp://mail.example.com?tls=starttls"]))
        #expect((startTLS.port, startTLS.security) == (587, .startTLS))
        #expect(try smtp(["FAIRDESK_SMTP_URL": "smtp://mail.example.com:2587/?tls=starttls"])?.port == 2587)
        let implicit = try #require(try smtp(["FAIRDESK_SMTP_URL": "smtps://mail.example.com"]))
        #expect((implicit.port, implicit.security) == (465, .implicitTLS))
        #expect(try smtp(["FAIRDESK_SMTP_URL": "smtps://mail.example.com:4650"])?.port == 4650)

        let login = try #require(
            try smtp([
                "FAIRDESK_SMTP_URL": "smtp://mail.example.com:587?tls=starttls",
                "FAIRDESK_SMTP_USERNAME": "fairdesk", "FAIRDESK_SMTP_PASSWORD": "p4ss word",
            ]))
        #expect(login.login == SMTPSettings.Login(username: "fairdesk", password: "p4ss word"))
        // The password never shows, however the settings are printed.
        #expect(!"\(login)".contains("p4ss"))
        #expect(!String(reflecting: login).contains("p4ss"))
        var dumped = ""
        dump(login, to: &dumped)
        #expect(!dumped.contains("p4ss"))
        // A login in clear is fine to a relay on this machine.
        for host in ["localhost", "127.0.0.1", "[::1]"] {
            let local = try smtp([
                "FAIRDESK_SMTP_URL": "smtp://\(host):25", "FAIRDESK_SMTP_USERNAME": "fairdesk",
                "FAIRDESK_SMTP_PASSWORD": "secret",
            ])
            #expect(local?.login?.username == "fairdesk", "\(host)")
        }
    }

    @Test("configuration: a password file, and a CA file that must hold certificates")
    func configurationFiles() throws {
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        let passwordFile = certificate.folder.appendingPathComponent("password").path
        try "from a file\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let config = try FairdeskConfig.fromEnvironment([
            "FAIRDESK_SMTP_URL": "smtps://mail.example.com", "FAIRDESK_SMTP_USERNAME": "fairdesk",
            "FAIRDESK_SMTP_PASSWORD_FILE": passwordFile, "FAIRDESK_SMTP_CA_FILE": certificate.certificatePath,
        ])
        #expect(config.smtp?.login?.password == "from a file")
        #expect(config.smtp?.trustedCertificates?.count == 1)

        // A key is not a certificate; a missing file is not either.
        for path in [certificate.keyPath, certificate.folder.appendingPathComponent("missing.pem").path] {
            let problem = Self.problem([
                "FAIRDESK_SMTP_URL": "smtps://mail.example.com", "FAIRDESK_SMTP_CA_FILE": path,
            ])
            #expect(problem?.variable == "FAIRDESK_SMTP_CA_FILE")
            #expect(problem?.rule.contains("PEM file with one or more certificates") == true)
        }
        let missing = Self.problem([
            "FAIRDESK_SMTP_URL": "smtps://mail.example.com", "FAIRDESK_SMTP_USERNAME": "fairdesk",
            "FAIRDESK_SMTP_PASSWORD_FILE": "/nonexistent/smtp-password",
        ])
        #expect(missing?.variable == "FAIRDESK_SMTP_PASSWORD_FILE")
        #expect(missing?.description.contains("/nonexistent/smtp-password") == true)
    }

    @Test("configuration: a wrong SMTP setting stops the start, naming the variable and the rule")
    func configurationErrors() {
        let cases: [([String: String], String, String)] = [
            (
                ["FAIRDESK_SMTP_URL": "smtp://fairdesk:hunter2hunter2@mail.example.com:587?tls=starttls"],
                "FAIRDESK_SMTP_URL", "set FAIRDESK_SMTP_USERNAME and FAIRDESK_SMTP_PASSWORD"
            ),
            (["FAIRDESK_SMTP_URL": "smtp://fairdesk@mail.example.com"], "FAIRDESK_SMTP_URL", "FAIRDESK_SMTP_USERNAME"),
            (["FAIRDESK_SMTP_URL": "http://mail.example.com"], "FAIRDESK_SMTP_URL", "smtps://host[:port]"),
            (["FAIRDESK_SMTP_URL": "smtp://mail.example.com?tls=yes"], "FAIRDESK_SMTP_URL", "?tls=starttls"),
            (["FAIRDESK_SMTP_URL": "smtps://mail.example.com?tls=starttls"], "FAIRDESK_SMTP_URL", "only with smtp://"),
            (["FAIRDESK_SMTP_URL": "smtp://mail.example.com/relay"], "FAIRDESK_SMTP_URL", "smtp://host[:port]"),
            (
                [
                    "FAIRDESK_SMTP_URL": "smtp://mail.example.com", "FAIRDESK_SMTP_USERNAME": "fairdesk",
                    "FAIRDESK_SMTP_PASSWORD": "hunter2hunter2",
                ],
                "FAIRDESK_SMTP_URL", "allowed only to localhost, 127.0.0.1 or ::1"
            ),
            (
                ["FAIRDESK_SMTP_URL": "smtps://mail.example.com", "FAIRDESK_SMTP_USERNAME": "fairdesk"],
                "FAIRDESK_SMTP_PASSWORD", "must be set when FAIRDESK_SMTP_USERNAME is"
            ),
            (
                ["FAIRDESK_SMTP_URL": "smtps://mail.example.com", "FAIRDESK_SMTP_PASSWORD": "hunter2hunter2"],
                "FAIRDESK_SMTP_USERNAME", "must be set when a password is"
            ),
            (
                [
                    "FAIRDESK_SMTP_URL": "smtps://mail.example.com", "FAIRDESK_SMTP_USERNAME": "fairdesk",
                    "FAIRDESK_SMTP_PASSWORD": "hunter2hunter2", "FAIRDESK_SMTP_PASSWORD_FILE": "/run/secrets/smtp",
                ],
                "FAIRDESK_SMTP_PASSWORD_FILE", "cannot be set together with FAIRDESK_SMTP_PASSWORD"
            ),
            (
                ["FAIRDESK_SMTP_URL": "smtp://mail.example.com", "FAIRDESK_SMTP_CA_FILE": "/etc/ssl/relay.pem"],
                "FAIRDESK_SMTP_CA_FILE", "asks for no TLS"
            ),
            (
                ["FAIRDESK_SMTP_USERNAME": "fairdesk", "FAIRDESK_SMTP_PASSWORD": "hunter2hunter2"],
                "FAIRDESK_SMTP_USERNAME", "is set but FAIRDESK_SMTP_URL is not"
            ),
        ]
        for (env, variable, rule) in cases {
            guard let problem = Self.problem(env) else {
                Issue.record("\(env) accepted")
                continue
            }
            #expect(problem.variable == variable, "\(env)")
            #expect(problem.rule.contains(rule), "\(problem)")
            #expect(!problem.description.contains("hunter2"), "\(problem)")
        }
    }

    /// The problem the environment is refused with, if it is.
    static func problem(_ env: [String: String]) -> FairdeskConfig.Problem? {
        do {
            _ = try FairdeskConfig.fromEnvironment(env)
            return nil
        } catch {
            return error as? FairdeskConfig.Problem
        }
    }
}
