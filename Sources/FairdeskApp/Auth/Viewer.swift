import FairdeskCore
import Fluent
import Vapor

/// The logged-in person and what they may see, loaded once per request.
struct Viewer: Sendable {
    var user: User
    var userID: UUID
    /// Queues the person belongs to (agents).
    var queueIDs: Set<UUID>

    var role: Role { user.role }
    var actor: Actor { Actor(user) }

    var access: CaseAccess.Viewer {
        CaseAccess.Viewer(
            role: user.role, userKey: userID.uuidString, customerKey: user.$customer.id?.uuidString,
            queueKeys: Set(queueIDs.map(\.uuidString)))
    }

    func canRead(_ supportCase: SupportCase) -> Bool { CaseAccess.canRead(supportCase.accessFacts, by: access) }
    func canWork(_ supportCase: SupportCase) -> Bool { CaseAccess.canWorkOn(supportCase.accessFacts, by: access) }
    var isSupervisor: Bool { Role.supervisors.contains(role) }
    var isCaseWorker: Bool { Role.caseWorkers.contains(role) }
}

extension Request {
    private struct ViewerKey: StorageKey {
        typealias Value = Viewer
    }

    /// The logged-in person; 401 when nobody is.
    func viewer() async throws -> Viewer {
        if let cached = storage[ViewerKey.self] { return cached }
        guard let user = auth.get(User.self), let userID = user.id else { throw ApiError.unauthenticated }
        var queueIDs: Set<UUID> = storage[KnownQueuesKey.self] ?? []
        if storage[KnownQueuesKey.self] == nil && (user.role == .agent || user.role == .lead) {
            queueIDs = Set(try await QueueMember.query(on: db).filter(\.$user.$id == userID).all().map(\.$queue.id))
        }
        let viewer = Viewer(user: user, userID: userID, queueIDs: queueIDs)
        storage[ViewerKey.self] = viewer
        return viewer
    }

    /// The logged-in person, who must hold one of `roles`; 403 otherwise.
    func viewer(_ roles: Set<Role>) async throws -> Viewer {
        let viewer = try await viewer()
        guard roles.contains(viewer.role) else {
            let names = roles.map(\.rawValue).sorted().joined(separator: ", ")
            throw ApiError.forbidden("this needs one of these roles: \(names); you are \(viewer.role.rawValue)")
        }
        return viewer
    }
}
