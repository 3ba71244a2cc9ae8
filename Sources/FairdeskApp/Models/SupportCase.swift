import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// A customer's request, from first message to close, whatever channels it crossed.
final class SupportCase: Model, @unchecked Sendable {
    static let schema = "cases"

    @ID(key: .id) var id: UUID?
    /// The number people quote: "case 1042".
    @Field(key: "number") var number: Int64
    @Parent(key: "customer_id") var customer: Customer
    @Field(key: "subject") var subject: String
    @Field(key: "status") var status: CaseStatus
    /// The channel the case started on.
    @Field(key: "channel") var channel: ContactChannel
    @OptionalParent(key: "queue_id") var queue: Queue?
    @OptionalParent(key: "owner_id") var owner: User?
    /// Different humans who have owned the case.
    @Field(key: "owner_count") var ownerCount: Int
    /// Transfers so far: each one is a hand-off the customer may feel.
    @Field(key: "bounce_count") var bounceCount: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "last_activity_at") var lastActivityAt: Date
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    @OptionalField(key: "closed_at") var closedAt: Date?
    /// The customer's tier when the case opened; it sets the SLA targets and the routing priority.
    @Field(key: "tier") var tier: String
    /// Flagged by staff when the customer is upset; such cases are served sooner.
    @Field(key: "frustrated") var frustrated: Bool
    /// The bot holds the conversation: the case waits for no agent until the bot hands it over.
    @Field(key: "with_bot") var withBot: Bool
    /// When a person first replied to the customer (for the reports' first-response times).
    @OptionalField(key: "first_response_at") var firstResponseAt: Date?
    /// When the case first went to a lead (SLA escalation, broken promise, or a transfer to a lead).
    @OptionalField(key: "escalated_at") var escalatedAt: Date?

    init() {}

    init(
        id: UUID? = nil, number: Int64, customerID: UUID, subject: String, status: CaseStatus = .new,
        channel: ContactChannel,
        queueID: UUID?, ownerID: UUID?, at: Date, tier: String = "standard"
    ) {
        self.id = id
        self.number = number
        self.$customer.id = customerID
        self.subject = subject
        self.status = status
        self.channel = channel
        self.$queue.id = queueID
        self.$owner.id = ownerID
        self.ownerCount = ownerID == nil ? 0 : 1
        self.bounceCount = 0
        self.createdAt = at
        self.updatedAt = at
        self.lastActivityAt = at
        self.tier = tier
        self.frustrated = false
        self.withBot = false
    }

    /// A `cases` row as plain SQL returns it. Lists read rows this way: building the model from
    /// a row costs far less than Fluent's reflection-based decoding, which dominated the profile.
    struct Row: Decodable {
        var id: UUID
        var number: Int64
        var customerId: UUID
        var subject: String
        var status: CaseStatus
        var channel: ContactChannel
        var queueId: UUID?
        var ownerId: UUID?
        var ownerCount: Int
        var bounceCount: Int
        var createdAt: Date
        var updatedAt: Date
        var lastActivityAt: Date
        var resolvedAt: Date?
        var closedAt: Date?
        var tier: String
        var frustrated: Bool
        var withBot: Bool
        var firstResponseAt: Date?
        var escalatedAt: Date?

        // The column names spelt out: decoding with `.convertFromSnakeCase` converted every key of
        // every row, which showed up in profiles of a mailbox import.
        enum CodingKeys: String, CodingKey {
            case id, number, subject, status, channel, tier, frustrated
            case customerId = "customer_id"
            case queueId = "queue_id"
            case ownerId = "owner_id"
            case ownerCount = "owner_count"
            case bounceCount = "bounce_count"
            case createdAt = "created_at"
            case updatedAt = "updated_at"
            case lastActivityAt = "last_activity_at"
            case resolvedAt = "resolved_at"
            case closedAt = "closed_at"
            case withBot = "with_bot"
            case firstResponseAt = "first_response_at"
            case escalatedAt = "escalated_at"
        }
    }

    /// The model of a stored row.
    convenience init(row: Row) {
        self.init(
            id: row.id, number: row.number, customerID: row.customerId, subject: row.subject, status: row.status,
            channel: row.channel, queueID: row.queueId, ownerID: row.ownerId, at: row.createdAt, tier: row.tier)
        frustrated = row.frustrated
        withBot = row.withBot
        firstResponseAt = row.firstResponseAt
        escalatedAt = row.escalatedAt
        ownerCount = row.ownerCount
        bounceCount = row.bounceCount
        updatedAt = row.updatedAt
        lastActivityAt = row.lastActivityAt
        resolvedAt = row.resolvedAt
        closedAt = row.closedAt
        $id.exists = true
    }

    /// Runs `query` (selecting whole `cases` rows) and builds the models.
    static func fetch(_ query: SQLQueryString, on db: any Database) async throws -> [SupportCase] {
        try await rows(query, on: db).map(SupportCase.init(row:))
    }

    /// Runs `query` (selecting whole `cases` rows) and returns the rows as they are.
    static func rows(_ query: SQLQueryString, on db: any Database) async throws -> [Row] {
        let postgres = db.isPostgres
        return try await db.sql.raw(query).all().map { try Row(ColumnReader(row: $0, postgres: postgres)) }
    }

    /// All cases of a customer (checked on every timeline read, to see which the reader may see).
    static func of(_ customerID: UUID, on db: any Database) async throws -> [SupportCase] {
        try await fetch("SELECT * FROM cases WHERE customer_id = \(bind: customerID)", on: db)
    }

    /// The customer's most recently active case; this runs for every inbound message.
    static func latest(of customerID: UUID, on db: any Database) async throws -> SupportCase? {
        try await fetch(
            "SELECT * FROM cases WHERE customer_id = \(bind: customerID) ORDER BY last_activity_at DESC, id DESC LIMIT 1",
            on: db
        ).first
    }

    /// The facts that decide who may see this case.
    var accessFacts: CaseAccess.Facts {
        CaseAccess.Facts(
            customerKey: $customer.id.uuidString, queueKey: $queue.id?.uuidString, ownerKey: $owner.id?.uuidString)
    }
}

extension SupportCase.Row {
    /// The row read column by column (see ``ColumnReader``), the way lists read it.
    init(_ columns: ColumnReader) throws {
        id = try columns.uuid("id")
        number = try columns.value("number")
        customerId = try columns.uuid("customer_id")
        subject = try columns.value("subject")
        status = try columns.code("status")
        channel = try columns.code("channel")
        queueId = try columns.optionalUUID("queue_id")
        ownerId = try columns.optionalUUID("owner_id")
        ownerCount = try columns.value("owner_count")
        bounceCount = try columns.value("bounce_count")
        createdAt = try columns.value("created_at")
        updatedAt = try columns.value("updated_at")
        lastActivityAt = try columns.value("last_activity_at")
        resolvedAt = try columns.optional("resolved_at")
        closedAt = try columns.optional("closed_at")
        tier = try columns.value("tier")
        frustrated = try columns.value("frustrated")
        withBot = try columns.value("with_bot")
        firstResponseAt = try columns.optional("first_response_at")
        escalatedAt = try columns.optional("escalated_at")
    }
}

/// One stretch of ownership of a case, by a person or a queue.
final class CaseOwner: Model, @unchecked Sendable {
    static let schema = "case_owners"

    @ID(key: .id) var id: UUID?
    @Parent(key: "case_id") var supportCase: SupportCase
    @OptionalParent(key: "user_id") var user: User?
    @OptionalParent(key: "queue_id") var queue: Queue?
    @Field(key: "started_at") var startedAt: Date
    @OptionalParent(key: "started_by_id") var startedBy: User?

    init() {}

    init(caseID: UUID, userID: UUID?, queueID: UUID?, startedAt: Date, startedByID: UUID?) {
        self.$supportCase.id = caseID
        self.$user.id = userID
        self.$queue.id = queueID
        self.startedAt = startedAt
        self.$startedBy.id = startedByID
    }
}
