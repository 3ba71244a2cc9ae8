import FairdeskCore
import Fluent
import Foundation
import Vapor

/// Tiers, calendars, SLA targets and settings; agents' skills, capacity and availability; a case's
/// SLA clocks; the live queue state; and each person's notifications.
struct ServiceLevelController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let supervisors = routes.grouped(RoleGuard(Role.supervisors))
        supervisors.get("service-levels", use: catalog)
        supervisors.get("queue-state", use: queueState)
        supervisors.put("customers", ":customerID", "tier", use: customerTier)
        supervisors.put("agents", ":userID", "profile", use: agentProfile)
        supervisors.put("queues", ":queueID", "skills", use: queueSkills)
        let admins = routes.grouped(RoleGuard([.admin]))
        admins.post("tiers", use: createTier)
        admins.post("calendars", use: saveCalendar)
        admins.put("sla-targets", use: saveTarget)
        admins.put("service-settings", use: saveSettings)
        let workers = routes.grouped(RoleGuard(Role.caseWorkers))
        workers.get("agents", "me", "profile", use: myProfile)
        workers.put("agents", "me", "availability", use: availability)
        workers.get("cases", ":caseID", "sla", use: caseClocks)
        workers.post("cases", ":caseID", "frustration", use: frustration)
        routes.grouped(RoleGuard(Role.workforce))
            .get("notifications", use: notifications)
    }

    @Sendable func catalog(req: Request) async throws -> ServiceLevelsDTO {
        ServiceLevelsDTO(try await req.application.serviceCatalog(on: req.db))
    }

    @Sendable func queueState(req: Request) async throws -> QueueStateDTO {
        try await ServiceLevelQueries.queueState(app: req.application, on: req.db)
    }

    @Sendable func createTier(req: Request) async throws -> Response {
        try await ServiceLevelActions(req).createTier(try req.content.decode(TierRequest.self))
        return try await ServiceLevelsDTO(try await req.application.serviceCatalog(on: req.db))
            .encodeResponse(status: .created, for: req)
    }

    @Sendable func saveCalendar(req: Request) async throws -> ServiceLevelsDTO {
        try await ServiceLevelActions(req).saveCalendar(try req.content.decode(CalendarRequest.self))
        return ServiceLevelsDTO(try await req.application.serviceCatalog(on: req.db))
    }

    @Sendable func saveTarget(req: Request) async throws -> ServiceLevelsDTO {
        try await ServiceLevelActions(req).saveTarget(try req.content.decode(TargetRequest.self))
        return ServiceLevelsDTO(try await req.application.serviceCatalog(on: req.db))
    }

    @Sendable func saveSettings(req: Request) async throws -> ServiceLevelsDTO {
        try await ServiceLevelActions(req).saveSettings(try req.content.decode(ServiceSettingsRequest.self))
        return ServiceLevelsDTO(try await req.application.serviceCatalog(on: req.db))
    }

    @Sendable func customerTier(req: Request) async throws -> HTTPStatus {
        try await ServiceLevelActions(req).setCustomerTier(
            req.parameters.get("customerID", as: UUID.self), try req.content.decode(CustomerTierRequest.self))
        return .noContent
    }

    @Sendable func agentProfile(req: Request) async throws -> AgentProfileDTO {
        AgentProfileDTO(
            try await ServiceLevelActions(req).saveProfile(
                userID: req.parameters.get("userID", as: UUID.self), try req.content.decode(AgentProfileRequest.self)))
    }

    @Sendable func queueSkills(req: Request) async throws -> HTTPStatus {
        try await ServiceLevelActions(req).setQueueSkills(
            req.parameters.get("queueID", as: UUID.self), try req.content.decode(QueueSkillsRequest.self))
        return .noContent
    }

    @Sendable func myProfile(req: Request) async throws -> AgentProfileDTO {
        let viewer = try await req.viewer()
        return AgentProfileDTO(
            try await AgentProfile.find(viewer.userID, on: req.db)
                ?? AgentProfile(userID: viewer.userID, since: req.now))
    }

    @Sendable func availability(req: Request) async throws -> AgentProfileDTO {
        AgentProfileDTO(
            try await ServiceLevelActions(req).setAvailability(try req.content.decode(AvailabilityRequest.self)))
    }

    @Sendable func caseClocks(req: Request) async throws -> [SLAClockDTO] {
        let viewer = try await req.viewer()
        let supportCase = try await CaseActions.load(
            req.parameters.get("caseID", as: UUID.self), for: viewer, on: req.db)
        return try await ServiceLevelQueries.clocks(of: supportCase.requireID(), app: req.application, on: req.db)
    }

    @Sendable func frustration(req: Request) async throws -> HTTPStatus {
        try await ServiceLevelActions(req).setFrustration(
            caseID: req.parameters.get("caseID", as: UUID.self), try req.content.decode(FrustrationRequest.self))
        return .noContent
    }

    @Sendable func notifications(req: Request) async throws -> [NotificationDTO] {
        let viewer = try await req.viewer()
        return try await Notifications.recent(for: viewer.userID, on: req.db).map(NotificationDTO.init)
    }
}
