import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// An agent's skills, capacity per channel and availability, as stored.
struct AgentProfile: Sendable, Equatable {
    var userID: UUID
    var skills: Set<String>
    var capacity: [ContactChannel: Int]
    var availability: AgentAvailability
    var availabilitySince: Date
    var lastAssignedAt: Date?

    /// What an agent starts with: a few emails or social messages at once, few chats, one call.
    static let defaultCapacity: [ContactChannel: Int] = [.email: 8, .webForm: 8, .social: 6, .chat: 3, .phone: 1]

    struct Row: Decodable {
        var userId: UUID
        var skills: String
        var capacity: String
        var availability: AgentAvailability
        var availabilitySince: Date
        var lastAssignedAt: Date?
    }

    init(row: Row) {
        userID = row.userId
        skills = Self.parseSkillsLeniently(row.skills)
        capacity = Self.parseCapacityLeniently(row.capacity)
        availability = row.availability
        availabilitySince = row.availabilitySince
        lastAssignedAt = row.lastAssignedAt
    }

    init(
        userID: UUID, skills: Set<String> = [], capacity: [ContactChannel: Int] = defaultCapacity,
        availability: AgentAvailability = .offline, since: Date
    ) {
        self.userID = userID
        self.skills = skills
        self.capacity = capacity
        self.availability = availability
        self.availabilitySince = since
    }

    static func find(_ userID: UUID, on db: any Database) async throws -> AgentProfile? {
        try await db.sql.raw("SELECT * FROM agent_profiles WHERE user_id = \(bind: userID)")
            .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase).map(AgentProfile.init(row:))
    }

    /// Inserts or replaces the profile.
    func save(on db: any Database) async throws {
        try await db.sql.raw(
            """
            INSERT INTO agent_profiles (id, user_id, skills, capacity, availability, availability_since, \
            last_assigned_at) VALUES (\(bind: userID), \(bind: userID), \(bind: Self.skillsText(skills)), \
            \(bind: Self.capacityText(capacity)), \(bind: availability.rawValue), \(bind: availabilitySince), \
            \(bind: lastAssignedAt)) ON CONFLICT (user_id) DO UPDATE SET skills = excluded.skills, \
            capacity = excluded.capacity, availability = excluded.availability, \
            availability_since = excluded.availability_since, last_assigned_at = excluded.last_assigned_at
            """
        ).run()
    }

    // MARK: Text forms, as admins type them

    /// "Refunds, german" → ["refunds", "german"]. Skills are words of letters, digits and dashes.
    static func parseSkills(_ text: String, field: String = "skills") throws(ValidationFailure) -> Set<String> {
        var skills = Set<String>()
        for part in text.split(whereSeparator: { $0 == "," || $0 == "\n" }) {
            let skill = part.trimmingCharacters(in: .whitespaces).lowercased()
            if skill.isEmpty { continue }
            guard skill.count <= 40, skill.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            else {
                throw ValidationFailure(
                    field: field, rule: "must be words of letters, digits and dashes separated by commas (\"\(skill)\")"
                )
            }
            skills.insert(skill)
        }
        return skills
    }

    private static func parseSkillsLeniently(_ text: String) -> Set<String> { (try? parseSkills(text)) ?? [] }

    /// The stored capacity, or the default when the stored text cannot be read.
    static func parseCapacityLeniently(_ text: String) -> [ContactChannel: Int] {
        (try? parseCapacity(text)) ?? defaultCapacity
    }

    static func skillsText(_ skills: Set<String>) -> String { skills.sorted().joined(separator: ", ") }

    /// "email=6, chat=3" → open cases at once per channel; channels left out get none.
    static func parseCapacity(_ text: String, field: String = "capacity") throws(ValidationFailure)
        -> [ContactChannel: Int]
    {
        var capacity: [ContactChannel: Int] = [:]
        let rule =
            "must list channel=number pairs, like \"email=6, chat=3\" (channels: "
            + ContactChannel.allCases.map(\.rawValue).joined(separator: ", ") + "; numbers 0 to 100)"
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, let channel = ContactChannel(rawValue: pair[0].lowercased()),
                let count = Int(pair[1]), (0...100).contains(count), capacity[channel] == nil
            else { throw ValidationFailure(field: field, rule: rule) }
            capacity[channel] = count
        }
        return capacity
    }

    static func capacityText(_ capacity: [ContactChannel: Int]) -> String {
        ContactChannel.allCases.compactMap { channel in capacity[channel].map { "\(channel.rawValue)=\($0)" } }
            .joined(separator: ", ")
    }
}
