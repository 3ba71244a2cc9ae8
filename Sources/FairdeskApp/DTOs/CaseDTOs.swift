import FairdeskCore
import Foundation
import Vapor

/// A case as the API shows it.
struct CaseDTO: Content {
    struct OwnerDTO: Content {
        var userId: UUID?
        var queueId: UUID?
        var startedAt: Date
    }

    var id: UUID
    var number: Int64
    var customerId: UUID
    var subject: String
    var status: String
    var channel: String
    var queueId: UUID?
    var ownerId: UUID?
    var ownerCount: Int
    var bounceCount: Int
    var createdAt: Date
    var updatedAt: Date
    var lastActivityAt: Date
    var resolvedAt: Date?
    var closedAt: Date?
    /// Everyone and every queue that has held the case, oldest first (case detail only).
    var owners: [OwnerDTO]?

    /// A case straight from its stored row, for lists (no model in between).
    init(row: SupportCase.Row) {
        self.id = row.id
        self.number = row.number
        self.customerId = row.customerId
        self.subject = row.subject
        self.status = row.status.rawValue
        self.channel = row.channel.rawValue
        self.queueId = row.queueId
        self.ownerId = row.ownerId
        self.ownerCount = row.ownerCount
        self.bounceCount = row.bounceCount
        self.createdAt = row.createdAt
        self.updatedAt = row.updatedAt
        self.lastActivityAt = row.lastActivityAt
        self.resolvedAt = row.resolvedAt
        self.closedAt = row.closedAt
        self.owners = nil
    }

    init(_ supportCase: SupportCase, owners: [CaseOwner]? = nil) throws {
        self.id = try supportCase.requireID()
        self.number = supportCase.number
        self.customerId = supportCase.$customer.id
        self.subject = supportCase.subject
        self.status = supportCase.status.rawValue
        self.channel = supportCase.channel.rawValue
        self.queueId = supportCase.$queue.id
        self.ownerId = supportCase.$owner.id
        self.ownerCount = supportCase.ownerCount
        self.bounceCount = supportCase.bounceCount
        self.createdAt = supportCase.createdAt
        self.updatedAt = supportCase.updatedAt
        self.lastActivityAt = supportCase.lastActivityAt
        self.resolvedAt = supportCase.resolvedAt
        self.closedAt = supportCase.closedAt
        self.owners = owners?.map { OwnerDTO(userId: $0.$user.id, queueId: $0.$queue.id, startedAt: $0.startedAt) }
    }
}

extension CaseDTO: JSONTextWritable {
    func write(to json: inout JSONText) {
        json.object { json in
            json.field("id", id)
            json.field("number", number)
            json.field("customerId", customerId)
            json.field("subject", subject)
            json.field("status", status)
            json.field("channel", channel)
            json.field("queueId", queueId)
            json.field("ownerId", ownerId)
            json.field("ownerCount", ownerCount)
            json.field("bounceCount", bounceCount)
            json.field("createdAt", createdAt)
            json.field("updatedAt", updatedAt)
            json.field("lastActivityAt", lastActivityAt)
            json.field("resolvedAt", resolvedAt)
            json.field("closedAt", closedAt)
            if let owners {
                json.key("owners")
                json.array(owners) { json, owner in
                    json.object { json in
                        json.field("userId", owner.userId)
                        json.field("queueId", owner.queueId)
                        json.field("startedAt", owner.startedAt)
                    }
                }
            }
        }
    }
}

/// One page of a list, newest first, with the cursor for the next page when there is one.
struct ListPage<Item: Content>: Content {
    var items: [Item]
    var nextCursor: String?
}

struct CreateCaseRequest: Content {
    /// Staff name the customer; customers open cases for themselves and leave it out.
    var customerId: UUID?
    var subject: String
    var channel: String?
    var body: String?
    var queueId: UUID?
}

/// A reply or customer message. Sent as JSON, or as multipart/form-data with files in `attachments[]`.
struct MessageRequest: Content {
    var body: String
    var channel: String?
    /// Staff may set the status in the same step, e.g. reply and wait for the customer.
    var status: String?
    var attachments: [File]?
}

struct NoteRequest: Content {
    var body: String
}

struct CallRequest: Content {
    var direction: String
    var talkSeconds: Int
    var holdSeconds: Int
    var afterCallWorkSeconds: Int
    var summary: String
}

struct StatusRequest: Content {
    var status: String
    var reason: String?
}

struct TransferRequest: Content {
    var toAgentId: UUID?
    var toQueueId: UUID?
    var handoffNote: String?
}
