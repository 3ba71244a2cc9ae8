import Fluent
import Vapor

/// Web sessions: restores the user from the session cookie, expires sessions that have been idle
/// longer than the configured lifetime, and demands the session's CSRF token on every request that
/// changes something.
struct SessionGuard: AsyncMiddleware {
    static let issuedKey = "seen"
    static let csrfKey = "csrf"
    static let csrfHeader = "X-CSRF-Token"
    static let loginPaths: Set<String> = ["/\(SitePath.apiPrefix)/auth/session", "/\(SitePath.apiPrefix)/auth/tokens"]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // A bearer token, not the cookie, speaks for API clients; logging in proves itself with the password.
        guard request.headers.bearerAuthorization == nil,
            !(request.method == .POST && Self.loginPaths.contains(request.url.path)),
            request.hasSession, let id = request.session.authenticated(User.self)
        else { return try await next.respond(to: request) }

        let now = request.now.timeIntervalSince1970
        let lastSeen = request.session.data[Self.issuedKey].flatMap(Double.init) ?? 0
        // An idle or deactivated session is emptied, not destroyed: a page this request shows (the
        // login form) may keep its own token in it, which a destroyed session would lose, failing
        // the first login after an expiry. Logging in moves to a new session id anyway.
        if now - lastSeen > Double(request.fairdesk.config.sessionLifetimeSeconds) {
            request.session.data = SessionData()
            return try await next.respond(to: request)
        }
        guard let user = try await User.find(id, on: request.db), user.active else {
            request.session.data = SessionData()
            return try await next.respond(to: request)
        }
        if ![.GET, .HEAD, .OPTIONS].contains(request.method) {
            // Programs send the header; HTML forms send a hidden `_csrf` field. A form body that
            // arrived in several pieces is not collected yet when middleware runs, so collect it
            // first (up to the largest upload a form may carry), or the field would seem missing.
            if request.headers.first(name: Self.csrfHeader) == nil, request.body.data == nil {
                let upload = request.headers.contentType?.type == "multipart"
                let limit = upload ? 64 * 1024 * 1024 : request.application.routes.defaultMaxBodySize.value
                _ = try await request.body.collect(max: limit).get()
            }
            let sent =
                request.headers.first(name: Self.csrfHeader)
                ?? (try? request.content.get(String.self, at: "_csrf")) ?? ""
            guard let expected = request.session.data[Self.csrfKey], !sent.isEmpty, sent == expected else {
                throw ApiError.forbidden("the \(Self.csrfHeader) header must carry the token given at login")
            }
        }
        // Idle time is counted from the last request, to within a minute (a tenth of the lifetime
        // when that is shorter), so most requests leave the stored session untouched.
        let step = min(60, Double(request.fairdesk.config.sessionLifetimeSeconds) / 10)
        if now - lastSeen >= step { request.session.data[Self.issuedKey] = String(now) }
        request.auth.login(user)
        request.storage[AuthMethodKey.self] = .session
        return try await next.respond(to: request)
    }
}
