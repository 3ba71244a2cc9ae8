import FairdeskCore
import Foundation
import Testing

@testable import FairdeskApp

@Suite("Configuration from the environment")
struct ConfigTests {
    @Test("with nothing set, Fairdesk uses an SQLite file in the data folder")
    func embeddedDefault() throws {
        let config = try FairdeskConfig.fromEnvironment([:])
        #expect(config.storage == .sqlite(path: "fairdesk-data/fairdesk.sqlite"))
        #expect(config.port == 8080)
        let moved = try FairdeskConfig.fromEnvironment(["FAIRDESK_DATA_DIR": "/var/lib/fairdesk"])
        #expect(moved.storage == .sqlite(path: "/var/lib/fairdesk/fairdesk.sqlite"))
    }

    @Test("DATABASE_URL selects PostgreSQL")
    func postgres() throws {
        let config = try FairdeskConfig.fromEnvironment(["DATABASE_URL": "postgres://u:p@db:5432/fairdesk"])
        #expect(config.storage == .postgres(url: "postgres://u:p@db:5432/fairdesk", schema: nil))
        #expect(DatabaseSetup.redacted("postgres://u:secret@db:5432/fairdesk") == "postgres://u:***@db:5432/fairdesk")
    }

    @Test("a bad setting names the variable and the rule")
    func badSetting() {
        #expect(throws: FairdeskConfig.Problem.self) { try FairdeskConfig.fromEnvironment(["FAIRDESK_PORT": "eighty"]) }
        do {
            _ = try FairdeskConfig.fromEnvironment(["DATABASE_URL": "mysql://x"])
            Issue.record("mysql URL accepted")
        } catch {
            #expect("\(error)" == "DATABASE_URL must start with postgres:// (leave it unset for SQLite)")
        }
    }

    @Test("mail settings: an SMTP relay, the sender, and the address used in links")
    func mail() throws {
        let none = try FairdeskConfig.fromEnvironment([:])
        #expect(none.smtp == nil)
        #expect(none.publicURL == "http://127.0.0.1:8080")
        let config = try FairdeskConfig.fromEnvironment([
            "FAIRDESK_SMTP_URL": "smtp://mail.internal:2525", "FAIRDESK_MAIL_FROM": "Help <help@example.com>",
            "FAIRDESK_PUBLIC_URL": "https://help.example.com/",
        ])
        #expect(config.smtp?.host == "mail.internal")
        #expect(config.smtp?.port == 2525)
        #expect(config.mailFrom == MailAddress(name: "Help", address: "help@example.com"))
        #expect(config.publicURL == "https://help.example.com")
        #expect(try FairdeskConfig.fromEnvironment(["FAIRDESK_SMTP_URL": "smtp://localhost"]).smtp?.port == 25)
        for (variable, value) in [
            ("FAIRDESK_SMTP_URL", "smtp://user:secret@mail.example.com:587"), ("FAIRDESK_SMTP_URL", "http://x"),
            ("FAIRDESK_MAIL_FROM", "help"), ("FAIRDESK_PUBLIC_URL", "help.example.com"),
        ] {
            do {
                _ = try FairdeskConfig.fromEnvironment([variable: value])
                Issue.record("\(variable)=\(value) accepted")
            } catch let problem as FairdeskConfig.Problem {
                #expect(problem.variable == variable)
            }
        }
    }
}
