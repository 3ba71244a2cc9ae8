import Fluent
import Foundation

/// A line of cases that a group of agents works.
final class Queue: Model, @unchecked Sendable {
    static let schema = "queues"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "description") var description: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(id: UUID? = nil, name: String, description: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.createdAt = createdAt
    }
}

/// An agent's membership of a queue: they see and work its cases.
final class QueueMember: Model, @unchecked Sendable {
    static let schema = "queue_members"

    @ID(key: .id) var id: UUID?
    @Parent(key: "queue_id") var queue: Queue
    @Parent(key: "user_id") var user: User

    init() {}

    init(queueID: UUID, userID: UUID) {
        self.$queue.id = queueID
        self.$user.id = userID
    }
}
