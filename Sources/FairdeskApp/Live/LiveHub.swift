import FairdeskCore
import Foundation

/// Something that happened to a case, told to every open page and chat widget that may see it.
///
/// Events carry ids, not content: a page that hears one asks the server for what changed, so the
/// database stays the one source of truth and a page that missed events (a dropped connection)
/// catches up the same way.
struct LiveEvent: Codable, Sendable, Equatable {
    enum Kind: String, Codable, Sendable {
        /// A new timeline entry.
        case entry
        /// The case itself changed (created, moved, status).
        case supportCase = "case"
    }

    var kind: Kind
    var caseId: UUID
    var customerId: UUID
    var queueId: UUID?
    var ownerId: UUID?
    var entryId: UUID?
    var direction: String?

    init(kind: Kind, supportCase: SupportCase, entry: TimelineEntry? = nil) {
        self.kind = kind
        self.caseId = supportCase.id!
        self.customerId = supportCase.$customer.id
        self.queueId = supportCase.$queue.id
        self.ownerId = supportCase.$owner.id
        self.entryId = entry?.id
        self.direction = entry?.direction.rawValue
    }

    /// The facts that decide who may hear about it.
    var access: CaseAccess.Facts {
        CaseAccess.Facts(
            customerKey: customerId.uuidString, queueKey: queueId?.uuidString, ownerKey: ownerId?.uuidString)
    }
}

/// Fans events out to the live connections of this process.
///
/// Each subscriber says which events it wants and how to deliver them. Delivery never blocks the
/// writer: events are handed to each subscriber's own stream.
actor LiveHub {
    struct Subscription: Sendable {
        var wants: @Sendable (LiveEvent) -> Bool
        var continuation: AsyncStream<LiveEvent>.Continuation
    }

    private var subscriptions: [UUID: Subscription] = [:]

    /// Opens a stream of the events `wants` accepts; it ends when `unsubscribe` is called.
    func subscribe(_ wants: @escaping @Sendable (LiveEvent) -> Bool) -> (UUID, AsyncStream<LiveEvent>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<LiveEvent>.makeStream(bufferingPolicy: .bufferingNewest(256))
        subscriptions[id] = Subscription(wants: wants, continuation: continuation)
        return (id, stream)
    }

    func unsubscribe(_ id: UUID) {
        subscriptions.removeValue(forKey: id)?.continuation.finish()
    }

    func publish(_ events: [LiveEvent]) {
        for event in events {
            for subscription in subscriptions.values where subscription.wants(event) {
                subscription.continuation.yield(event)
            }
        }
    }

    var subscriberCount: Int { subscriptions.count }
}
