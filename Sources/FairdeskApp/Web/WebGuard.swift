import FairdeskCore
import Vapor

/// Admits logged-in people with one of `roles` to web pages; sends others to the login page
/// (and back afterwards), or shows a page that says what role is needed.
struct WebGuard: AsyncMiddleware {
    var roles: Set<Role>

    init(_ roles: Set<Role>) { self.roles = roles }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let user = request.auth.get(User.self) else {
            let target = request.url.path + (request.url.query.map { "?" + $0 } ?? "")
            var query = URLComponents()
            query.queryItems = [URLQueryItem(name: "next", value: target)]
            return request.redirect(to: SitePath.login.path + "?" + (query.percentEncodedQuery ?? ""))
        }
        guard roles.contains(user.role) else {
            let names = roles.map(\.rawValue).sorted().joined(separator: ", ")
            throw ApiError.forbidden("this page is for: \(names); you are logged in as \(user.role.rawValue)")
        }
        return try await next.respond(to: request)
    }
}
