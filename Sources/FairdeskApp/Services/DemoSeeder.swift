import FairdeskCore
import Fluent
import Foundation
import Vapor

/// The demo company: queues, one login per role, and a small history of cases, so that a new user
/// can try every part of Fairdesk at once.
enum DemoSeeder {
    static let queues: [(String, String)] = [
        ("General", "Questions about orders, accounts and anything else"),
        ("Billing", "Payments, refunds and premium membership"),
        ("Deliveries", "Late, missing and disputed deliveries"),
    ]

    /// One demo login per role: (email, name, role, queues).
    static let logins: [(String, String, Role, [String])] = [
        ("admin@fairdesk.example", "Ada Admin", .admin, []),
        ("lead@fairdesk.example", "Lee Lead", .lead, ["General", "Billing", "Deliveries"]),
        ("agent@fairdesk.example", "Alex Agent", .agent, ["General", "Deliveries"]),
        ("agent2@fairdesk.example", "Sam Agent", .agent, ["General", "Billing"]),
        ("policy@fairdesk.example", "Pat Policy", .policyOwner, []),
        ("reviewer@fairdesk.example", "Rae Reviewer", .reviewer, []),
        ("driver@fairdesk.example", "Dee Driver", .driver, []),
        ("customer@fairdesk.example", "Casey Customer", .customer, []),
    ]

    /// Adds `count` agents (`agent-1@team.fairdesk.example`, …), each in one or two of the queues,
    /// skipping those that exist; answers how many were added. For data at scale: a million cases
    /// belong to a team, not to the two demo agents.
    static func addAgents(_ count: Int, app: Application, password: String) async throws -> Int {
        let hash = try await app.password.async.hash(password)
        let now = app.fairdesk.clock.now
        return try await app.write { db in
            let queues = try await Queue.query(on: db).sort(\.$createdAt).all().compactMap(\.id)
            guard !queues.isEmpty else { return 0 }
            var added = 0
            for index in 1...count {
                let email = "agent-\(index)@team.fairdesk.example"
                if try await User.query(on: db).filter(\.$email == email).first() != nil { continue }
                let user = User(
                    email: email, name: DemoData.staffName(index), role: .agent, passwordHash: hash, customerID: nil,
                    createdAt: now)
                user.jurisdiction = "GB"
                try await user.create(on: db)
                let memberOf = Set([queues[index % queues.count], queues[(index * 7 / 3) % queues.count]])
                for queue in memberOf {
                    try await QueueMember(queueID: queue, userID: user.requireID()).create(on: db)
                }
                try await AgentProfile(userID: user.requireID(), skills: ["refunds"], availability: .away, since: now)
                    .save(on: db)
                added += 1
            }
            return added
        }
    }

    /// Whether the database already holds users (so nothing is seeded twice).
    static func isEmpty(_ db: any Database) async throws -> Bool {
        try await User.query(on: db).count() == 0
    }

    /// Creates the demo queues and logins with `password`, then a small history of cases.
    static func seed(app: Application, password: String, customers: Int = 200, cases: Int = 600) async throws
        -> BulkSeeder.Summary
    {
        try await seedCompany(app: app, password: password)
        return try await BulkSeeder(app: app).run(
            .init(customers: customers, cases: cases, seed: 1, anchor: app.fairdesk.clock.now))
    }

    /// Creates the demo queues, one login per role with `password`, the demo policies and knowledge
    /// base, and the demo customer's first case.
    static func seedCompany(app: Application, password: String) async throws {
        let now = app.fairdesk.clock.now
        let hash = try await app.password.async.hash(password)
        try await app.write { db in
            var queueIDs: [String: UUID] = [:]
            for (name, about) in queues {
                let queue = Queue(name: name, description: about, createdAt: now)
                try await queue.create(on: db)
                queueIDs[name] = try queue.requireID()
            }
            let casey = try await CustomerDirectory(db: db, now: now).create(
                displayName: "Casey Customer", tier: "premium",
                identities: [
                    try Identity(kind: .email, raw: "customer@fairdesk.example"),
                    try Identity(kind: .phone, raw: "+44 20 7946 0000"),
                ])
            var driverID: UUID?
            for (email, name, role, memberOf) in logins {
                let user = User(
                    email: email, name: name, role: role, passwordHash: hash,
                    customerID: role == .customer ? casey.id : nil, createdAt: now)
                // The demo company works in the United Kingdom; policies and deadlines can differ by place.
                user.jurisdiction = role == .customer ? "" : "GB"
                try await user.create(on: db)
                if role == .driver { driverID = user.id }
                for queue in memberOf {
                    try await QueueMember(queueID: queueIDs[queue]!, userID: user.requireID()).create(on: db)
                }
                if role == .agent || role == .lead {
                    // Demo staff start available (Sam is away), so routing has someone to give new cases to.
                    try await AgentProfile(
                        userID: user.requireID(), skills: role == .lead ? ["refunds", "escalations"] : ["refunds"],
                        availability: email.hasPrefix("agent2") ? .away : .available, since: now
                    ).save(on: db)
                }
            }
            try await DemoPolicies.seed(on: db, now: now)
            try await KnowledgeBase.seedDemo(on: db, at: now, by: .system)
            _ = try await DemoOrders.seed(casey: casey.requireID(), at: now, on: db)
            if let driverID { try await DemoDriverRecords.seed(driver: driverID, at: now, on: db) }
            let work = try await app.caseWork(on: db, actor: .system)
            let order = try await work.openCase(
                customerID: casey.requireID(), subject: "Where is my order FD-204311?", channel: .email,
                queueID: queueIDs["Deliveries"])
            try await work.addEntry(
                to: order, kind: .message, direction: .inbound, channel: .email,
                body: "Hello, my order FD-204311 was due yesterday and the tracking has not moved.",
                author: Actor(id: nil, label: "Casey Customer"))
        }
    }

    /// A fresh random demo password; none is ever kept in the repository.
    static func newPassword() -> String { String(Secrets.token(prefix: "").prefix(16)) }

    /// Where the demo password is written on first start, readable by the owner only.
    static func credentialsPath(_ config: FairdeskConfig) -> String {
        config.dataDirectory + "/demo-logins.txt"
    }

    /// The demo logins as a block of text, for the console and the credentials file.
    static func loginsText(url: String, password: String) -> String {
        var lines = ["Fairdesk: \(url)", "Demo logins (password for all: \(password)):"]
        for (email, _, role, _) in logins {
            lines.append("  \(role.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)) \(email)")
        }
        return lines.joined(separator: "\n")
    }
}
