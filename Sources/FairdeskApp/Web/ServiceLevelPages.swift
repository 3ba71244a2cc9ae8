import FairdeskCore
import Fluent
import Foundation
import Vapor

/// Pages for service levels: the catalog (admins change it), the live queue state for leads,
/// background jobs for admins, and an agent's availability.
struct ServiceLevelPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let supervisors = routes.grouped(WebGuard(Role.supervisors))
        supervisors.get("admin", "service-levels", use: serviceLevels)
        supervisors.get("queues", "now", use: queuesNow)
        let admins = routes.grouped(WebGuard([.admin]))
        admins.post("admin", "service-levels", "target", use: saveTarget)
        admins.post("admin", "service-levels", "calendar", use: saveCalendar)
        admins.post("admin", "service-levels", "settings", use: saveSettings)
        admins.get("admin", "jobs", use: jobs)
        admins.post("admin", "jobs", ":jobID", "retry", use: retryJob)
        routes.grouped(WebGuard(Role.caseWorkers)).post("inbox", "availability", use: availability)
    }

    struct TargetRow: Encodable {
        var tier: String
        var channel: String
        var calendar: String
        var first: String
        var next: String
        var resolution: String
        var version: Int
    }

    struct ServiceLevelsPage: Encodable {
        var layout: LayoutContext
        var catalog: ServiceLevelsDTO
        var targets: [TargetRow]
        var canEdit: Bool
        var tierOptions: [SelectOption]
        var channelOptions: [SelectOption]
        var calendarOptions: [SelectOption]
        var targetAction: String
        var calendarAction: String
        var settingsAction: String
        /// The settings form: what was typed, or what is in force.
        var settingsValues: [String: String]
        /// Each form's messages, so a refused form's messages stand only beside its own fields.
        var settingsErrors: [String: String]
        var targetValues: [String: String]
        var targetErrors: [String: String]
        var form: FormState
    }

    func renderServiceLevels(_ req: Request, form: FormState, status: HTTPStatus) async throws -> Response {
        let viewer = try await req.viewer()
        let catalog = ServiceLevelsDTO(try await req.application.serviceCatalog(on: req.db))
        func minutes(_ value: Int?) -> String {
            guard let value else { return "none" }
            return value >= 120 && value % 60 == 0 ? "\(value / 60) h" : "\(value) min"
        }
        let page = ServiceLevelsPage(
            layout: LayoutContext(req, title: "Service levels", current: .adminServiceLevels), catalog: catalog,
            targets: catalog.targets.map {
                TargetRow(
                    tier: $0.tier, channel: $0.channel.replacingOccurrences(of: "_", with: " "), calendar: $0.calendar,
                    first: minutes($0.firstResponseMinutes), next: minutes($0.nextResponseMinutes),
                    resolution: minutes($0.resolutionMinutes), version: $0.version)
            }, canEdit: viewer.role == .admin,
            tierOptions: catalog.tiers.map { SelectOption($0.key, $0.name, selected: form.values["tier"]) },
            channelOptions: ContactChannel.allCases.map {
                SelectOption(
                    $0.rawValue, $0.rawValue.replacingOccurrences(of: "_", with: " "), selected: form.values["channel"])
            },
            calendarOptions: catalog.calendars.map {
                SelectOption($0.name, $0.name, selected: form.values["calendar"])
            },
            targetAction: SitePath.adminServiceLevelsAction("target").path,
            calendarAction: SitePath.adminServiceLevelsAction("calendar").path,
            settingsAction: SitePath.adminServiceLevelsAction("settings").path,
            settingsValues: form.form == "settings"
                ? form.values
                : [
                    "riskPercent": String(catalog.settings.riskPercent), "escalation": catalog.settings.escalation,
                    "starvationMinutes": String(catalog.settings.starvationMinutes),
                    "frustrationBonusMinutes": String(catalog.settings.frustrationBonusMinutes),
                ], settingsErrors: form.form == "settings" ? form.errors : [:],
            targetValues: form.form == "target" ? form.values : [:],
            targetErrors: form.form == "target" ? form.errors : [:], form: form)
        let response = try await req.view.render("admin-service-levels", page).encodeResponse(for: req)
        response.status = status
        return response
    }

    @Sendable func serviceLevels(req: Request) async throws -> Response {
        try await renderServiceLevels(req, form: FormState(), status: .ok)
    }

    /// Runs a form's action; on bad input shows the page again with each message by its field.
    private func act(
        _ req: Request, form: String, values: [String: String], success: String, _ action: () async throws -> Void
    ) async throws -> Response {
        try await FormSubmission.handle(
            req, form: form, values: values, success: success, redirect: SitePath.adminServiceLevels.path,
            render: renderServiceLevels(_:form:status:), action)
    }

    @Sendable func saveTarget(req: Request) async throws -> Response {
        struct Form: Content {
            var tier: String?
            var channel: String?
            var calendar: String?
            var firstResponseMinutes: String?
            var nextResponseMinutes: String?
            var resolutionMinutes: String?
            var reason: String?
        }
        let form = try req.content.decode(Form.self)
        let values = [
            "tier": form.tier ?? "", "channel": form.channel ?? "", "calendar": form.calendar ?? "",
            "firstResponseMinutes": form.firstResponseMinutes ?? "",
            "nextResponseMinutes": form.nextResponseMinutes ?? "",
            "resolutionMinutes": form.resolutionMinutes ?? "", "reason": form.reason ?? "",
        ]
        return try await act(req, form: "target", values: values, success: "Target saved.") {
            var checks = Checks()
            let rule = "must be a whole number of minutes, or empty for no target"
            let first = checks.typedNumber(form.firstResponseMinutes, field: "firstResponseMinutes", rule: rule)
            let next = checks.typedNumber(form.nextResponseMinutes, field: "nextResponseMinutes", rule: rule)
            let resolution = checks.typedNumber(form.resolutionMinutes, field: "resolutionMinutes", rule: rule)
            try checks.finish()
            try await ServiceLevelActions(req).saveTarget(
                TargetRequest(
                    tier: form.tier ?? "", channel: form.channel ?? "", calendar: form.calendar ?? "",
                    firstResponseMinutes: first, nextResponseMinutes: next, resolutionMinutes: resolution,
                    reason: form.reason ?? ""))
        }
    }

    @Sendable func saveCalendar(req: Request) async throws -> Response {
        let input = try req.content.decode(CalendarRequest.self)
        let values = [
            "name": input.name, "timeZone": input.timeZone, "hours": input.hours, "holidays": input.holidays ?? "",
        ]
        return try await act(req, form: "calendar", values: values, success: "Calendar \(input.name) saved.") {
            try await ServiceLevelActions(req).saveCalendar(input)
        }
    }

    @Sendable func saveSettings(req: Request) async throws -> Response {
        struct Form: Content {
            var riskPercent: String?
            var escalation: String?
            var starvationMinutes: String?
            var frustrationBonusMinutes: String?
            var reason: String?
        }
        let form = try req.content.decode(Form.self)
        let values = [
            "riskPercent": form.riskPercent ?? "", "escalation": form.escalation ?? "",
            "starvationMinutes": form.starvationMinutes ?? "",
            "frustrationBonusMinutes": form.frustrationBonusMinutes ?? "",
            "reason": form.reason ?? "",
        ]
        return try await act(req, form: "settings", values: values, success: "Escalation and routing settings saved.") {
            var checks = Checks()
            let rule = "must be a whole number"
            let risk = checks.typedNumber(form.riskPercent, field: "riskPercent", required: true, rule: rule)
            let starvation = checks.typedNumber(
                form.starvationMinutes, field: "starvationMinutes", required: true, rule: rule)
            let bonus = checks.typedNumber(
                form.frustrationBonusMinutes, field: "frustrationBonusMinutes", required: true, rule: rule)
            try checks.finish()
            try await ServiceLevelActions(req).saveSettings(
                ServiceSettingsRequest(
                    riskPercent: risk ?? 0, escalation: form.escalation ?? "", starvationMinutes: starvation ?? 0,
                    frustrationBonusMinutes: bonus ?? 0, reason: form.reason ?? ""))
        }
    }

    struct WaitingRow: Encodable {
        var tier: String
        var count: Int
        var oldest: String
    }

    struct QueuesNowPage: Encodable {
        var layout: LayoutContext
        var state: QueueStateDTO
        var waiting: [WaitingRow]
        var hasWaiting: Bool
        var agents: [QueueStateDTO.Agent]
    }

    @Sendable func queuesNow(req: Request) async throws -> View {
        let state = try await ServiceLevelQueries.queueState(app: req.application, on: req.db)
        let waiting = state.waiting.map {
            let minutes = $0.oldestWaitSeconds / 60
            return WaitingRow(
                tier: $0.tier, count: $0.waiting,
                oldest: minutes >= 60 ? "\(minutes / 60) h \(minutes % 60) min" : "\(minutes) min")
        }
        return try await req.view.render(
            "queues-now",
            QueuesNowPage(
                layout: LayoutContext(req, title: "Queues now", current: .queuesNow), state: state, waiting: waiting,
                hasWaiting: !waiting.isEmpty, agents: state.agents))
    }

    struct DeadJob: Encodable {
        var kind: String
        var attempts: Int
        var error: String
        var updated: String
        var retryAction: String
    }

    struct JobsPage: Encodable {
        var layout: LayoutContext
        var counts: [JobCount]
        var dead: [DeadJob]
        var hasDead: Bool
    }

    @Sendable func jobs(req: Request) async throws -> View {
        let overview = try await JobsOverviewDTO.load(on: req.db, state: "dead")
        let dead = overview.jobs.map {
            DeadJob(
                kind: $0.kind, attempts: $0.attempts, error: $0.lastError ?? "", updated: PageTime.text($0.updatedAt),
                retryAction: SitePath.adminJobRetry($0.id).path)
        }
        return try await req.view.render(
            "admin-jobs",
            JobsPage(
                layout: LayoutContext(req, title: "Background jobs", current: .adminJobs), counts: overview.counts,
                dead: dead, hasDead: !dead.isEmpty))
    }

    @Sendable func retryJob(req: Request) async throws -> Response {
        try await JobAdmin(req).retry(req.parameters.get("jobID", as: UUID.self))
        req.flash("The job is queued again.")
        return req.redirect(to: SitePath.adminJobs.path)
    }

    @Sendable func availability(req: Request) async throws -> Response {
        struct Form: Content { var availability: String? }
        let form = try req.content.decode(Form.self)
        let profile = try await ServiceLevelActions(req).setAvailability(
            AvailabilityRequest(availability: form.availability ?? ""))
        req.flash("You are \(profile.availability.rawValue) for new cases.")
        return req.redirect(to: SitePath.inbox.path)
    }
}
