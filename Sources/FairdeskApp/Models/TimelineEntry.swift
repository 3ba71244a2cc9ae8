import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// Anything that happened on a case: a message, a note, a call, a transfer, a status change, a merge.
/// One table, so a customer's whole history is one indexed read.
final class TimelineEntry: Model, @unchecked Sendable {
    static let schema = "timeline_entries"

    @ID(key: .id) var id: UUID?
    /// The case it belongs to; empty for events about the customer as a whole (a merge).
    @OptionalParent(key: "case_id") var supportCase: SupportCase?
    @Parent(key: "customer_id") var customer: Customer
    @Field(key: "kind") var kind: EntryKind
    @Field(key: "direction") var direction: Direction
    @Field(key: "channel") var channel: ContactChannel
    /// The staff member who wrote it; empty for the customer's own messages.
    @OptionalParent(key: "author_id") var author: User?
    /// The name shown beside it, kept as it was when written.
    @Field(key: "author_label") var authorLabel: String
    @Field(key: "body") var body: String
    @OptionalField(key: "talk_seconds") var talkSeconds: Int?
    @OptionalField(key: "hold_seconds") var holdSeconds: Int?
    @OptionalField(key: "after_call_work_seconds") var afterCallWorkSeconds: Int?
    /// Kind-specific facts as JSON, e.g. a transfer's from and to.
    @OptionalField(key: "details") var details: String?
    /// The id the sending system gave the message, to ignore duplicates.
    @OptionalField(key: "external_id") var externalID: String?
    @Field(key: "occurred_at") var occurredAt: Date

    init() {}

    init(
        caseID: UUID?, customerID: UUID, kind: EntryKind, direction: Direction, channel: ContactChannel,
        authorID: UUID?,
        authorLabel: String, body: String, occurredAt: Date
    ) {
        self.id = TimeOrderedID.next(at: occurredAt)
        self.$supportCase.id = caseID
        self.$customer.id = customerID
        self.kind = kind
        self.direction = direction
        self.channel = channel
        self.$author.id = authorID
        self.authorLabel = authorLabel
        self.body = body
        self.occurredAt = occurredAt
    }
}

extension TimelineEntry {
    /// A `timeline_entries` row as plain SQL returns it (see `SupportCase.Row` for why).
    struct Row: Decodable {
        var id: UUID
        var caseId: UUID?
        var customerId: UUID
        var kind: EntryKind
        var direction: Direction
        var channel: ContactChannel
        var authorId: UUID?
        var authorLabel: String
        var body: String
        var talkSeconds: Int?
        var holdSeconds: Int?
        var afterCallWorkSeconds: Int?
        var details: String?
        var externalId: String?
        var occurredAt: Date
    }

    /// The model of a stored row.
    convenience init(row: Row) {
        self.init(
            caseID: row.caseId, customerID: row.customerId, kind: row.kind, direction: row.direction,
            channel: row.channel, authorID: row.authorId, authorLabel: row.authorLabel, body: row.body,
            occurredAt: row.occurredAt)
        id = row.id
        talkSeconds = row.talkSeconds
        holdSeconds = row.holdSeconds
        afterCallWorkSeconds = row.afterCallWorkSeconds
        details = row.details
        externalID = row.externalId
        $id.exists = true
    }
}

/// A file sent with a timeline entry. The bytes are in the ``AttachmentStore``.
final class Attachment: Model, @unchecked Sendable {
    static let schema = "attachments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "case_id") var supportCase: SupportCase
    @Parent(key: "entry_id") var entry: TimelineEntry
    @Field(key: "filename") var filename: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "byte_size") var byteSize: Int64
    @Field(key: "sha256") var sha256: String
    @Field(key: "storage_key") var storageKey: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
