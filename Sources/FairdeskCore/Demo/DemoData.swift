import Foundation

/// Realistic, deterministic demo content for a consumer retailer that delivers with independent
/// drivers: customers, cases over two years, and the conversations inside them.
///
/// Every item is a pure function of the seed, its index and the anchor date, so `seed` can write
/// any range in any batch size and get the same data.
public struct DemoData: Sendable {
    public var seed: UInt64
    /// The newest moment in the data; cases spread over the two years before it.
    public var anchor: Date
    public var customerCount: Int
    public var queueCount: Int

    public init(seed: UInt64, anchor: Date, customerCount: Int, queueCount: Int) {
        self.seed = seed
        self.anchor = anchor
        self.customerCount = max(1, customerCount)
        self.queueCount = max(1, queueCount)
    }

    public struct Customer: Sendable, Equatable {
        public var name: String
        /// The name lower-cased without accents, as search keys are stored.
        public var nameKey: String
        public var email: String
        public var phone: String?
        public var social: String?
        public var tier: String
        public var createdAt: Date
    }

    public struct Entry: Sendable, Equatable {
        public var kind: EntryKind
        public var direction: Direction
        public var channel: ContactChannel
        /// Whether an agent (rather than the customer) wrote it.
        public var byAgent: Bool
        public var body: String
        public var call: (talk: Int, hold: Int, afterCallWork: Int)?
        public var at: Date

        public static func == (a: Entry, b: Entry) -> Bool {
            a.kind == b.kind && a.direction == b.direction && a.channel == b.channel && a.byAgent == b.byAgent
                && a.body == b.body && a.at == b.at && a.call?.talk == b.call?.talk
        }
    }

    public struct Case: Sendable, Equatable {
        public var customerIndex: Int
        public var queueIndex: Int
        public var subject: String
        public var channel: ContactChannel
        public var status: CaseStatus
        public var createdAt: Date
        public var lastActivityAt: Date
        public var entries: [Entry]
    }

    static let firstNames = [
        "Amara", "Ben", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Liam", "Maya",
        "Nikos", "Olga", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe",
        "Aisha", "Bruno", "Carmen", "Diego", "Emma", "Felix", "Hana", "Ivan", "Julia", "Kofi", "Lena", "Mateo",
    ]
    static let lastNames = [
        "Adeyemi", "Becker", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Hughes", "Ivanova", "Jensen",
        "Kowalski",
        "López", "Moreau", "Nakamura", "O'Brien", "Petrov", "Quinn", "Rossi", "Schmidt", "Tanaka", "Úlfarsson",
        "Vargas",
        "Walsh", "Xu", "Yilmaz", "Zimmermann", "Andersson", "Bianchi", "Chen", "Novak", "Okafor", "Silva",
    ]
    /// The names folded once (lower case, no accents): folding per customer is slow.
    static let foldedFirstNames = firstNames.map(fold)
    static let foldedLastNames = lastNames.map(fold)
    static func fold(_ name: String) -> String {
        name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
    }
    static let domains = ["example.com", "example.net", "example.org", "mail.example", "post.example"]
    static let networks = ["instagram", "x", "facebook", "whatsapp"]
    static let items = [
        "kettle", "running shoes", "desk lamp", "phone case", "coffee grinder", "winter jacket", "blender",
        "bookshelf", "headphones", "yoga mat", "cookware set", "backpack", "air fryer", "bike helmet",
    ]

    /// A topic: the subject, the customer's opening message and an agent's answer.
    struct Topic {
        var subject: String
        var opening: String
        var answer: String
    }

    static let topics: [Topic] = [
        Topic(
            subject: "Where is my order {order}?",
            opening:
                "Hi, my order {order} ({item}) was due {days} days ago and the tracking has not moved. Can you check?",
            answer:
                "I'm sorry about the wait. The parcel with your {item} is at the local depot and is booked on tomorrow's route; I'll keep an eye on it."
        ),
        Topic(
            subject: "Refund for damaged {item}",
            opening: "The {item} from order {order} arrived broken. The box was crushed. I'd like a refund please.",
            answer:
                "Thank you for the photos. I've started a refund for the {item}; you'll see it on your card within 5 working days."
        ),
        Topic(
            subject: "Marked delivered but not received",
            opening:
                "The app says order {order} was delivered at 14:02 but there is nothing at my door or with the neighbours.",
            answer:
                "I've asked for the driver's scan location and photo for order {order} and will come back to you once I have them."
        ),
        Topic(
            subject: "Wrong item in order {order}",
            opening: "I ordered a {item} but received something else entirely. Order {order}.",
            answer:
                "Apologies for the mix-up. A replacement {item} is on its way and a free return label is attached to this message."
        ),
        Topic(
            subject: "Change delivery address",
            opening: "Can I change the address for order {order}? I'll be at work that day.",
            answer: "Done: order {order} will now go to your work address. The delivery window stays the same."
        ),
        Topic(
            subject: "Premium membership charged twice",
            opening: "I was charged twice for my premium membership this month. Please fix this.",
            answer:
                "You're right, there was a duplicate charge. I've reversed it; it will show as a refund in 3 to 5 days."
        ),
        Topic(
            subject: "Cancel order {order}", opening: "Please cancel order {order}, I ordered the {item} by mistake.",
            answer: "Order {order} is cancelled and nothing will be charged."
        ),
        Topic(
            subject: "Item missing from order {order}",
            opening: "My order {order} came without the {item}. Everything else was there.",
            answer: "I'm sorry. The {item} was left behind at the warehouse; it ships today on its own."
        ),
        Topic(
            subject: "Return label for {item}", opening: "How do I return the {item}? It doesn't fit.",
            answer: "Here's your return label. Drop the parcel at any pick-up point within 30 days."
        ),
        Topic(
            subject: "Driver was rude",
            opening: "The driver who delivered order {order} was rude and threw the parcel over the fence.",
            answer:
                "Thank you for telling us. I've passed this to the delivery team with your order number; they review every report."
        ),
    ]

    static let followUps = [
        "Any news on this?", "Thanks, that helps.", "It still hasn't arrived.", "I've attached a photo.",
        "Can someone call me back?", "OK, I'll wait until tomorrow.", "That's not what I asked for.",
    ]
    static let notes = [
        "Checked the order system: parcel scanned at depot this morning.",
        "Customer has had two late deliveries this month; consider goodwill credit.",
        "Asked the delivery team for the scan location and photo.",
        "Refund approved under the damaged-goods policy.",
    ]

    static let dayLength: TimeInterval = 86_400
    static let twoYears: TimeInterval = 730 * dayLength

    public func customer(_ index: Int) -> Customer {
        var rng = SeededRandom(seed: seed, stream: 1, index: index)
        let firstIndex = Int(rng.next() % UInt64(Self.firstNames.count))
        let lastIndex = Int(rng.next() % UInt64(Self.lastNames.count))
        let first = Self.firstNames[firstIndex]
        let last = Self.lastNames[lastIndex]
        let nameKey = Self.foldedFirstNames[firstIndex] + " " + Self.foldedLastNames[lastIndex]
        let handleBase = nameKey.replacingOccurrences(of: " ", with: ".").filter { $0.isLetter || $0 == "." }
        let email = "\(handleBase).\(index)@\(rng.pick(Self.domains))"
        let phone = rng.chance(0.6) ? "+4477\(String(format: "%08d", index % 100_000_000))" : nil
        let social =
            rng.chance(0.2)
            ? "\(rng.pick(Self.networks)):\(handleBase.replacingOccurrences(of: ".", with: "_"))\(index)" : nil
        let tier = rng.chance(0.15) ? "premium" : "standard"
        let createdAt = anchor.addingTimeInterval(-Double(rng.next() % UInt64(Self.twoYears + 180 * Self.dayLength)))
        return Customer(
            name: "\(first) \(last)", nameKey: nameKey, email: email, phone: phone, social: social, tier: tier,
            createdAt: createdAt)
    }

    /// Just the name of customer `index` (the same as `customer(index).name`, much cheaper).
    /// A staff member's name for extra demo agents, the same for the same index.
    public static func staffName(_ index: Int) -> String {
        var rng = SeededRandom(seed: 99, stream: 9, index: index)
        return "\(rng.pick(firstNames)) \(rng.pick(lastNames))"
    }

    public func customerName(_ index: Int) -> String {
        var rng = SeededRandom(seed: seed, stream: 1, index: index)
        let first = rng.pick(Self.firstNames)
        return "\(first) \(rng.pick(Self.lastNames))"
    }

    public func supportCase(_ index: Int) -> Case {
        var rng = SeededRandom(seed: seed, stream: 2, index: index)
        let customerIndex = Int(rng.next() % UInt64(customerCount))
        let topic = rng.pick(Self.topics)
        let order = "FD-\(100_000 + Int(rng.next() % 900_000))"
        let item = rng.pick(Self.items)
        let days = 2 + Int(rng.next() % 9)
        func fill(_ text: String) -> String {
            text.replacingOccurrences(of: "{order}", with: order).replacingOccurrences(of: "{item}", with: item)
                .replacingOccurrences(of: "{days}", with: String(days))
        }
        let channel = rng.pick([ContactChannel.email, .email, .email, .chat, .chat, .phone, .social, .webForm])
        let age = Double(rng.next() % UInt64(Self.twoYears))
        let createdAt = anchor.addingTimeInterval(-age)
        let status: CaseStatus
        if age > 14 * Self.dayLength {
            status = rng.chance(0.9) ? .closed : .resolved
        } else {
            status = rng.pick([.new, .open, .open, .pendingCustomer, .pendingInternal, .resolved])
        }
        var entries: [Entry] = []
        var at = createdAt
        func step() { at = min(anchor, at.addingTimeInterval(Double(60 + rng.next() % 14_400))) }
        if channel == .phone {
            let talk = 60 + Int(rng.next() % 900)
            entries.append(
                Entry(
                    kind: .call, direction: .inbound, channel: .phone, byAgent: true, body: fill(topic.opening),
                    call: (talk, Int(rng.next() % 120), 30 + Int(rng.next() % 240)), at: at))
        } else {
            entries.append(
                Entry(
                    kind: .message, direction: .inbound, channel: channel, byAgent: false, body: fill(topic.opening),
                    call: nil, at: at))
        }
        if status != .new {
            if rng.chance(0.3) {
                step()
                entries.append(
                    Entry(
                        kind: .note, direction: .internal, channel: channel, byAgent: true, body: rng.pick(Self.notes),
                        call: nil, at: at))
            }
            step()
            entries.append(
                Entry(
                    kind: .message, direction: .outbound, channel: channel, byAgent: true, body: fill(topic.answer),
                    call: nil, at: at))
            if rng.chance(0.35) {
                step()
                entries.append(
                    Entry(
                        kind: .message, direction: .inbound, channel: channel, byAgent: false,
                        body: rng.pick(Self.followUps), call: nil, at: at))
            }
        }
        return Case(
            customerIndex: customerIndex, queueIndex: Int(rng.next() % UInt64(queueCount)),
            subject: fill(topic.subject), channel: channel,
            status: status, createdAt: createdAt, lastActivityAt: entries.last!.at, entries: entries)
    }
}

extension DemoData {
    /// A prefix for one kind of row of this data set, so ids of different seeds and kinds differ.
    func prefix(_ kind: UInt64) -> UInt32 {
        var rng = SeededRandom(seed: seed, stream: 20 + kind, index: 0)
        return UInt32(truncatingIfNeeded: rng.next())
    }

    /// The id of customer `index` in this data set; ids sort in index order.
    public func customerID(_ index: Int) -> UUID {
        var rng = SeededRandom(seed: seed, stream: 11, index: index)
        return rng.orderedUUID(stream: prefix(1), ordinal: UInt64(index))
    }

    /// The id of case `index` in this data set; ids sort in index order.
    public func caseID(_ index: Int) -> UUID {
        var rng = SeededRandom(seed: seed, stream: 12, index: index)
        return rng.orderedUUID(stream: prefix(2), ordinal: UInt64(index))
    }

    /// The id of row `part` belonging to item `index` (an identity of a customer, an entry or an
    /// owner row of a case); ids sort by item, then part.
    public func childID(kind: UInt64, index: Int, part: Int) -> UUID {
        var rng = SeededRandom(seed: seed, stream: 30 + kind, index: index &* 16 &+ part)
        return rng.orderedUUID(stream: prefix(kind + 10), ordinal: UInt64(index) << 4 | UInt64(part & 15))
    }
}
