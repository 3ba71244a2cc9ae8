import FairdeskCore
import Fluent
import FluentPostgresDriver
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

/// A fresh Fairdesk for one test: its own database (in-memory SQLite, or a new schema in the
/// PostgreSQL named by `FAIRDESK_TEST_DATABASE_URL`), its own data folder, a clock that stands
/// still, and a few people with API tokens.
struct TestFairdesk {
    let app: Application
    let clock: ManualClock
    let dataDirectory: String
    var admin: Person
    var lead: Person
    /// Member of the General queue.
    var agent: Person
    /// Member of the Billing queue only.
    var otherAgent: Person
    var customer: Person
    var driver: Person
    var policyOwner: Person
    var general: UUID
    var billing: UUID

    struct Person {
        var id: UUID
        var token: String
        var customerID: UUID?
        var headers: HTTPHeaders { ["Authorization": "Bearer \(token)"] }
    }

    static let postgresURL = ProcessInfo.processInfo.environment["FAIRDESK_TEST_DATABASE_URL"].flatMap {
        $0.isEmpty ? nil : $0
    }

    static var databaseName: String { postgresURL == nil ? "SQLite" : "PostgreSQL" }

    /// Swift Testing runs every test at once. Each Fairdesk holds a pool of PostgreSQL connections,
    /// so without a limit a few hundred tests exceed the server's `max_connections` ("too many
    /// clients already"). Each holds up to 4 app connections and 1 admin connection per event loop
    /// (one loop per core); the limit keeps the total under 240 of `scripts/test-postgres.sh`'s 300.
    static let postgresSlots = TestSlots(count: max(2, 240 / (5 * ProcessInfo.processInfo.activeProcessorCount)))

    /// Runs `test` against a new Fairdesk and removes it afterwards.
    static func with(_ changes: Setting..., run test: (TestFairdesk) async throws -> Void) async throws {
        guard postgresURL != nil else { return try await run(changes, test) }
        await postgresSlots.acquire()
        do {
            try await run(changes, test)
        } catch {
            await postgresSlots.release()
            throw error
        }
        await postgresSlots.release()
    }

    private static func run(_ changes: [Setting], _ test: (TestFairdesk) async throws -> Void) async throws {
        let dataDirectory = NSTemporaryDirectory() + "fairdesk-test-" + UUID().uuidString
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        var config = FairdeskConfig(
            storage: postgresURL.map { .postgres(url: $0, schema: String(schema)) } ?? .sqlite(path: nil),
            dataDirectory: dataDirectory, bcryptCost: 4, prepareEmbeddedDatabase: false)
        for change in changes { change.apply(&config) }
        let clock = ManualClock(Date(timeIntervalSince1970: 1_790_000_000))
        let app = try await Application.make(.testing)
        var failure: (any Error)?
        do {
            try await configure(app, config: config, clock: clock)
            if let url = postgresURL {
                let admin = DatabaseID(string: "admin")
                app.databases.use(
                    .postgres(configuration: try SQLPostgresConfiguration(url: url), maxConnectionsPerEventLoop: 1),
                    as: admin, isDefault: false)
                try await (app.db(admin) as! any SQLDatabase).raw("CREATE SCHEMA \(unsafeRaw: String(schema))").run()
            }
            try await app.autoMigrate()
            let fixture = try await TestFairdesk.make(app: app, clock: clock, dataDirectory: dataDirectory)
            try await test(fixture)
        } catch {
            failure = error
        }
        if postgresURL != nil {
            try? await (app.db(DatabaseID(string: "admin")) as! any SQLDatabase)
                .raw("DROP SCHEMA \(unsafeRaw: String(schema)) CASCADE").run()
        }
        try await app.asyncShutdown()
        try? FileManager.default.removeItem(atPath: dataDirectory)
        if let failure { throw failure }
    }

    private static func make(app: Application, clock: ManualClock, dataDirectory: String) async throws -> TestFairdesk {
        let db = app.db
        let now = clock.now
        let general = Queue(name: "General", description: "", createdAt: now)
        let billing = Queue(name: "Billing", description: "", createdAt: now.addingTimeInterval(1))
        try await general.create(on: db)
        try await billing.create(on: db)
        let casey = try await CustomerDirectory(db: db, now: now).create(
            displayName: "Casey Customer", tier: "premium",
            identities: [try Identity(kind: .email, raw: "casey@example.com")])
        let hash = try app.password.hash("correct horse battery")

        func person(_ email: String, _ name: String, _ role: Role, queues: [Queue], customer: UUID? = nil) async throws
            -> Person
        {
            let user = User(
                email: email, name: name, role: role, passwordHash: hash, customerID: customer, createdAt: now)
            try await user.create(on: db)
            for queue in queues {
                try await QueueMember(queueID: queue.requireID(), userID: user.requireID()).create(on: db)
            }
            let secret = Secrets.token()
            try await ApiToken(
                userID: user.requireID(), name: "test", tokenHash: AuditLog.sha256(secret), createdAt: now,
                expiresAt: nil
            ).create(on: db)
            return Person(id: try user.requireID(), token: secret, customerID: customer)
        }
        return TestFairdesk(
            app: app, clock: clock, dataDirectory: dataDirectory,
            admin: try await person("admin@example.com", "Ada Admin", .admin, queues: []),
            lead: try await person("lead@example.com", "Lee Lead", .lead, queues: [general, billing]),
            agent: try await person("agent@example.com", "Alex Agent", .agent, queues: [general]),
            otherAgent: try await person("billing@example.com", "Bo Billing", .agent, queues: [billing]),
            customer: try await person(
                "casey@example.com", "Casey Customer", .customer, queues: [], customer: casey.requireID()),
            driver: try await person("driver@example.com", "Dee Driver", .driver, queues: []),
            policyOwner: try await person("policy@example.com", "Pat Policy", .policyOwner, queues: []),
            general: try general.requireID(), billing: try billing.requireID())
    }

    // MARK: Requests

    /// Sends a request as `person` with an optional JSON body.
    @discardableResult
    func send(
        _ method: HTTPMethod, _ path: String, as person: Person? = nil, json: (any Encodable)? = nil,
        raw: String? = nil, headers extra: HTTPHeaders = [:], overNetwork: Bool = false
    ) async throws -> TestingHTTPResponse {
        var headers = person?.headers ?? [:]
        for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
        var body: ByteBuffer?
        if let json {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            body = ByteBuffer(data: try encoder.encode(json))
            headers.replaceOrAdd(name: .contentType, value: "application/json")
        } else if let raw {
            body = ByteBuffer(string: raw)
            if headers[.contentType].isEmpty { headers.replaceOrAdd(name: .contentType, value: "application/json") }
        }
        let tester =
            try overNetwork ? app.testing(method: .running(port: Int.random(in: 20_000...60_000))) : app.testing()
        return try await tester.sendRequest(method, path, headers: headers, body: body)
    }

    /// Decodes a JSON response body.
    func decode<T: Decodable>(_ type: T.Type, _ response: TestingHTTPResponse) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(T.self, from: Data(response.body.readableBytesView))
    }

    /// The body as a JSON object, for looking at a few keys.
    func json(_ response: TestingHTTPResponse) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
    }

    /// The problems of an error response as "field: rule" lines.
    func problems(_ response: TestingHTTPResponse) throws -> [String] {
        try decode(ErrorBody.self, response).problems.map { "\($0.field): \($0.rule)" }
    }

    // MARK: Shortcuts

    /// Sends an inbound message and returns the result.
    func inbound(
        channel: String = "email", kind: String = "email", from value: String, body: String, name: String? = nil,
        externalId: String? = nil
    ) async throws -> InboundResultDTO {
        let response = try await send(
            .POST, "api/v1/inbound/messages", as: agent,
            json: InboundMessageRequest(
                channel: channel, from: IdentityInput(kind: kind, value: value), name: name, subject: nil, body: body,
                caseNumber: nil, externalId: externalId))
        guard response.status == .created || response.status == .ok else {
            Issue.record("inbound failed: \(response.status) \(response.body.string)")
            throw TestFailure("inbound failed")
        }
        return try decode(InboundResultDTO.self, response)
    }

    /// Counts rows of a table.
    func count(_ table: String) async throws -> Int {
        struct Row: Decodable { var n: Int }
        return try await (app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)")
            .first(decoding: Row.self)?.n ?? -1
    }
}

/// One setting changed for one test: `.set(\.reopenWindowDays, 3)`.
struct Setting {
    let apply: (inout FairdeskConfig) -> Void

    static func set<Value>(_ path: WritableKeyPath<FairdeskConfig, Value>, _ value: Value) -> Setting {
        Setting { $0[keyPath: path] = value }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A counting semaphore for async code: `acquire` waits while all slots are taken.
actor TestSlots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) { free = count }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
