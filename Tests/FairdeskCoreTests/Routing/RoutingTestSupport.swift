import Foundation

@testable import FairdeskCore

/// A readable fixed id: `id(3)` is 00000000-0000-0000-0000-000000000003, so tie-break order is obvious.
func id(_ number: Int) -> UUID {
    UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", number))!
}

/// Minutes after a fixed morning, so tests read as "waited 5 minutes" instead of epoch seconds.
func minute(_ minutes: Double) -> Date {
    Date(timeIntervalSince1970: 1_778_054_400 + minutes * 60)
}

/// An available chat agent with room for three chats, idle since the start of the morning.
func agent(
    _ number: Int, queues: Set<UUID> = [], skills: Set<String> = [], chats: Int = 3, load: Int = 0,
    availability: AgentAvailability = .available, idleSince: Date = minute(0)
) -> AgentSnapshot {
    AgentSnapshot(
        id: id(number), queueIDs: queues, skills: skills, capacity: [.chat: chats], load: [.chat: load],
        availability: availability, idleSince: idleSince)
}

/// A chat waiting since `since`, with no queue, skills or deadline unless given.
func chat(
    _ number: Int, queue: UUID? = nil, skills: Set<String> = [], tier: Int = 0, since: Date = minute(0),
    due: Date? = nil, frustrated: Bool = false, returningTo: UUID? = nil
) -> WaitingCase {
    WaitingCase(
        id: id(number), queueID: queue, channel: .chat, requiredSkills: skills, tierPriority: tier,
        waitingSince: since, dueAt: due, frustrated: frustrated, returningAgentID: returningTo)
}
