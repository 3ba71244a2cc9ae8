import FairdeskCore
import Fluent
import Foundation
import Vapor

/// `/api/v1/users` and `/api/v1/queues`: people, their roles, and the queues they work.
struct AdminController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let users = routes.grouped("users")
        users.grouped(RoleGuard([.admin, .lead])).get(use: listUsers)
        let admin = users.grouped(RoleGuard([.admin]))
        admin.post(use: createUser)
        admin.post(":userID", "role", use: changeRole)

        let queues = routes.grouped("queues")
        queues.grouped(RoleGuard(Role.caseWorkers)).get(use: listQueues)
        let managers = queues.grouped(RoleGuard([.admin, .lead]))
        managers.post(use: createQueue)
        managers.post(":queueID", "members", use: addMember)

        routes.grouped("audit").grouped(RoleGuard([.admin, .lead])).get(use: auditLog)
    }

    @Sendable func listUsers(req: Request) async throws -> [UserDTO] {
        try await User.query(on: req.db).sort(\.$name).limit(1000).all().map(UserDTO.init)
    }

    @Sendable func createUser(req: Request) async throws -> Response {
        let input = try req.content.decode(CreateUserRequest.self)
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
        let hash = try await req.password.async.hash(input.password)
        let viewer = try await req.viewer()
        let now = req.now
        let dto = try await req.write { db in
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
                on: db, at: now, actor: viewer.actor, action: "user.created", subjectType: "user",
                subjectID: user.requireID(), reason: nil, details: ["role": role!.rawValue, "email": email!])
            return try UserDTO(user)
        }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    @Sendable func changeRole(req: Request) async throws -> UserDTO {
        let input = try req.content.decode(RoleChangeRequest.self)
        var checks = Checks()
        let role = checks.oneOf(input.role, field: "role", as: Role.self)
        let reason = checks.text(input.reason, field: "reason", max: 2_000)
        try checks.finish()
        let viewer = try await req.viewer()
        let now = req.now
        return try await req.write { db in
            guard let id = req.parameters.get("userID", as: UUID.self), let user = try await User.find(id, on: db)
            else {
                throw ApiError.notFound("user")
            }
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
            return try UserDTO(user)
        }
    }

    @Sendable func listQueues(req: Request) async throws -> [QueueDTO] {
        try await Queue.query(on: req.db).sort(\.$name).all().map(QueueDTO.init)
    }

    @Sendable func createQueue(req: Request) async throws -> Response {
        let input = try req.content.decode(CreateQueueRequest.self)
        var checks = Checks()
        let name = checks.text(input.name, field: "name", max: 100)
        let description = checks.text(input.description, field: "description", max: 1_000, required: false) ?? ""
        try checks.finish()
        let now = req.now
        let dto = try await req.write { db in
            if try await Queue.query(on: db).filter(\.$name == name!).first() != nil {
                throw ApiError.conflict("is already the name of a queue", field: "name")
            }
            let queue = Queue(name: name!, description: description, createdAt: now)
            try await queue.create(on: db)
            return try QueueDTO(queue)
        }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    @Sendable func addMember(req: Request) async throws -> HTTPStatus {
        let input = try req.content.decode(QueueMemberRequest.self)
        try await req.write { db in
            guard let id = req.parameters.get("queueID", as: UUID.self), try await Queue.find(id, on: db) != nil else {
                throw ApiError.notFound("queue")
            }
            guard let user = try await User.find(input.userId, on: db), Role.caseWorkers.contains(user.role) else {
                throw ApiError.invalid(field: "userId", rule: "must be an agent, lead or admin")
            }
            let existing = try await QueueMember.query(on: db).filter(\.$queue.$id == id)
                .filter(\.$user.$id == input.userId).first()
            if existing == nil { try await QueueMember(queueID: id, userID: input.userId).create(on: db) }
        }
        return .noContent
    }

    @Sendable func auditLog(req: Request) async throws -> [AuditEntryDTO] {
        let query = AuditEntry.query(on: req.db).sort(\.$sequence, .descending).limit(200)
        if let subject: String = req.query["subjectId"] { query.filter(\.$subjectID == subject) }
        return try await query.all().map(AuditEntryDTO.init)
    }
}
