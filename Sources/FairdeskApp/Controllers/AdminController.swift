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
        admin.put(":userID", "placement", use: placement)

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

    @Sendable func placement(req: Request) async throws -> UserDTO {
        try UserDTO(
            try await AdminActions(req).setPlacement(
                userID: req.parameters.get("userID", as: UUID.self), try req.content.decode(PlacementRequest.self)))
    }

    @Sendable func createUser(req: Request) async throws -> Response {
        let user = try await AdminActions(req).createUser(try req.content.decode(CreateUserRequest.self))
        return try await UserDTO(user).encodeResponse(status: .created, for: req)
    }

    @Sendable func changeRole(req: Request) async throws -> UserDTO {
        let input = try req.content.decode(RoleChangeRequest.self)
        return try UserDTO(
            try await AdminActions(req).changeRole(userID: req.parameters.get("userID", as: UUID.self), input))
    }

    @Sendable func listQueues(req: Request) async throws -> [QueueDTO] {
        try await Queue.query(on: req.db).sort(\.$name).all().map(QueueDTO.init)
    }

    @Sendable func createQueue(req: Request) async throws -> Response {
        let queue = try await AdminActions(req).createQueue(try req.content.decode(CreateQueueRequest.self))
        return try await QueueDTO(queue).encodeResponse(status: .created, for: req)
    }

    @Sendable func addMember(req: Request) async throws -> HTTPStatus {
        let input = try req.content.decode(QueueMemberRequest.self)
        try await AdminActions(req).addMember(queueID: req.parameters.get("queueID", as: UUID.self), input)
        return .noContent
    }

    @Sendable func auditLog(req: Request) async throws -> [AuditEntryDTO] {
        let query = AuditEntry.query(on: req.db).sort(\.$sequence, .descending).limit(200)
        if let subject: String = req.query["subjectId"] { query.filter(\.$subjectID == subject) }
        return try await query.all().map(AuditEntryDTO.init)
    }
}
