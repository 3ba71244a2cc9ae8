import FairdeskCore
import Fluent
import Foundation
import Vapor

/// Managing people, roles and queues, the same for the JSON API and the admin pages.
struct AdminActions {
    let app: Application
    let viewer: Viewer
    let password: AsyncPasswordHasher

    init(_ req: Request) async throws {
        self.app = req.application
        self.viewer = try await req.viewer()
        self.password = req.password.async
    }

    private var now: Date { app.fairdesk.clock.now }

    func createUser(_ input: CreateUserRequest) async throws -> User {
        guard viewer.role == .admin else { throw ApiError.forbidden("only an admin adds users") }
        var checks = Checks()
        let name = checks.text(input.name, field: "name", max: 200)
        let role = checks.oneOf(input.role, field: "role", as: Role.self)
        var parsedEmail: String?
        do { parsedEmail = try Identity(kind: .email, raw: input.email, field: "email").value } catch {
            for problem in error.problems { checks.add(problem.field, problem.rule) }
        }
        let email = parsedEmail
        if input.password.count < 10 { checks.add("password", "must be at least 10 characters") }
        if input.password.count > 200 { checks.add("password", "must be at most 200 characters") }
        if role == .customer && input.customerId == nil { checks.add("customerId", "is required for a customer login") }
        if let role, role != .customer && input.customerId != nil {
            checks.add("customerId", "must be left out: only customer logins are linked to a customer record")
        }
        try checks.finish()
        let hash = try await password.hash(input.password)
        let actor = viewer.actor
        let now = now
        return try await app.write { db in
            if try await User.query(on: db).filter(\.$email == email!).first() != nil {
                throw ApiError.conflict("is already used by another user", field: "email")
            }
            if let customerId = input.customerId, try await Customer.find(customerId, on: db) == nil {
                throw ApiError.invalid(field: "customerId", rule: "must be an existing customer")
            }
            let user = User(
                email: email!, name: name!, role: role!, passwordHash: hash, customerID: input.customerId,
                createdAt: now)
            try await user.create(on: db)
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "user.created", subjectType: "user", subjectID: user.requireID(),
                reason: nil, details: ["role": role!.rawValue, "email": email!])
            return user
        }
    }

    func changeRole(userID: UUID?, _ input: RoleChangeRequest) async throws -> User {
        guard viewer.role == .admin else { throw ApiError.forbidden("only an admin changes roles") }
        var checks = Checks()
        let role = checks.oneOf(input.role, field: "role", as: Role.self)
        let reason = checks.text(input.reason, field: "reason", max: 2_000)
        try checks.finish()
        let viewer = viewer
        let now = now
        let changed = try await app.write { db in
            guard let userID, let user = try await User.find(userID, on: db) else { throw ApiError.notFound("user") }
            if user.id == viewer.userID && role != .admin {
                throw ApiError.invalid(field: "role", rule: "cannot remove your own admin role; ask another admin")
            }
            if role == .customer && user.$customer.id == nil {
                throw ApiError.invalid(field: "role", rule: "customer needs a login linked to a customer record")
            }
            let from = user.role
            guard from != role else { throw ApiError.invalid(field: "role", rule: "is already \(from.rawValue)") }
            user.role = role!
            try await user.save(on: db)
            try await AuditLog.append(
                on: db, at: now, actor: viewer.actor, action: "user.role_changed", subjectType: "user",
                subjectID: user.requireID(), reason: reason, details: ["from": from.rawValue, "to": role!.rawValue])
            return user
        }
        app.fairdesk.logins.forget(userID: changed.id!)
        return changed
    }

    /// Sets the team and jurisdiction a person works in, which decide the policies that bind them.
    func setPlacement(userID: UUID?, _ input: PlacementRequest) async throws -> User {
        guard viewer.role == .admin else { throw ApiError.forbidden("only an admin sets teams and jurisdictions") }
        var checks = Checks()
        let team = checks.text(input.team, field: "team", max: 60, required: false) ?? ""
        let jurisdiction = (checks.text(input.jurisdiction, field: "jurisdiction", max: 20, required: false) ?? "")
            .uppercased()
        if !jurisdiction.isEmpty && !PolicyAudience.isJurisdictionCode(jurisdiction) {
            checks.add("jurisdiction", "must be a code of letters, digits and dashes, like FR or US-WA")
        }
        let reason = checks.text(input.reason, field: "reason", max: 2_000)
        try checks.finish()
        let (actor, now) = (viewer.actor, now)
        let changed = try await app.write { db in
            guard let userID, let user = try await User.find(userID, on: db) else { throw ApiError.notFound("user") }
            let before = (user.team, user.jurisdiction)
            user.team = team
            user.jurisdiction = jurisdiction
            try await user.save(on: db)
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "user.placement_changed", subjectType: "user",
                subjectID: user.requireID(), reason: reason,
                details: [
                    "team": team, "jurisdiction": jurisdiction, "teamBefore": before.0, "jurisdictionBefore": before.1,
                ])
            return user
        }
        app.fairdesk.logins.forget(userID: changed.id!)
        return changed
    }

    func createQueue(_ input: CreateQueueRequest) async throws -> Queue {
        guard viewer.isSupervisor else { throw ApiError.forbidden("only leads and admins manage queues") }
        var checks = Checks()
        let name = checks.text(input.name, field: "name", max: 100)
        let description = checks.text(input.description, field: "description", max: 1_000, required: false) ?? ""
        try checks.finish()
        let now = now
        return try await app.write { db in
            if try await Queue.query(on: db).filter(\.$name == name!).first() != nil {
                throw ApiError.conflict("is already the name of a queue", field: "name")
            }
            let queue = Queue(name: name!, description: description, createdAt: now)
            try await queue.create(on: db)
            return queue
        }
    }

    func addMember(queueID: UUID?, _ input: QueueMemberRequest) async throws {
        guard viewer.isSupervisor else { throw ApiError.forbidden("only leads and admins manage queues") }
        try await app.write { db in
            guard let queueID, try await Queue.find(queueID, on: db) != nil else { throw ApiError.notFound("queue") }
            guard let user = try await User.find(input.userId, on: db), Role.caseWorkers.contains(user.role) else {
                throw ApiError.invalid(field: "userId", rule: "must be an agent, lead or admin")
            }
            let existing = try await QueueMember.query(on: db).filter(\.$queue.$id == queueID)
                .filter(\.$user.$id == input.userId).first()
            if existing == nil { try await QueueMember(queueID: queueID, userID: input.userId).create(on: db) }
        }
        app.fairdesk.logins.forget(userID: input.userId)
    }
}
