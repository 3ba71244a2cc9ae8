import FairdeskCore
import Fluent
import Foundation
import Vapor

/// Pages for leads and admins: users and roles, queues and their members, and the settings in force.
struct AdminPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped("admin")
        let supervisors = admin.grouped(WebGuard(Role.supervisors))
        supervisors.get("users", use: users)
        supervisors.get("queues", use: queues)
        supervisors.post("queues", use: createQueue)
        supervisors.post("queues", ":queueID", "members", use: addMember)
        supervisors.post("queues", ":queueID", "skills", use: queueSkills)
        supervisors.post("agents", ":userID", "profile", use: agentProfile)
        let admins = admin.grouped(WebGuard([.admin]))
        admins.post("users", use: createUser)
        admins.post("users", ":userID", "role", use: changeRole)
        admins.post("users", ":userID", "placement", use: placement)
        admins.get("settings", use: settings)
        admins.get("mail", use: mail)
    }

    struct UserRow: Encodable {
        var id: String
        var name: String
        var email: String
        var role: String
        var roles: [SelectOption]
        var roleAction: String
        var team: String
        var jurisdiction: String
        var placementAction: String
    }

    struct UsersPage: Encodable {
        var layout: LayoutContext
        var users: [UserRow]
        var roles: [SelectOption]
        var canEdit: Bool
        var createAction: String
        var form: FormState
    }

    struct QueueRow: Encodable {
        var id: String
        var name: String
        var description: String
        var members: String
        var memberAction: String
        var skills: String
        var skillsAction: String
    }

    /// An agent's skills and capacity, as the queues page edits them.
    struct AgentRow: Encodable {
        var id: String
        var name: String
        var availability: String
        var skills: String
        var capacity: String
        var profileAction: String
    }

    struct QueuesPage: Encodable {
        var layout: LayoutContext
        var queues: [QueueRow]
        var staff: [SelectOption]
        var agents: [AgentRow]
        var createAction: String
        var form: FormState
    }

    struct Setting: Encodable {
        var name: String
        var variable: String
        var value: String
    }

    struct SettingsPage: Encodable {
        var layout: LayoutContext
        var settings: [Setting]
    }

    // MARK: Users

    func renderUsers(_ req: Request, form: FormState = FormState(), status: HTTPStatus = .ok) async throws -> Response {
        let viewer = try await req.viewer()
        let all = try await User.query(on: req.db).sort(\.$name).limit(1_000).all()
        let rows = all.map { user in
            UserRow(
                id: user.id!.uuidString, name: user.name, email: user.email, role: user.role.rawValue,
                roles: Role.allCases.map { SelectOption($0.rawValue, $0.rawValue, selected: user.role.rawValue) },
                roleAction: SitePath.adminUsers.path + "/\(user.id!)/role", team: user.team,
                jurisdiction: user.jurisdiction, placementAction: SitePath.adminUserPlacement(user.id!).path)
        }
        let page = UsersPage(
            layout: LayoutContext(req, title: "Users", current: .adminUsers), users: rows,
            roles: Role.allCases.filter { $0 != .customer }.map {
                SelectOption($0.rawValue, $0.rawValue, selected: form.values["role"] ?? "agent")
            },
            canEdit: viewer.role == .admin, createAction: SitePath.adminUsers.path, form: form)
        let response = try await req.view.render("admin-users", page).encodeResponse(for: req)
        response.status = status
        return response
    }

    @Sendable func users(req: Request) async throws -> Response { try await renderUsers(req) }

    /// Runs an admin action and comes back to `page`, or re-renders it with the problems.
    private func act(
        _ req: Request, form: String, values: [String: String], success: String,
        render: (Request, FormState, HTTPStatus) async throws -> Response, _ action: () async throws -> Void
    ) async throws -> Response {
        try await FormSubmission.handle(
            req, form: form, values: values, success: success,
            redirect: req.url.path.hasPrefix(SitePath.adminUsers.path)
                ? SitePath.adminUsers.path : SitePath.adminQueues.path,
            render: render, action)
    }

    @Sendable func createUser(req: Request) async throws -> Response {
        struct Form: Content {
            var email: String?
            var name: String?
            var role: String?
            var password: String?
        }
        let form = try req.content.decode(Form.self)
        return try await act(
            req, form: "create-user",
            values: ["email": form.email ?? "", "name": form.name ?? "", "role": form.role ?? ""],
            success: "User \(form.email ?? "") added.", render: renderUsers
        ) {
            _ = try await AdminActions(req).createUser(
                CreateUserRequest(
                    email: form.email ?? "", name: form.name ?? "", role: form.role ?? "",
                    password: form.password ?? "",
                    customerId: nil))
        }
    }

    @Sendable func changeRole(req: Request) async throws -> Response {
        struct Form: Content {
            var role: String?
            var reason: String?
        }
        let form = try req.content.decode(Form.self)
        let userID = req.parameters.get("userID", as: UUID.self)
        return try await act(
            req, form: "role-\(userID?.uuidString ?? "")",
            values: ["role": form.role ?? "", "reason": form.reason ?? ""],
            success: "Role changed to \(form.role ?? "").", render: renderUsers
        ) {
            _ = try await AdminActions(req).changeRole(
                userID: userID, RoleChangeRequest(role: form.role ?? "", reason: form.reason ?? ""))
        }
    }

    @Sendable func placement(req: Request) async throws -> Response {
        let form = try req.content.decode(PlacementRequest.self)
        let userID = req.parameters.get("userID", as: UUID.self)
        return try await act(
            req, form: "placement-\(userID?.uuidString ?? "")",
            values: ["team": form.team, "jurisdiction": form.jurisdiction, "reason": form.reason],
            success: "Team and jurisdiction saved.", render: renderUsers
        ) {
            _ = try await AdminActions(req).setPlacement(userID: userID, form)
        }
    }

    // MARK: Queues

    func renderQueues(_ req: Request, form: FormState = FormState(), status: HTTPStatus = .ok) async throws -> Response
    {
        let all = try await Queue.query(on: req.db).sort(\.$name).all()
        let memberships = try await QueueMember.query(on: req.db).with(\.$user).all()
        let staff = try await User.query(on: req.db).filter(\.$role ~~ Array(Role.caseWorkers)).sort(\.$name).all()
        struct SkillsRow: Decodable {
            var id: UUID
            var requiredSkills: String
        }
        let skills = try await req.db.sql.raw("SELECT id, required_skills FROM queues")
            .all(decoding: SkillsRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        let profiles = try await req.db.sql.raw("SELECT * FROM agent_profiles")
            .all(decoding: AgentProfile.Row.self, keyDecodingStrategy: .convertFromSnakeCase)
            .map(AgentProfile.init(row:))
        let rows = all.map { queue in
            QueueRow(
                id: queue.id!.uuidString, name: queue.name, description: queue.description,
                members: memberships.filter { $0.$queue.id == queue.id }.map(\.user.name).sorted().joined(
                    separator: ", "),
                memberAction: SitePath.adminQueues.path + "/\(queue.id!)/members",
                skills: form.form == "skills-\(queue.id!)"
                    ? form.values["requiredSkills"] ?? "" : skills.first { $0.id == queue.id }?.requiredSkills ?? "",
                skillsAction: SitePath.adminQueues.path + "/\(queue.id!)/skills")
        }
        let agents = staff.map { user in
            let profile = profiles.first { $0.userID == user.id } ?? AgentProfile(userID: user.id!, since: req.now)
            let editing = form.form == "profile-\(user.id!)"
            return AgentRow(
                id: user.id!.uuidString, name: user.name, availability: profile.availability.rawValue,
                skills: editing ? form.values["skills"] ?? "" : AgentProfile.skillsText(profile.skills),
                capacity: editing ? form.values["capacity"] ?? "" : AgentProfile.capacityText(profile.capacity),
                profileAction: "/admin/agents/\(user.id!)/profile")
        }
        let page = QueuesPage(
            layout: LayoutContext(req, title: "Queues", current: .adminQueues), queues: rows,
            staff: staff.map { SelectOption($0.id!.uuidString, "\($0.name) (\($0.role.rawValue))", selected: nil) },
            agents: agents, createAction: SitePath.adminQueues.path, form: form)
        let response = try await req.view.render("admin-queues", page).encodeResponse(for: req)
        response.status = status
        return response
    }

    @Sendable func queues(req: Request) async throws -> Response { try await renderQueues(req) }

    @Sendable func createQueue(req: Request) async throws -> Response {
        struct Form: Content {
            var name: String?
            var description: String?
        }
        let form = try req.content.decode(Form.self)
        return try await act(
            req, form: "create-queue", values: ["name": form.name ?? "", "description": form.description ?? ""],
            success: "Queue \(form.name ?? "") created.", render: renderQueues
        ) {
            _ = try await AdminActions(req).createQueue(
                CreateQueueRequest(name: form.name ?? "", description: form.description))
        }
    }

    @Sendable func queueSkills(req: Request) async throws -> Response {
        struct Form: Content { var requiredSkills: String? }
        let form = try req.content.decode(Form.self)
        let queueID = req.parameters.get("queueID", as: UUID.self)
        return try await act(
            req, form: "skills-\(queueID?.uuidString ?? "")", values: ["requiredSkills": form.requiredSkills ?? ""],
            success: "Required skills saved.", render: renderQueues
        ) {
            try await ServiceLevelActions(req).setQueueSkills(
                queueID, QueueSkillsRequest(requiredSkills: form.requiredSkills ?? ""))
        }
    }

    @Sendable func agentProfile(req: Request) async throws -> Response {
        struct Form: Content {
            var skills: String?
            var capacity: String?
        }
        let form = try req.content.decode(Form.self)
        let userID = req.parameters.get("userID", as: UUID.self)
        return try await act(
            req, form: "profile-\(userID?.uuidString ?? "")",
            values: ["skills": form.skills ?? "", "capacity": form.capacity ?? ""],
            success: "Skills and capacity saved.",
            render: renderQueues
        ) {
            _ = try await ServiceLevelActions(req).saveProfile(
                userID: userID, AgentProfileRequest(skills: form.skills ?? "", capacity: form.capacity ?? ""))
        }
    }

    @Sendable func addMember(req: Request) async throws -> Response {
        struct Form: Content { var userId: String? }
        let form = try req.content.decode(Form.self)
        let queueID = req.parameters.get("queueID", as: UUID.self)
        return try await act(
            req, form: "member-\(queueID?.uuidString ?? "")", values: ["userId": form.userId ?? ""],
            success: "Member added.", render: renderQueues
        ) {
            guard let userID = form.userId.flatMap(UUID.init(uuidString:)) else {
                throw ValidationFailure(field: "userId", rule: "must name a person")
            }
            try await AdminActions(req).addMember(queueID: queueID, QueueMemberRequest(userId: userID))
        }
    }

    // MARK: Settings

    struct MailRow: Encodable {
        var to: String
        var subject: String
        var kind: String
        var state: String
        var attempts: Int
        var error: String
        var created: String
        var sent: String
    }

    struct MailPage: Encodable {
        var layout: LayoutContext
        var emails: [MailRow]
        var hasEmails: Bool
        var received: [MailPages.Received]
        var hasReceived: Bool
        var configured: Bool
    }

    /// The outbox: the last 100 emails, whether each was sent, held or refused, and why; and the
    /// last 100 received, with what became of each.
    @Sendable func mail(req: Request) async throws -> View {
        let rows = try await Outbox.recent(on: req.db)
        let received = try await MailPages.received(on: req.db)
        return try await req.view.render(
            "admin-mail",
            MailPage(
                layout: LayoutContext(req, title: "Mail", current: .adminMail),
                emails: rows.map { row in
                    MailRow(
                        to: row.toName.map { "\($0) <\(row.toAddress)>" } ?? row.toAddress, subject: row.subject,
                        kind: row.kind, state: row.state, attempts: row.attempts, error: row.lastError ?? "",
                        created: PageTime.text(row.createdAt), sent: row.sentAt.map(PageTime.text) ?? "")
                }, hasEmails: !rows.isEmpty, received: received, hasReceived: !received.isEmpty,
                configured: req.fairdesk.mail != nil))
    }

    @Sendable func settings(req: Request) async throws -> View {
        let config = req.fairdesk.config
        let database: String =
            switch config.storage {
            case .sqlite(let path): "SQLite, \(path ?? "in memory")"
            case .postgres(let url, _): "PostgreSQL, \(DatabaseSetup.redacted(url))"
            }
        let settings = [
            Setting(name: "Database", variable: "DATABASE_URL", value: database),
            Setting(name: "Data folder", variable: "FAIRDESK_DATA_DIR", value: config.dataDirectory),
            Setting(
                name: "Shortest handoff note", variable: "FAIRDESK_HANDOFF_NOTE_MIN",
                value: "\(config.handoffNoteMinimum) characters"),
            Setting(
                name: "Owners before a lead must transfer", variable: "FAIRDESK_MAX_OWNERS",
                value: "\(config.maximumOwnersPerCase)"),
            Setting(name: "Reopen window", variable: "FAIRDESK_REOPEN_DAYS", value: "\(config.reopenWindowDays) days"),
            Setting(
                name: "Largest attachment", variable: "FAIRDESK_MAX_ATTACHMENT_BYTES",
                value: ByteCountFormatter.string(fromByteCount: Int64(config.maximumAttachmentBytes), countStyle: .file)
            ),
            Setting(
                name: "Web session lifetime (idle)", variable: "FAIRDESK_SESSION_SECONDS",
                value: "\(config.sessionLifetimeSeconds / 60) minutes"),
            Setting(name: "Password hash cost", variable: "FAIRDESK_BCRYPT_COST", value: "\(config.bcryptCost)"),
            Setting(name: "Default queue", variable: "(built in)", value: config.defaultQueueName),
            Setting(
                name: "Mail server", variable: "FAIRDESK_SMTP_URL",
                value: config.smtp?.summary ?? "none: outgoing mail is held"),
            Setting(name: "Mail sender", variable: "FAIRDESK_MAIL_FROM", value: config.mailFrom.header),
            Setting(name: "Address for links in mail", variable: "FAIRDESK_PUBLIC_URL", value: config.publicURL),
        ]
        return try await req.view.render(
            "admin-settings",
            SettingsPage(layout: LayoutContext(req, title: "Settings", current: .adminSettings), settings: settings))
    }
}
