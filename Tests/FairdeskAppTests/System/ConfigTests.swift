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
}
