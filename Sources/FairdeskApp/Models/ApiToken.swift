import Fluent
import Foundation

/// A bearer token for API clients. Only its SHA-256 is stored; the token itself is shown once.
final class ApiToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "expires_at") var expiresAt: Date?

    init() {}

    init(userID: UUID, name: String, tokenHash: String, createdAt: Date, expiresAt: Date?) {
        self.$user.id = userID
        self.name = name
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
