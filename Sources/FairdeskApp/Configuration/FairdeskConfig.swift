import FairdeskCore
import Foundation
import Vapor

/// Every setting Fairdesk reads, typed, read once at start-up from the environment.
///
/// Nothing else in the code reads environment variables: it is handed this struct.
public struct FairdeskConfig: Sendable {
    /// Which database to use.
    public enum Storage: Sendable, Equatable {
        /// An SQLite file (the embedded default), or an in-memory database for tests.
        case sqlite(path: String?)
        /// PostgreSQL at this URL, optionally inside one schema (the tests use a fresh schema each).
        case postgres(url: String, schema: String?)

        public var isSQLite: Bool { if case .sqlite = self { true } else { false } }
    }

    public var storage: Storage
    /// Attachments and the demo logins file live here.
    public var dataDirectory: String
    public var hostname: String
    public var port: Int
    /// Shortest accepted handoff note on a transfer (`FAIRDESK_HANDOFF_NOTE_MIN`).
    public var handoffNoteMinimum: Int
    /// Different human owners a case may have before only a lead or admin may move it on.
    public var maximumOwnersPerCase: Int
    /// A resolved case reopens when the customer writes within this many days; later, a new case starts.
    public var reopenWindowDays: Int
    /// Largest attachment accepted, in bytes.
    public var maximumAttachmentBytes: Int
    /// Largest JSON body accepted, in bytes.
    public var maximumJSONBytes: Int
    /// How long a web session lasts without activity.
    public var sessionLifetimeSeconds: Int
    /// Bcrypt cost for password hashes (tests use a low cost to stay fast).
    public var bcryptCost: Int
    /// Password for the demo logins; when unset a random one is made and written to the data directory.
    public var demoPassword: String?
    /// Whether `serve` migrates and seeds an empty SQLite database on first start.
    public var prepareEmbeddedDatabase: Bool
    /// Name of the queue that new cases land in when nothing else says where.
    public var defaultQueueName: String
    /// Whether `fairdesk serve` also runs background jobs (`FAIRDESK_WORKER=off` leaves them to
    /// separate `fairdesk worker` processes).
    public var runWorkerInServe: Bool
    /// Jobs a worker claims at once (`FAIRDESK_JOB_BATCH`).
    public var jobBatchSize: Int
    /// How long an idle worker waits before looking for due jobs again (`FAIRDESK_JOB_POLL_MS`).
    public var jobPollMilliseconds: Int
    /// The SMTP server outgoing mail is handed to (`FAIRDESK_SMTP_URL`, like smtp://localhost:25 or
    /// smtps://mail.example.com), with its login (`FAIRDESK_SMTP_USERNAME`, `FAIRDESK_SMTP_PASSWORD`
    /// or `FAIRDESK_SMTP_PASSWORD_FILE`) and trusted certificates (`FAIRDESK_SMTP_CA_FILE`).
    /// Without one, mail is kept in the outbox as "held" and nothing leaves the machine.
    var smtp: SMTPSettings?
    /// The sender of Fairdesk's mail (`FAIRDESK_MAIL_FROM`).
    public var mailFrom: MailAddress
    /// The address people use to reach this Fairdesk, for links in email (`FAIRDESK_PUBLIC_URL`).
    public var publicURL: String
    /// The secret the order system signs promise events with (`FAIRDESK_WEBHOOK_SECRET`); without
    /// it, promise events are refused.
    public var webhookSecret: String?
    /// How long after a case is resolved its survey goes out (`FAIRDESK_SURVEY_DELAY_MINUTES`).
    public var surveyDelayMinutes: Int = 60
    /// How long a survey or follow-up link works (`FAIRDESK_SURVEY_LINK_DAYS`).
    public var surveyLinkDays: Int = 14
    /// How many emails one sender may send in an hour before the rest is held for an admin
    /// (`FAIRDESK_MAIL_HOURLY_LIMIT`): loop protection against robots answering each other.
    public var mailHourlyLimit: Int = 30
    /// The largest raw email taken in (`FAIRDESK_MAIL_MAX_BYTES`, 25 MiB by default).
    public var mailMaximumBytes: Int = 25 * 1024 * 1024
    /// Whether and how the bot meets customers on chat, social and email (see ``BotOptions``).
    public var bot = BotOptions()
    /// The company's time zone (`FAIRDESK_TIME_ZONE`, UTC by default): reports count days in it, and
    /// the bot writes delivery windows in it.
    public var timeZone: TimeZone { bot.timeZone }

    public init(
        storage: Storage = .sqlite(path: nil), dataDirectory: String = "fairdesk-data", hostname: String = "127.0.0.1",
        port: Int = 8080, handoffNoteMinimum: Int = 20, maximumOwnersPerCase: Int = 4, reopenWindowDays: Int = 7,
        maximumAttachmentBytes: Int = 10 * 1024 * 1024, maximumJSONBytes: Int = 1024 * 1024,
        sessionLifetimeSeconds: Int = 8 * 3600, bcryptCost: Int = 12, demoPassword: String? = nil,
        prepareEmbeddedDatabase: Bool = true, defaultQueueName: String = "General", runWorkerInServe: Bool = true,
        jobBatchSize: Int = 50, jobPollMilliseconds: Int = 250,
        mailFrom: MailAddress = MailAddress(name: "Fairdesk", address: "fairdesk@localhost.localdomain"),
        publicURL: String? = nil
    ) {
        self.storage = storage
        self.dataDirectory = dataDirectory
        self.hostname = hostname
        self.port = port
        self.handoffNoteMinimum = handoffNoteMinimum
        self.maximumOwnersPerCase = maximumOwnersPerCase
        self.reopenWindowDays = reopenWindowDays
        self.maximumAttachmentBytes = maximumAttachmentBytes
        self.maximumJSONBytes = maximumJSONBytes
        self.sessionLifetimeSeconds = sessionLifetimeSeconds
        self.bcryptCost = bcryptCost
        self.demoPassword = demoPassword
        self.prepareEmbeddedDatabase = prepareEmbeddedDatabase
        self.defaultQueueName = defaultQueueName
        self.runWorkerInServe = runWorkerInServe
        self.jobBatchSize = jobBatchSize
        self.jobPollMilliseconds = jobPollMilliseconds
        self.smtp = nil
        self.mailFrom = mailFrom
        self.publicURL = publicURL ?? Self.localURL(hostname: hostname, port: port)
    }

    /// Links to a server listening on every interface name the machine itself.
    static func localURL(hostname: String, port: Int) -> String {
        let host = ["0.0.0.0", "::", "[::]", ""].contains(hostname) ? "localhost" : hostname
        return "http://\(host):\(port)"
    }

    /// The rules for transfers that follow from these settings.
    public var transferRules: TransferRules {
        TransferRules(minimumNoteLength: handoffNoteMinimum, maximumOwners: maximumOwnersPerCase)
    }

    /// Where the SQLite file goes when no path is given.
    public var defaultSQLitePath: String { dataDirectory + "/fairdesk.sqlite" }

    /// A setting that could not be read, named so the operator can fix it.
    public struct Problem: Error, CustomStringConvertible {
        public var variable: String
        public var rule: String
        public var description: String { "\(variable) \(rule)" }
    }

    /// The mail server from `FAIRDESK_SMTP_URL`, with its login and trusted certificates from the
    /// other `FAIRDESK_SMTP_*` variables; nil when no URL is set. No rule repeats a password.
    private static func smtpSettings(_ env: [String: String]) throws -> SMTPSettings? {
        func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        let names = [
            "FAIRDESK_SMTP_USERNAME", "FAIRDESK_SMTP_PASSWORD", "FAIRDESK_SMTP_PASSWORD_FILE", "FAIRDESK_SMTP_CA_FILE",
        ]
        guard let raw = value("FAIRDESK_SMTP_URL") else {
            if let name = names.first(where: { value($0) != nil }) {
                throw Problem(
                    variable: name, rule: "is set but FAIRDESK_SMTP_URL is not: set the mail server too, or unset it")
            }
            return nil
        }
        var smtp: SMTPSettings
        do {
            smtp = try SMTPSettings.parse(raw)
        } catch {
            throw Problem(variable: "FAIRDESK_SMTP_URL", rule: error.rule)
        }
        var password = value("FAIRDESK_SMTP_PASSWORD")
        if let path = value("FAIRDESK_SMTP_PASSWORD_FILE") {
            guard password == nil else {
                throw Problem(
                    variable: "FAIRDESK_SMTP_PASSWORD_FILE",
                    rule: "cannot be set together with FAIRDESK_SMTP_PASSWORD: keep one of them")
            }
            // A file written by `echo` ends in a newline that is not part of the password.
            guard let data = FileManager.default.contents(atPath: path),
                let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .newlines), !text.isEmpty
            else {
                throw Problem(
                    variable: "FAIRDESK_SMTP_PASSWORD_FILE",
                    rule: "must name a readable, non-empty UTF-8 file holding the password (got \"\(path)\")")
            }
            password = text
        }
        switch (value("FAIRDESK_SMTP_USERNAME"), password) {
        case (nil, nil): break
        case (let username?, let password?): smtp.login = SMTPSettings.Login(username: username, password: password)
        case (nil, _?):
            throw Problem(
                variable: "FAIRDESK_SMTP_USERNAME",
                rule: "must be set when a password is (FAIRDESK_SMTP_PASSWORD or FAIRDESK_SMTP_PASSWORD_FILE)")
        case (_?, nil):
            throw Problem(
                variable: "FAIRDESK_SMTP_PASSWORD",
                rule: "(or FAIRDESK_SMTP_PASSWORD_FILE) must be set when FAIRDESK_SMTP_USERNAME is")
        }
        if smtp.login != nil, !smtp.protectsLogin {
            throw Problem(
                variable: "FAIRDESK_SMTP_URL",
                rule: "must ask for TLS when FAIRDESK_SMTP_USERNAME is set, or the password would cross the network in "
                    + "clear: use smtp://\(smtp.host):587?tls=starttls or smtps://\(smtp.host) (a login over plain SMTP "
                    + "is allowed only to localhost, 127.0.0.1 or ::1)")
        }
        if let path = value("FAIRDESK_SMTP_CA_FILE") {
            guard smtp.security != .plain else {
                throw Problem(
                    variable: "FAIRDESK_SMTP_CA_FILE",
                    rule: "is set but FAIRDESK_SMTP_URL asks for no TLS: add ?tls=starttls, use smtps://, or unset it")
            }
            do {
                try smtp.trust(pemFile: path)
            } catch {
                throw Problem(variable: "FAIRDESK_SMTP_CA_FILE", rule: error.rule)
            }
        }
        return smtp
    }

    /// Reads the settings from environment variables (see `docs/configuration.md`).
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Self {
        func int(_ name: String, _ fallback: Int, _ range: ClosedRange<Int>) throws -> Int {
            guard let raw = env[name], !raw.isEmpty else { return fallback }
            guard let value = Int(raw), range.contains(value) else {
                throw Problem(
                    variable: name,
                    rule: "must be a whole number from \(range.lowerBound) to \(range.upperBound) (got \"\(raw)\")")
            }
            return value
        }
        var config = Self()
        if let url = env["DATABASE_URL"], !url.isEmpty {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw Problem(variable: "DATABASE_URL", rule: "must start with postgres:// (leave it unset for SQLite)")
            }
            config.storage = .postgres(url: url, schema: nil)
        } else if let path = env["FAIRDESK_SQLITE_PATH"], !path.isEmpty {
            config.storage = .sqlite(path: path)
        }
        config.dataDirectory = env["FAIRDESK_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? config.dataDirectory
        if config.storage == .sqlite(path: nil) {
            // The embedded default: a file in the data folder (in-memory is for tests only).
            config.storage = .sqlite(path: config.defaultSQLitePath)
        }
        config.hostname = env["FAIRDESK_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? config.hostname
        config.port = try int("FAIRDESK_PORT", config.port, 1...65535)
        config.handoffNoteMinimum = try int("FAIRDESK_HANDOFF_NOTE_MIN", config.handoffNoteMinimum, 1...2000)
        config.maximumOwnersPerCase = try int("FAIRDESK_MAX_OWNERS", config.maximumOwnersPerCase, 1...100)
        config.reopenWindowDays = try int("FAIRDESK_REOPEN_DAYS", config.reopenWindowDays, 0...365)
        config.maximumAttachmentBytes = try int(
            "FAIRDESK_MAX_ATTACHMENT_BYTES", config.maximumAttachmentBytes, 1...(1 << 30))
        config.sessionLifetimeSeconds = try int(
            "FAIRDESK_SESSION_SECONDS", config.sessionLifetimeSeconds, 60...(30 * 86400))
        config.bcryptCost = try int("FAIRDESK_BCRYPT_COST", config.bcryptCost, 4...31)
        config.demoPassword = env["FAIRDESK_DEMO_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        if let value = env["FAIRDESK_DEMO_PASSWORD"], !value.isEmpty, value.count < 8 {
            throw Problem(variable: "FAIRDESK_DEMO_PASSWORD", rule: "must be at least 8 characters")
        }
        switch env["FAIRDESK_WORKER"]?.lowercased() {
        case nil, "", "on": config.runWorkerInServe = true
        case "off": config.runWorkerInServe = false
        case let other?:
            throw Problem(variable: "FAIRDESK_WORKER", rule: "must be \"on\" or \"off\" (got \"\(other)\")")
        }
        config.jobBatchSize = try int("FAIRDESK_JOB_BATCH", config.jobBatchSize, 1...1000)
        config.jobPollMilliseconds = try int("FAIRDESK_JOB_POLL_MS", config.jobPollMilliseconds, 10...60_000)
        config.smtp = try smtpSettings(env)
        if let raw = env["FAIRDESK_MAIL_FROM"], !raw.isEmpty {
            guard let from = MailAddress.parse(raw) else {
                throw Problem(
                    variable: "FAIRDESK_MAIL_FROM",
                    rule: "must be an address, optionally with a name: Fairdesk <support@example.com> (got \"\(raw)\")")
            }
            config.mailFrom = from
        }
        // Introduce ourselves by the sender's domain, which a strict relay can check.
        config.smtp?.heloName = String(config.mailFrom.address.split(separator: "@").last ?? "localhost")
        if let secret = env["FAIRDESK_WEBHOOK_SECRET"], !secret.isEmpty {
            guard secret.count >= 24 else {
                throw Problem(
                    variable: "FAIRDESK_WEBHOOK_SECRET",
                    rule: "must be at least 24 characters, shared with the order system")
            }
            config.webhookSecret = secret
        }
        config.surveyDelayMinutes = try int("FAIRDESK_SURVEY_DELAY_MINUTES", config.surveyDelayMinutes, 0...(7 * 1440))
        config.surveyLinkDays = try int("FAIRDESK_SURVEY_LINK_DAYS", config.surveyLinkDays, 1...90)
        config.mailHourlyLimit = try int("FAIRDESK_MAIL_HOURLY_LIMIT", config.mailHourlyLimit, 1...100_000)
        config.mailMaximumBytes = try int("FAIRDESK_MAIL_MAX_BYTES", config.mailMaximumBytes, 1024...(1 << 30))
        config.publicURL = FairdeskConfig.localURL(hostname: config.hostname, port: config.port)
        config.bot = try BotOptions.fromEnvironment(env, int: int)
        if let raw = env["FAIRDESK_PUBLIC_URL"], !raw.isEmpty {
            guard let url = URL(string: raw), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
                url.query == nil, url.fragment == nil
            else {
                throw Problem(
                    variable: "FAIRDESK_PUBLIC_URL",
                    rule: "must be an http(s) address without ? or #, like https://help.example.com (got \"\(raw)\")")
            }
            config.publicURL = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
        }
        return config
    }
}
