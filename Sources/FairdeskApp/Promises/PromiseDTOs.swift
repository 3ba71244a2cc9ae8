import FairdeskCore
import Foundation
import Vapor

struct PromiseRequest: Content {
    var kind: String
    var amountMinor: Int?
    var currency: String?
    var item: String?
    var callbackAt: Date?
    /// What is promised, as the customer will read it.
    var description: String
    var dueAt: Date
    /// Who must keep it; the agent making it when left out.
    var ownerId: UUID?
}

struct ConfirmPromiseRequest: Content {
    /// What shows it was done: "Refund RF-2231 issued in the order system".
    var note: String
}

/// An event from the order system, signed with the shared webhook secret.
struct PromiseEventRequest: Content {
    /// The promise the event is about; must match the address, so the signature covers it.
    var promiseId: UUID
    /// The order system's id for this event; a second delivery with the same id changes nothing.
    var eventId: String
    /// refund_issued, replacement_shipped, callback_made, investigation_closed, or fulfilled.
    var event: String
    var note: String?
}

struct PromiseEventDTO: Content {
    var source: String
    var kind: String
    var note: String?
    var at: Date
}

struct PromiseDTO: Content {
    var id: UUID
    var caseId: UUID
    var kind: String
    var headline: String
    var description: String
    var amountMinor: Int?
    var currency: String?
    var item: String?
    var callbackAt: Date?
    var ownerId: UUID
    var ownerName: String?
    var createdAt: Date
    var dueAt: Date
    var state: String
    /// open, kept_on_time, kept_late or broken.
    var outcome: String
    var keptAt: Date?
    var keptBy: String?
    var evidence: String?
    var followUpAnswer: String?
    var policy: String?
    var events: [PromiseEventDTO]
}

struct PromiseReportDTO: Content {
    struct Row: Content {
        /// The agent's name, the team, or the kind of promise.
        var group: String
        var made: Int
        var keptOnTime: Int
        var keptLate: Int
        var broken: Int
        var open: Int
        /// Kept on time out of those that are due or kept; nil when none are.
        var keptOnTimeRate: Double?
    }
    var from: Date
    var to: Date
    var byAgent: [Row]
    var byTeam: [Row]
    var byKind: [Row]
    var total: Row
}
