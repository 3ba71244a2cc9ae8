import FairdeskCore
import Vapor

/// Admits only logged-in people with one of the given roles. Every API route group sits behind one.
struct RoleGuard: AsyncMiddleware {
    var roles: Set<Role>

    init(_ roles: Set<Role>) { self.roles = roles }

    /// Any logged-in person.
    static let anyone = RoleGuard(Set(Role.allCases))

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        _ = try await request.viewer(roles)
        return try await next.respond(to: request)
    }
}
