import Fluent
import Foundation
import Vapor

/// Logs in API clients by `Authorization: Bearer <token>`.
struct TokenAuthenticator: AsyncBearerAuthenticator {
    func authenticate(bearer: BearerAuthorization, for request: Request) async throws {
        let hash = AuditLog.sha256(bearer.token)
        let cache = request.fairdesk.logins
        if let known = cache.entry(for: hash, now: request.now) {
            request.auth.login(known.user)
            request.storage[AuthMethodKey.self] = .bearer
            request.storage[KnownQueuesKey.self] = known.queueIDs
            return
        }
        guard let token = try await ApiToken.query(on: request.db).filter(\.$tokenHash == hash).with(\.$user).first()
        else { return }
        if let expiry = token.expiresAt, expiry <= request.now { return }
        guard token.user.active else { return }
        request.auth.login(token.user)
        request.storage[AuthMethodKey.self] = .bearer
        let viewer = try await request.viewer()
        cache.remember(
            .init(user: token.user, queueIDs: viewer.queueIDs, checkedAt: request.now, tokenExpiresAt: token.expiresAt),
            for: hash)
    }
}

/// How the current request was authenticated; sessions need a CSRF header on writes, tokens do not.
enum AuthMethod: Sendable {
    case bearer
    case session
}

/// Queue memberships already known for this request (from ``LoginCache``).
struct KnownQueuesKey: StorageKey {
    typealias Value = Set<UUID>
}

struct AuthMethodKey: StorageKey {
    typealias Value = AuthMethod
}

/// Makes new API tokens and session secrets.
enum Secrets {
    /// 256 random bits, URL-safe, with a recognisable prefix so leaked tokens can be found by scanners.
    static func token(prefix: String = "fdk_") -> String {
        prefix
            + Data([UInt8].random(count: 32)).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
