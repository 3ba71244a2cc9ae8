import FairdeskCore
import Fluent
import Vapor

/// `/login`, `/logout`, `/signup`, and `/`, which sends each role to its first page.
struct AuthPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: home)
        routes.get("login", use: loginPage)
        routes.post("login", use: logIn)
        routes.post("logout", use: logOut)
        routes.get("signup", use: signupPage)
        routes.post("signup", use: signUp)
    }

    struct LoginPage: Encodable {
        var layout: LayoutContext
        var form: FormState
        var next: String
    }

    struct SignupPage: Encodable {
        var layout: LayoutContext
        var form: FormState
    }

    /// The first page for a role.
    static func start(for role: Role) -> String {
        switch role {
        case .agent, .lead, .admin: SitePath.inbox.path
        case .customer: SitePath.myCases.path
        case .policyOwner, .driver, .reviewer: SitePath.policies.path
        }
    }

    /// A CSRF token for forms shown before login, kept in an anonymous session.
    static func anonymousToken(_ req: Request) -> String {
        if let token = req.session.data[SessionGuard.csrfKey] { return token }
        let token = Secrets.token(prefix: "")
        req.session.data[SessionGuard.csrfKey] = token
        return token
    }

    static func checkAnonymousToken(_ req: Request) throws {
        let sent = (try? req.content.get(String.self, at: "_csrf")) ?? ""
        guard req.hasSession, let expected = req.session.data[SessionGuard.csrfKey], !sent.isEmpty, sent == expected
        else {
            throw ApiError.forbidden("the form expired; reload the page and try again")
        }
    }

    /// Only paths on this site, never another host, are followed after login.
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else { return nil }
        return next
    }

    @Sendable func home(req: Request) async throws -> Response {
        guard let user = req.auth.get(User.self) else { return req.redirect(to: SitePath.login.path) }
        return req.redirect(to: Self.start(for: user.role))
    }

    @Sendable func loginPage(req: Request) async throws -> View {
        _ = Self.anonymousToken(req)
        let next = Self.safeNext(req.query[String.self, at: "next"]) ?? ""
        return try await req.view.render(
            "login",
            LoginPage(layout: LayoutContext(req, title: "Log in", current: .login), form: FormState(), next: next))
    }

    @Sendable func logIn(req: Request) async throws -> Response {
        try Self.checkAnonymousToken(req)
        struct Form: Content {
            var email: String?
            var password: String?
            var next: String?
        }
        let form = try req.content.decode(Form.self)
        do {
            let user = try await AuthController.check(
                LoginRequest(email: form.email ?? "", password: form.password ?? "", name: nil), on: req)
            try await AuthController.startSession(for: user, on: req)
            return req.redirect(to: Self.safeNext(form.next) ?? Self.start(for: user.role))
        } catch let error as ApiError where error.status == .unauthorized || error.status == .unprocessableEntity {
            let state = FormState(form: "login", values: ["email": form.email ?? ""], problems: error.problems)
            let page = LoginPage(
                layout: LayoutContext(req, title: "Log in", current: .login), form: state, next: form.next ?? "")
            let response = try await req.view.render("login", page).encodeResponse(for: req)
            response.status = .unauthorized
            return response
        }
    }

    @Sendable func logOut(req: Request) async throws -> Response {
        req.auth.logout(User.self)
        if req.hasSession { req.session.destroy() }
        return req.redirect(to: SitePath.login.path)
    }

    @Sendable func signupPage(req: Request) async throws -> View {
        _ = Self.anonymousToken(req)
        return try await req.view.render(
            "signup",
            SignupPage(layout: LayoutContext(req, title: "Create your account", current: .signup), form: FormState()))
    }

    /// A customer creates a login. A new address becomes a new customer; an address that already
    /// has a history is not linked to a login without proof that it is theirs, so it is refused
    /// with a way forward.
    @Sendable func signUp(req: Request) async throws -> Response {
        try Self.checkAnonymousToken(req)
        struct Form: Content {
            var name: String?
            var email: String?
            var password: String?
        }
        let form = try req.content.decode(Form.self)
        let values = ["name": form.name ?? "", "email": form.email ?? ""]
        do {
            var checks = Checks()
            let name = checks.text(form.name, field: "name", max: 200)
            var parsed: Identity?
            do { parsed = try Identity(kind: .email, raw: form.email ?? "", field: "email") } catch {
                for problem in error.problems { checks.add(problem.field, problem.rule) }
            }
            let identity = parsed
            let password = form.password ?? ""
            if password.count < 10 { checks.add("password", "must be at least 10 characters") }
            if password.count > 200 { checks.add("password", "must be at most 200 characters") }
            try checks.finish()
            let hash = try await req.password.async.hash(password)
            let now = req.now
            let user = try await req.write { db in
                if try await User.query(on: db).filter(\.$email == identity!.value).first() != nil {
                    throw ApiError.conflict("already has an account: log in instead", field: "email")
                }
                let directory = CustomerDirectory(db: db, now: now)
                if try await directory.owner(of: identity!) != nil {
                    throw ApiError.conflict(
                        "already has a history with us; to keep it private, ask us by email to send you a login",
                        field: "email")
                }
                let customer = try await directory.create(displayName: name!, tier: "standard", identities: [identity!])
                let user = User(
                    email: identity!.value, name: name!, role: .customer, passwordHash: hash,
                    customerID: try customer.requireID(), createdAt: now)
                try await user.create(on: db)
                return user
            }
            try await AuthController.startSession(for: user, on: req)
            req.flash("Welcome, \(user.name). Tell us what you need and we will answer here.")
            return req.redirect(to: SitePath.newCase.path)
        } catch let error as ValidationFailure {
            return try await signupRefused(req, values: values, problems: error.problems)
        } catch let error as ApiError where !error.problems.isEmpty {
            return try await signupRefused(req, values: values, problems: error.problems)
        }
    }

    private func signupRefused(_ req: Request, values: [String: String], problems: [FieldProblem]) async throws
        -> Response
    {
        let page = SignupPage(
            layout: LayoutContext(req, title: "Create your account", current: .signup),
            form: FormState(form: "signup", values: values, problems: problems))
        let response = try await req.view.render("signup", page).encodeResponse(for: req)
        response.status = .unprocessableEntity
        return response
    }
}
