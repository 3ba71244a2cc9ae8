import FairdeskCore
import Fluent
import Foundation
import Vapor

/// A driver's standing page: their own at `/my/standing`, and any driver's at `/drivers/{userID}`
/// for leads, reviewers and admins, who find drivers at `/drivers`. Both show the same page, so
/// staff see exactly what the driver sees.
struct DriverPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(WebGuard([.driver])).get("my", "standing", use: mine)
        let staff = routes.grouped(WebGuard(DriverController.driverStaff))
        staff.get("drivers", use: list)
        staff.get("drivers", ":userID", use: driver)
        let deciders = routes.grouped(WebGuard(DecisionRules.deciderRoles))
        deciders.get("drivers", ":userID", "decide", use: decideForm)
        deciders.post("drivers", ":userID", "decide", use: decide)
    }

    struct RecordRow: Encodable {
        var id: String
        var description: String
        var against: Bool
    }

    struct ExcludedRow: Encodable {
        var id: String
        var description: String
        var codeWords: String
        var reason: String
        var appliedBy: String
    }

    struct MetricView: Encodable {
        var kind: String
        var title: String
        var summary: String
        var rows: [RecordRow]
        var excluded: [ExcludedRow]
        var hasRows: Bool
        var hasExcluded: Bool
    }

    struct WarningView: Encodable {
        var id: UUID
        var lines: [String]
        var issued: PolicyPages.Time
        var until: PolicyPages.Time
        var open: Bool
        var policy: String
        var issuedBy: String
        var subject: String
        /// Set when the warning was withdrawn: when, why and by whom.
        var withdrawn: PolicyPages.Time?
        var withdrawnReason: String
        var withdrawnBy: String
        var isWithdrawn: Bool
    }

    struct StandingPage: Encodable {
        var layout: LayoutContext
        var own: Bool
        var driverName: String
        var tierTitle: String
        var tierClass: String
        var explanation: String
        var windowStart: PolicyPages.Time
        var windowEnd: PolicyPages.Time
        var policy: String
        var policyHref: String
        var defaulted: String?
        var rule: [String]
        var scanRule: String
        var dataNotice: [String]
        var metrics: [MetricView]
        var warnings: [WarningView]
        var hasWarnings: Bool
        var driversHref: String
        var decisions: [DecisionView]
        var hasDecisions: Bool
        /// The decision screen, for leads and reviewers.
        var decideHref: String?
        /// The staff forms: leave a record out, report a violation (absent for the driver).
        var excuseHref: String?
        var violationHref: String?
        /// Customers' "delivered but not received" claims and their findings.
        var disputes: [DisputeView]
        var hasDisputes: Bool
        /// The driver's data to download, as JSON and as CSV.
        var exportHref: String
        var exportCSVHref: String
    }

    /// A delivery dispute as the standing page shows it.
    struct DisputeView: Encodable {
        var dispute: DeliveryDisputeDTO
        var opened: PolicyPages.Time
        var decided: PolicyPages.Time?
        /// The dispute's own page, for staff who read disputes.
        var href: String?
        /// The driver's form to give their side, on their own page while the dispute is open and unanswered.
        var answerForm: AnswerForm?
    }

    /// The driver's side of a dispute, with what was wrong with it.
    struct AnswerForm: Encodable {
        var action: String
        var account: String
        var error: String?

        init(action: String, form: FormState, name: String) {
            self.action = action
            let state = form.form == name ? form : FormState()
            account = state.values["account"] ?? ""
            error = state.errors.isEmpty ? nil : state.errors.values.sorted().joined(separator: " ")
        }
    }

    struct DecisionView: Encodable {
        var decision: DriverDecisionDTO
        var grounds: String
        var evidence: String
        var decided: PolicyPages.Time
        /// When it takes effect, if later than when it was decided (the policy's notice).
        var effective: PolicyPages.Time?
        /// When a suspension or restriction ends.
        var ends: PolicyPages.Time?
        /// Where it stands now, in words: "not in effect yet", "in effect", "ended", "no longer in effect".
        var inEffect: String
        var appealUntil: PolicyPages.Time
        var interimUntil: PolicyPages.Time?
        /// When the decision stopped taking effect (overturned, reinstated on conditions, lapsed).
        var lifted: PolicyPages.Time?
        /// The appeal against the decision, when one is on file.
        var appeal: AppealView?
        /// The form to appeal: on the driver's own page, while the window is open and none is on file.
        var appealForm: FilesForm?
    }

    /// An appeal as the standing page shows it under its decision.
    struct AppealView: Encodable {
        /// The appeal's own page, for whoever may open it.
        var href: String?
        var state: String
        var deadline: String
        var filed: PolicyPages.Time
        var reviewDue: PolicyPages.Time
        var account: String
        var files: [AppealPages.FileView]
        var hasFiles: Bool
        var outcome: String?
        var reasons: String?
        var requirements: [String]
        var hasRequirements: Bool
        var requirementsDueBy: PolicyPages.Time?
        var decidedBy: String?
        var decided: PolicyPages.Time?
        /// Every conditional reinstatement given on the appeal, with how each requirement stands.
        var conditions: [AppealPages.ConditionsView]
        /// The form to add files while the appeal is undecided, on the driver's own page.
        var evidenceForm: FilesForm?
    }

    /// A form that sends files (and, to appeal, the driver's account), with what was wrong with it.
    struct FilesForm: Encodable {
        var action: String
        var account: String
        var accountError: String?
        /// One line per refused file, naming it: "files[1] (page.csv): Must not contain HTML…".
        var fileErrors: [String]
        var hasFileErrors: Bool
        var error: String?
        var hasErrors: Bool

        init(action: String, form: FormState, name: String) {
            self.action = action
            let state = form.form == name ? form : FormState()
            account = state.values["account"] ?? ""
            accountError = state.errors["account"]
            let names = (state.values["files"] ?? "").split(separator: "\n", omittingEmptySubsequences: false)
            var files: [String] = []
            var other: [String] = []
            for (field, message) in state.errors.sorted(by: { $0.key < $1.key }) where field != "account" {
                if field.hasPrefix("files[") {
                    let index = Int(field.dropFirst("files[".count).prefix { $0.isNumber }) ?? -1
                    let name = names.indices.contains(index) ? " (\(names[index]))" : ""
                    files.append("\(field)\(name): \(message)")
                } else if field == "files" {
                    files.append(message)
                } else {
                    other.append(message)
                }
            }
            fileErrors = files
            hasFileErrors = !files.isEmpty
            error = other.isEmpty ? nil : other.joined(separator: " ")
            hasErrors = !state.errors.isEmpty
        }
    }

    @Sendable func mine(req: Request) async throws -> View {
        let viewer = try await req.viewer([.driver])
        return try await render(req, driver: viewer.user, own: true)
    }

    @Sendable func driver(req: Request) async throws -> View {
        let driver = try await DriverStandings.driver(req.parameters.get("userID", as: UUID.self), on: req.db)
        return try await render(req, driver: driver, own: false)
    }

    /// The standing page; `form` is a refused appeal or evidence form, shown again under its decision.
    func render(_ req: Request, driver: User, own: Bool, form: FormState = FormState()) async throws -> View {
        let standing = try await req.application.driverStandings.standing(of: driver, staff: !own)
        let appeals = try await req.application.driverAppeals.appeals(of: try driver.requireID())
        let descriptions = Dictionary(
            standing.records.map { ($0.id, $0.description) }, uniquingKeysWith: { first, _ in first })
        let metrics = standing.metrics.map { metric in
            let against = Set(metric.against)
            return MetricView(
                kind: metric.kind, title: metric.title, summary: metric.summary,
                rows: metric.counted.map {
                    RecordRow(id: $0, description: descriptions[$0] ?? "", against: against.contains($0))
                },
                excluded: metric.excluded.map {
                    ExcludedRow(
                        id: $0.recordId, description: descriptions[$0.recordId] ?? "", codeWords: $0.codeWords,
                        reason: $0.reason, appliedBy: $0.appliedBy)
                }, hasRows: !metric.counted.isEmpty, hasExcluded: !metric.excluded.isEmpty)
        }
        let warnings = standing.warnings.map {
            WarningView(
                id: $0.id, lines: $0.text.split(separator: "\n").map(String.init),
                issued: PolicyPages.Time($0.issuedAt),
                until: PolicyPages.Time($0.improveUntil), open: $0.open, policy: $0.policy, issuedBy: $0.issuedBy,
                subject: $0.findings.map(\.subject).joined(separator: ", "),
                withdrawn: $0.withdrawnAt.map(PolicyPages.Time.init), withdrawnReason: $0.withdrawnReason ?? "",
                withdrawnBy: $0.withdrawnBy ?? "", isWithdrawn: $0.withdrawnAt != nil)
        }
        let title = own ? "My standing" : "Standing of \(driver.name)"
        let viewer = try await req.viewer()
        let viewerRole = viewer.role
        let canDecide = !own && DecisionRules.deciderRoles.contains(viewerRole)
        let now = req.now
        func appealView(_ row: DriverAppeals.Row, _ appeal: DriverAppealDTO) -> AppealView {
            let mayOpen = AppealRules.mayOpenEvidence(
                of: row.appeal, id: viewer.userID.uuidString, role: viewerRole)
            return AppealView(
                href: AppealPages.readers.contains(viewerRole) ? SitePath.appeal(appeal.id).path : nil,
                state: AppealPages.stateWords(appeal.state, reviewer: appeal.reviewer),
                deadline: AppealPages.deadlineWords(appeal.deadline), filed: PolicyPages.Time(appeal.filedAt),
                reviewDue: PolicyPages.Time(appeal.reviewDueAt), account: appeal.account,
                files: appeal.evidence.map { AppealPages.FileView($0, of: appeal.id, mayOpen: mayOpen) },
                hasFiles: !appeal.evidence.isEmpty, outcome: appeal.outcome.map(AppealPages.outcomeWords),
                reasons: appeal.reasons, requirements: appeal.requirements ?? [],
                hasRequirements: !(appeal.requirements ?? []).isEmpty,
                requirementsDueBy: appeal.requirementsDueBy.map(PolicyPages.Time.init), decidedBy: appeal.decidedBy,
                decided: appeal.decidedAt.map(PolicyPages.Time.init),
                conditions: appeal.conditions.map {
                    AppealPages.ConditionsView($0, appealID: appeal.id, mayRecord: false)
                },
                evidenceForm: own && appeal.state != "decided"
                    ? FilesForm(
                        action: SitePath.addAppealEvidence(appeal.id).path, form: form, name: "evidence-\(appeal.id)")
                    : nil)
        }
        let page = StandingPage(
            layout: LayoutContext(req, title: title, current: own ? .myStanding : .drivers), own: own,
            driverName: driver.name, tierTitle: standing.tierTitle ?? "No tier yet",
            tierClass: standing.tier.map { "tier-\($0)" } ?? "tier-none", explanation: standing.explanation,
            windowStart: PolicyPages.Time(standing.windowStart), windowEnd: PolicyPages.Time(standing.windowEnd),
            policy: standing.policy,
            policyHref: standing.policyVersion.map { SitePath.policyVersion("driver-standing", $0).path }
                ?? SitePath.policies.path,
            defaulted: standing.defaultedParameters.isEmpty
                ? nil : standing.defaultedParameters.joined(separator: ", "),
            rule: standing.rule, scanRule: standing.scanRule, dataNotice: standing.dataNotice, metrics: metrics,
            warnings: warnings,
            hasWarnings: !warnings.isEmpty, driversHref: SitePath.drivers.path,
            decisions: standing.decisions.map { decision in
                let appeal = appeals[decision.id]
                return DecisionView(
                    decision: decision, grounds: decision.groundsWords.joined(separator: ", "),
                    evidence: decision.evidence.joined(separator: ", "), decided: PolicyPages.Time(decision.decidedAt),
                    effective: decision.appliesLater.map(PolicyPages.Time.init),
                    ends: decision.endsAt.map(PolicyPages.Time.init), inEffect: Self.inEffect(decision, at: now),
                    appealUntil: PolicyPages.Time(decision.appealUntil),
                    interimUntil: decision.interimUntil.map(PolicyPages.Time.init),
                    lifted: decision.liftedAt.map(PolicyPages.Time.init),
                    appeal: appeal.map { appealView($0.row, $0.appeal) },
                    appealForm: own && appeal == nil && now <= decision.appealUntil
                        ? FilesForm(
                            action: SitePath.fileAppeal(decisionID: decision.id).path, form: form,
                            name: "appeal-\(decision.id)")
                        : nil)
            }, hasDecisions: !standing.decisions.isEmpty,
            decideHref: canDecide ? SitePath.driverDecide(try driver.requireID()).path : nil,
            excuseHref: own ? nil : "/drivers/\(try driver.requireID())/excuse",
            violationHref: !own && DriverStaffForms.reporters.contains(viewerRole)
                ? "/drivers/\(try driver.requireID())/violation" : nil,
            disputes: standing.disputes.map {
                DisputeView(
                    dispute: $0, opened: PolicyPages.Time($0.openedAt),
                    decided: $0.decidedAt.map(PolicyPages.Time.init),
                    href: DeliveryDisputes.readers.contains(viewerRole) ? SitePath.deliveryDispute($0.id).path : nil,
                    answerForm: own && $0.state == "open" && $0.driverAccount == nil
                        ? AnswerForm(
                            action: SitePath.answerDispute($0.id).path, form: form, name: "answer-\($0.id)") : nil)
            }, hasDisputes: !standing.disputes.isEmpty,
            exportHref: "/api/v1/drivers/\(try driver.requireID())/export",
            exportCSVHref: "/api/v1/drivers/\(try driver.requireID())/export.csv")
        return try await req.view.render("driver-standing", page)
    }

    struct DriverRow: Encodable {
        var name: String
        var email: String
        var href: String
        var openWarnings: Int
    }

    struct ListPage: Encodable {
        var layout: LayoutContext
        var drivers: [DriverRow]
        var hasDrivers: Bool
    }

    /// Every driver by name, with how many warnings are in their period to improve.
    @Sendable func list(req: Request) async throws -> View {
        struct Row: Decodable {
            var driverId: UUID
            var n: Int
        }
        let open = try await req.db.sql.raw(
            """
            SELECT driver_id, COUNT(*) AS n FROM driver_warnings WHERE improve_until > \(bind: req.now) \
            AND withdrawn_at IS NULL \
            GROUP BY driver_id
            """
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        let counts = Dictionary(open.map { ($0.driverId, $0.n) }, uniquingKeysWith: +)
        let drivers = try await User.query(on: req.db).filter(\.$role == .driver).sort(\.$name).limit(1000).all()
        let rows = try drivers.map {
            DriverRow(
                name: $0.name, email: $0.email, href: SitePath.driverStanding(try $0.requireID()).path,
                openWarnings: counts[try $0.requireID()] ?? 0)
        }
        return try await req.view.render(
            "drivers",
            ListPage(
                layout: LayoutContext(req, title: "Drivers", current: .drivers), drivers: rows,
                hasDrivers: !rows.isEmpty))
    }

    // MARK: The decision screen

    struct Option: Encodable {
        var value: String
        var label: String
        var selected: Bool
    }

    struct DecidePage: Encodable {
        var layout: LayoutContext
        var driverName: String
        var standingHref: String
        var action: String
        var policy: String
        var actions: [Option]
        var clauses: [Option]
        var grounds: [Option]
        var immediate: Bool
        var days: String
        /// The longest suspension or restriction the policy allows, in days.
        var daysMax: Int
        var evidence: String
        var text: String
        /// Messages by field: action, clause, grounds, evidence, text.
        var errors: [String: String]
        var hasErrors: Bool
    }

    /// Where a decision stands at `now`, as the driver's page says it beside the decision.
    /// An interim suspension ends at `interimUntil`: lifted by the hourly job when no full decision
    /// followed, replaced by the full decision when one did.
    static func inEffect(_ decision: DriverDecisionDTO, at now: Date) -> String {
        if decision.liftedAt.map({ $0 <= now }) == true { return "no longer in effect" }
        if now < decision.effectiveAt { return "not in effect yet" }
        if let ends = decision.endsAt ?? decision.interimUntil, now >= ends { return "ended" }
        return "in effect"
    }

    /// The form a lead or reviewer decides on. Only grounds the policy permits are offered, so a
    /// forbidden one cannot be chosen; the server refuses it anyway.
    func renderDecide(_ req: Request, form: FormState, status: HTTPStatus) async throws -> Response {
        let driver = try await DriverStandings.driver(req.parameters.get("userID", as: UUID.self), on: req.db)
        let id = try driver.requireID()
        let choices = try await req.application.driverDecisions.choices(for: driver)
        let chosen = Set((form.values["grounds"] ?? "").split(separator: "\n").map(String.init))
        var errors: [String: String] = [:]
        for (field, message) in form.errors {
            let key =
                field.hasPrefix("statement.grounds")
                ? "grounds"
                : field.hasPrefix("statement.")
                    ? String(field.dropFirst("statement.".count)) : field == "proposal.days" ? "days" : "action"
            errors[key] = errors[key].map { $0 + " " + message } ?? message
        }
        let page = DecidePage(
            layout: LayoutContext(req, title: "Decide about \(driver.name)", current: .drivers),
            driverName: driver.name, standingHref: SitePath.driverStanding(id).path,
            action: SitePath.driverDecide(id).path, policy: choices.citation,
            actions: ActionKind.allCases.map {
                Option(
                    value: $0.rawValue, label: $0.rawValue.capitalized, selected: form.values["action"] == $0.rawValue)
            },
            clauses: choices.clauses.map {
                Option(
                    value: $0.number, label: "\($0.number) \($0.title)", selected: form.values["clause"] == $0.number)
            },
            grounds: choices.grounds.map {
                Option(
                    value: $0,
                    label: DecisionGrounds.words($0) + (choices.urgent.contains($0) ? " (urgent)" : ""),
                    selected: chosen.contains($0))
            }, immediate: form.values["immediate"] == "yes", days: form.values["days"] ?? "",
            daysMax: choices.suspensionDaysMax, evidence: form.values["evidence"] ?? "",
            text: form.values["text"] ?? "", errors: errors, hasErrors: !errors.isEmpty)
        let response = try await req.view.render("driver-decide", page).encodeResponse(for: req)
        response.status = status
        return response
    }

    @Sendable func decideForm(req: Request) async throws -> Response {
        try await renderDecide(req, form: FormState(), status: .ok)
    }

    @Sendable func decide(req: Request) async throws -> Response {
        struct Form: Content {
            var action: String?
            var immediate: String?
            var days: String?
            var clause: String?
            var grounds: [String]?
            var evidence: String?
            var text: String?
        }
        let viewer = try await req.viewer(DecisionRules.deciderRoles)
        let form = try req.content.decode(Form.self)
        let id = req.parameters.get("userID", as: UUID.self)
        let evidence = (form.evidence ?? "").split(whereSeparator: { $0 == "," || $0.isNewline }).map(String.init)
        let values = [
            "action": form.action ?? "", "immediate": form.immediate ?? "", "days": form.days ?? "",
            "clause": form.clause ?? "",
            "grounds": (form.grounds ?? []).joined(separator: "\n"), "evidence": form.evidence ?? "",
            "text": form.text ?? "",
        ]
        return try await FormSubmission.handle(
            req, form: "decide", values: values, success: "Decision recorded; the driver has been told.",
            redirect: id.map { SitePath.driverStanding($0).path } ?? SitePath.drivers.path, render: renderDecide
        ) {
            // Days that are not a number go in as 0, which every kind of decision refuses, so the
            // form comes back with that message beside every other one, and nothing is recorded.
            let daysText = (form.days ?? "").trimmingCharacters(in: .whitespaces)
            let notNumber = !daysText.isEmpty && Int(daysText) == nil
            do {
                _ = try await req.application.driverDecisions.decide(
                    DriverDecisionRequest(
                        action: form.action, immediate: form.immediate == "yes",
                        days: daysText.isEmpty ? nil : Int(daysText) ?? 0, clause: form.clause,
                        grounds: form.grounds ?? [], evidence: evidence, text: form.text),
                    for: id, by: viewer)
            } catch let failure as ValidationFailure where notNumber {
                throw ValidationFailure(
                    failure.problems.map {
                        $0.field == "proposal.days"
                            ? FieldProblem(field: "proposal.days", rule: "must be a whole number of days") : $0
                    })
            }
        }
    }
}
