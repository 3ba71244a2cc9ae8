import Foundation

/// Whether an agent can take new work right now.
public enum AgentAvailability: String, Codable, CaseIterable, Sendable {
    case available
    case away
    case offline
}

/// An agent as the router sees them at one moment: where they work, what they can do, how busy they are.
public struct AgentSnapshot: Sendable, Equatable {
    public var id: UUID
    public var queueIDs: Set<UUID>
    /// Skill tags, compared exactly; normalise them (e.g. lowercase) before building snapshots.
    public var skills: Set<String>
    /// Open cases at once per channel; a missing channel is 0, so the agent never gets that channel.
    public var capacity: [ContactChannel: Int] {
        didSet { refreshTallies() }
    }
    /// Open cases now, per channel.
    public var load: [ContactChannel: Int] {
        didSet { refreshTallies() }
    }
    public var availability: AgentAvailability
    /// The last assignment, or when they became available; the longest idle gets the next case on a tie.
    public var idleSince: Date

    /// A snapshot with everything the router looks at; load defaults to none.
    public init(
        id: UUID, queueIDs: Set<UUID> = [], skills: Set<String> = [], capacity: [ContactChannel: Int],
        load: [ContactChannel: Int] = [:], availability: AgentAvailability = .available, idleSince: Date
    ) {
        self.id = id
        self.queueIDs = queueIDs
        self.skills = skills
        self.capacity = capacity
        self.load = load
        self.availability = availability
        self.idleSince = idleSince
        refreshTallies()
    }

    /// Open cases across all channels.
    public var totalLoad: Int { tallies.totalLoad }

    /// Whether this agent may take `waiting` now: available, in its queue, has every skill, has room on
    /// its channel.
    public func canTake(_ waiting: WaitingCase) -> Bool {
        availability == .available && hasRoom(on: waiting.channel)
            && Self.serves(waiting.queueID, queueIDs: queueIDs) && Self.has(waiting.requiredSkills, skills: skills)
    }

    /// Whether load on `channel` is below capacity.
    public func hasRoom(on channel: ContactChannel) -> Bool { tallies.channelsWithRoom & channel.routingBit != 0 }

    /// Whether an agent in `queueIDs` works the queue `queueID`; every agent works a case without a queue.
    public static func serves(_ queueID: UUID?, queueIDs: Set<UUID>) -> Bool {
        guard let queueID else { return true }
        return contains(queueIDs, queueID)
    }

    /// Whether `skills` include every one of `required`.
    static func has(_ required: Set<String>, skills: Set<String>) -> Bool {
        required.isEmpty || required.allSatisfy { contains(skills, $0) }
    }

    /// Set membership that scans small sets: agents belong to a few queues and have a few skills, and
    /// comparing a handful of values is cheaper than hashing one, which matters across 10,000 agents.
    private static func contains<Element: Hashable>(_ set: Set<Element>, _ element: Element) -> Bool {
        set.count <= 8 ? set.contains(where: { $0 == element }) : set.contains(element)
    }

    // The router asks every agent the same two questions for each case; answering them from two integers
    // kept up to date here, instead of hashing into both dictionaries, keeps a pass over 10,000 agents
    // well under a millisecond.
    private var tallies = Tallies()

    private mutating func refreshTallies() {
        var fresh = Tallies()
        for count in load.values { fresh.totalLoad += count }
        for channel in ContactChannel.allCases where (load[channel] ?? 0) < (capacity[channel] ?? 0) {
            fresh.channelsWithRoom |= channel.routingBit
        }
        tallies = fresh
    }

    /// What the router needs from `capacity` and `load`, derived from them, so equal snapshots stay equal.
    private struct Tallies: Equatable {
        var totalLoad = 0
        /// One bit per channel (`ContactChannel.routingBit`) on which load is below capacity.
        var channelsWithRoom: UInt32 = 0
    }
}

extension ContactChannel {
    /// A distinct bit per channel, for sets of channels kept in one integer.
    var routingBit: UInt32 {
        switch self {
        case .email: 1 << 0
        case .chat: 1 << 1
        case .phone: 1 << 2
        case .social: 1 << 3
        case .webForm: 1 << 4
        case .bot: 1 << 5
        }
    }
}
