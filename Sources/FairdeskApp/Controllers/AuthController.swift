import FairdeskCore
import Fluent
import Foundation
import Vapor

/// `/api/v1/auth`: API tokens for programs, cookie sessions for the web UI, and `/me`.
struct AuthController: RouteCollection {
    /// API tokens last this long.
    static let tokenLifetime: TimeInterval = 90 * 86_400

    func boot(routes: any RoutesBuilder) throws {
        let auth = routes.grouped("auth")
        auth.post("tokens", use: issueToken)
        auth.post("session", use: logIn)
        auth.grouped(RoleGuard.anyone).delete("session", use: logOut)
        auth.grouped(RoleGuard.anyone).delete("tokens", "current", use: revokeToken)
        routes.grouped(RoleGuard.anyone).get("me", use: me)
    }

    /// The API's login routes take JSON only: a browser cannot send JSON to another site without
    /// that site's consent (CORS), so a cross-site form cannot log someone into an attacker's account.
    static func requireJSON(_ req: Request) throws {
        guard req.headers.contentType == .json else {
            throw ApiError(
                status: .unsupportedMediaType, code: "unsupported_media_type",
                reason: "send the login as application/json",
                problems: [FieldProblem(field: "Content-Type", rule: "must be application/json")])
        }
    }

    /// Checks an email and password; the same answer for an unknown email and a wrong password.
    static func check(_ input: LoginRequest, on req: Request) async throws -> User {
        var checks = Checks()
        checks.text(input.email, field: "email", max: 254)
        checks.text(input.password, field: "password", max: 200)
        try checks.finish()
        let email = input.email.trimmingCharacters(in: .whitespaces).lowercased()
        let user = try await User.query(on: req.db).filter(\.$email == email).first()
        guard let user, user.active, try await req.password.async.verify(input.password, created: user.passwordHash)
        else {
            throw ApiError(
                status: .unauthorized, code: "bad_credentials",
                reason: "that email and password do not match an active user",
                problems: [FieldProblem(field: "password", rule: "does not match the email")])
        }
        return user
    }

    @Sendable func issueToken(req: Request) async throws -> Response {
        try Self.requireJSON(req)
        let input = try req.content.decode(LoginRequest.self)
        let user = try await Self.check(input, on: req)
        let secret = Secrets.token()
        let expires = req.now.addingTimeInterval(Self.tokenLifetime)
        let token = ApiToken(
            userID: try user.requireID(), name: String((input.name ?? "API client").prefix(100)),
            tokenHash: AuditLog.sha256(secret), createdAt: req.now, expiresAt: expires)
        try await req.write { db in try await token.create(on: db) }
        return try await TokenDTO(token: secret, expiresAt: expires, user: UserDTO(user))
            .encodeResponse(status: .created, for: req)
    }

    @Sendable func revokeToken(req: Request) async throws -> HTTPStatus {
        guard let bearer = req.headers.bearerAuthorization else {
            throw ApiError.invalid(field: "Authorization", rule: "must carry the bearer token to revoke")
        }
        let hash = AuditLog.sha256(bearer.token)
        try await req.write { db in try await ApiToken.query(on: db).filter(\.$tokenHash == hash).delete() }
        req.fairdesk.logins.forget(tokenHash: hash)
        return .noContent
    }

    @Sendable func logIn(req: Request) async throws -> SessionDTO {
        try Self.requireJSON(req)
        let input = try req.content.decode(LoginRequest.self)
        let user = try await Self.check(input, on: req)
        let csrf = try await Self.startSession(for: user, on: req)
        return SessionDTO(user: try UserDTO(user), csrfToken: csrf)
    }

    /// Logs `user` in on a new session (a new id, so an id planted before login is worthless),
    /// with a fresh CSRF token, and returns the token.
    @discardableResult
    static func startSession(for user: User, on req: Request) async throws -> String {
        if let old = req.session.id {
            try await req.application.sessions.driver.deleteSession(old, for: req).get()
            req.session.id = nil
        }
        req.session.data = SessionData()
        req.session.authenticate(user)
        let csrf = Secrets.token(prefix: "")
        req.session.data[SessionGuard.csrfKey] = csrf
        req.session.data[SessionGuard.issuedKey] = String(req.now.timeIntervalSince1970)
        return csrf
    }

    @Sendable func logOut(req: Request) async throws -> HTTPStatus {
        req.auth.logout(User.self)
        if req.hasSession { req.session.destroy() }
        return .noContent
    }

    @Sendable func me(req: Request) async throws -> UserDTO {
        try UserDTO(try await req.viewer().user)
    }
}
