import FairdeskCore
import Foundation
import Vapor

/// One entry of a timeline as the API shows it.
struct EntryDTO: Content {
    struct CallDTO: Content {
        var talkSeconds: Int
        var holdSeconds: Int
        var afterCallWorkSeconds: Int
        /// Talk plus hold plus after-call work.
        var handleSeconds: Int
    }

    struct AttachmentDTO: Content {
        var id: UUID
        var filename: String
        var contentType: String
        var byteSize: Int64
        var sha256: String
        var url: String
    }

    var id: UUID
    var caseId: UUID?
    var kind: String
    var direction: String
    var channel: String
    var authorId: UUID?
    var authorLabel: String
    var body: String
    var call: CallDTO?
    var details: [String: String]?
    var attachments: [AttachmentDTO]
    var occurredAt: Date

    init(_ entry: TimelineEntry, attachments: [Attachment]) throws {
        self.id = try entry.requireID()
        self.caseId = entry.$supportCase.id
        self.kind = entry.kind.rawValue
        self.direction = entry.direction.rawValue
        self.channel = entry.channel.rawValue
        self.authorId = entry.$author.id
        self.authorLabel = entry.authorLabel
        self.body = entry.body
        if let talk = entry.talkSeconds, let hold = entry.holdSeconds, let work = entry.afterCallWorkSeconds {
            self.call = CallDTO(
                talkSeconds: talk, holdSeconds: hold, afterCallWorkSeconds: work, handleSeconds: talk + hold + work)
        }
        self.details = entry.details.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
        self.attachments = try attachments.map { attachment in
            let id = try attachment.requireID()
            return AttachmentDTO(
                id: id, filename: attachment.filename, contentType: attachment.contentType,
                byteSize: attachment.byteSize, sha256: attachment.sha256,
                url: SitePath.attachment(caseID: attachment.$supportCase.id, attachmentID: id).path)
        }
        self.occurredAt = entry.occurredAt
    }
}

struct InboundMessageRequest: Content {
    var channel: String
    var from: IdentityInput
    /// The sender's name, when the channel gives one.
    var name: String?
    var subject: String?
    var body: String
    /// Set when the sender quoted a case number (e.g. from a subject line).
    var caseNumber: Int64?
    /// The sending system's id for the message; a second message with the same id is ignored.
    var externalId: String?
}

/// `POST /api/v1/inbound/social`: what a bridge from a social or messaging network sends.
struct SocialMessageRequest: Content {
    /// The network's name: "instagram", "whatsapp", "x"…
    var network: String
    /// The sender's handle on that network.
    var handle: String
    var name: String?
    var text: String
    /// The network's id for the message; a second message with the same id is ignored.
    var externalId: String
}

struct InboundResultDTO: Content {
    var customerId: UUID
    var caseId: UUID
    var caseNumber: Int64
    var entryId: UUID
    var customerCreated: Bool
    var caseCreated: Bool
    var caseReopened: Bool
    var duplicate: Bool
    /// The bot holds the conversation and answers this message on the case's timeline a moment later.
    var botAnswers = false
    /// What the bot answered, on the social route, which waits for it so the bridge can post it back.
    var bot: BotReplyDTO? = nil
}

/// The inbound route answers every message with this, so it is written by hand (see ``JSONText``);
/// the social route, whose answer can carry the bot's reply, encodes it as usual.
extension InboundResultDTO: JSONTextWritable {
    func write(to json: inout JSONText) {
        json.object { json in
            json.field("customerId", customerId)
            json.field("caseId", caseId)
            json.field("caseNumber", caseNumber)
            json.field("entryId", entryId)
            json.field("customerCreated", customerCreated)
            json.field("caseCreated", caseCreated)
            json.field("caseReopened", caseReopened)
            json.field("duplicate", duplicate)
            json.field("botAnswers", botAnswers)
        }
    }
}
