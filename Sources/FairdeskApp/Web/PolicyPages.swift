import FairdeskCore
import Fluent
import Foundation
import Vapor

/// Pages for policies: the list and what waits for the reader, one policy's versions, a version's
/// text with its clauses and parameters, two versions compared, and for policy owners the forms
/// to create, publish, withdraw and chase. Admins set notice periods here.
struct PolicyPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let readers = routes.grouped(WebGuard(Role.workforce))
        readers.get("policies", use: list)
        readers.get("policies", ":key", use: policy)
        readers.get("policies", ":key", "versions", ":number", use: version)
        readers.post("policies", ":key", "versions", ":number", "acknowledge", use: acknowledge)
        readers.get("policies", ":key", "compare", use: compare)
        let owners = routes.grouped(WebGuard([.policyOwner]))
        owners.post("policies", use: create)
        owners.get("policies", ":key", "publish", use: publishForm)
        owners.post("policies", ":key", "publish", use: publish)
        owners.post("policies", ":key", "versions", ":number", "remind", use: remind)
        owners.post("policies", ":key", "versions", ":number", "withdraw", use: withdraw)
        routes.grouped(WebGuard([.admin])).post("policies", "notice-periods", use: saveNoticePeriod)
    }

    private func number(_ req: Request) -> Int? { req.parameters.get("number", as: Int.self) }

    /// "12 Dec 2026, 09:00 UTC" for a page, with the ISO time for the reader's own clock.
    struct Time: Encodable {
        var iso: String
        var text: String
        init(_ date: Date) {
            iso = PageTime.iso(date)
            text = PageTime.text(date)
        }
    }

    static func stateLabel(_ state: String) -> String {
        switch state {
        case "in_force": "in force"
        case "upcoming": "coming up"
        case "past": "replaced"
        default: state
        }
    }

    // MARK: List

    struct ListRow: Encodable {
        var title: String
        var href: String
        var kind: String
        var audience: String
        var inForce: String
        var upcoming: String
        var awaiting: Bool
    }

    struct AwaitingRow: Encodable {
        var label: String
        var href: String
        var effective: Time
        var summary: String
    }

    struct NoticeRow: Encodable {
        var role: String
        var jurisdiction: String
        var days: Int
    }

    struct ListPage: Encodable {
        var layout: LayoutContext
        var policies: [ListRow]
        var hasPolicies: Bool
        var awaiting: [AwaitingRow]
        var notifications: [NotificationRow]
        var canWrite: Bool
        var isAdmin: Bool
        var showNotice: Bool
        var notice: [NoticeRow]
        var kinds: [SelectOption]
        var roles: [SelectOption]
        var createAction: String
        var noticeAction: String
        var createValues: [String: String]
        var createErrors: [String: String]
        var noticeValues: [String: String]
        var noticeErrors: [String: String]
    }

    struct NotificationRow: Encodable {
        var body: String
        var href: String?
        var at: Time
    }

    func renderList(_ req: Request, form: FormState, status: HTTPStatus) async throws -> Response {
        let queries = try await PolicyQueries(req)
        let viewer = try await req.viewer()
        let policies = try await queries.list()
        let awaiting = try await queries.awaiting()
        let notice = try await PolicyStore.noticePeriods(on: req.db)
        let notifications = try await Notifications.recent(
            for: viewer.userID, kindPrefix: "policy.", limit: 10, on: req.db)
        let page = ListPage(
            layout: LayoutContext(req, title: "Policies", current: .policies),
            policies: policies.map { policy in
                ListRow(
                    title: policy.title, href: SitePath.policy(policy.key).path, kind: policy.kindTitle,
                    audience: policy.audience?.summary ?? "not published yet",
                    inForce: policy.inForce.map { "v\($0.number), since \(PageTime.text($0.effectiveAt))" } ?? "none",
                    upcoming: policy.upcoming.map { "v\($0.number) from \(PageTime.text($0.effectiveAt))" }
                        .joined(separator: "; "),
                    awaiting: ([policy.inForce].compactMap { $0 } + policy.upcoming)
                        .contains(where: \.awaitingMyAcknowledgment))
            }, hasPolicies: !policies.isEmpty,
            awaiting: awaiting.map { policy, version in
                AwaitingRow(
                    label: "\(policy.title), version \(version.number)",
                    href: SitePath.policyVersion(policy.key, version.number).path,
                    effective: Time(version.effectiveAt), summary: version.summary)
            },
            notifications: notifications.map { NotificationRow(body: $0.body, href: $0.link, at: Time($0.createdAt)) },
            canWrite: queries.canWrite, isAdmin: viewer.role == .admin,
            showNotice: [.admin, .policyOwner].contains(viewer.role),
            notice: notice.map { NoticeRow(role: $0.role, jurisdiction: $0.jurisdiction, days: $0.days) },
            kinds: PolicyKind.allCases.map { SelectOption($0.rawValue, $0.title, selected: form.values["kind"]) },
            roles: (["*"] + Role.workforce.map(\.rawValue).sorted()).map {
                SelectOption($0, $0 == "*" ? "every role" : $0, selected: form.values["role"] ?? "*")
            },
            createAction: SitePath.policies.path, noticeAction: SitePath.policyNoticePeriods.path,
            createValues: form.form == "create" ? form.values : [:],
            createErrors: form.form == "create" ? form.errors : [:],
            noticeValues: form.form == "notice" ? form.values : ["jurisdiction": "*"],
            noticeErrors: form.form == "notice" ? form.errors : [:])
        let response = try await req.view.render("policies", page).encodeResponse(for: req)
        response.status = status
        return response
    }

    @Sendable func list(req: Request) async throws -> Response {
        try await renderList(req, form: FormState(), status: .ok)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let input = try req.content.decode(CreatePolicyRequest.self)
        let values = ["key": input.key, "title": input.title, "kind": input.kind]
        return try await FormSubmission.handle(
            req, form: "create", values: values, success: "Policy \(input.title) created: write its first version.",
            redirect: SitePath.policyPublish(input.key).path, render: renderList(_:form:status:)
        ) {
            _ = try await PolicyActions(req).createPolicy(input)
        }
    }

    @Sendable func saveNoticePeriod(req: Request) async throws -> Response {
        struct Form: Content {
            var role: String?
            var jurisdiction: String?
            var days: String?
            var reason: String?
        }
        let form = try req.content.decode(Form.self)
        let values = [
            "role": form.role ?? "", "jurisdiction": form.jurisdiction ?? "", "days": form.days ?? "",
            "reason": form.reason ?? "",
        ]
        return try await FormSubmission.handle(
            req, form: "notice", values: values, success: "Notice period saved.", redirect: SitePath.policies.path,
            render: renderList(_:form:status:)
        ) {
            var checks = Checks()
            let days = checks.typedNumber(
                form.days, field: "days", required: true, rule: "must be a whole number of days")
            try checks.finish()
            _ = try await PolicyActions(req).saveNoticePeriod(
                NoticePeriodRequest(
                    role: form.role ?? "", jurisdiction: form.jurisdiction ?? "", days: days ?? 0,
                    reason: form.reason ?? ""))
        }
    }

    // MARK: One policy

    struct VersionRow: Encodable {
        var number: Int
        var href: String
        var summary: String
        var state: String
        var stateLabel: String
        var effective: Time
        var mine: String
    }

    struct PolicyPage: Encodable {
        var layout: LayoutContext
        var title: String
        var kind: String
        var audience: String
        var versions: [VersionRow]
        var hasVersions: Bool
        var canCompare: Bool
        var compareAction: String
        var fromOptions: [SelectOption]
        var toOptions: [SelectOption]
        var canWrite: Bool
        var publishHref: String
        var readHref: String?
        var readLabel: String?
    }

    @Sendable func policy(req: Request) async throws -> View {
        let queries = try await PolicyQueries(req)
        let key = req.parameters.get("key")
        let detail = try await queries.detail(key)
        let numbers = detail.versions.map(\.number)
        let newest = numbers.first.map(String.init)
        let previous = numbers.dropFirst().first.map(String.init)
        let read = detail.policy.inForce ?? detail.versions.first
        return try await req.view.render(
            "policy",
            PolicyPage(
                layout: LayoutContext(req, title: detail.policy.title, current: .policies),
                title: detail.policy.title, kind: detail.policy.kindTitle,
                audience: detail.policy.audience?.summary ?? "not published yet",
                versions: detail.versions.map { version in
                    VersionRow(
                        number: version.number, href: SitePath.policyVersion(detail.policy.key, version.number).path,
                        summary: version.summary, state: version.state, stateLabel: Self.stateLabel(version.state),
                        effective: Time(version.effectiveAt),
                        mine: version.acknowledgedAt.map { "acknowledged \(PageTime.text($0))" }
                            ?? (version.awaitingMyAcknowledgment ? "waiting for you" : ""))
                }, hasVersions: !numbers.isEmpty, canCompare: numbers.count > 1,
                compareAction: SitePath.policyCompare(detail.policy.key).path,
                fromOptions: numbers.map { SelectOption(String($0), "version \($0)", selected: previous) },
                toOptions: numbers.map { SelectOption(String($0), "version \($0)", selected: newest) },
                canWrite: queries.canWrite, publishHref: SitePath.policyPublish(detail.policy.key).path,
                readHref: read.map { SitePath.policyVersion(detail.policy.key, $0.number).path },
                readLabel: read.map { "Read version \($0.number) (\(Self.stateLabel($0.state)))" }))
    }

    // MARK: One version

    struct ClauseBlock: Encodable {
        var number: String
        var anchor: String
        var title: String
        var html: String
    }

    struct ParameterRow: Encodable {
        var name: String
        var value: String
        var help: String
    }

    struct AckRow: Encodable {
        var name: String
        var role: String
        var notified: Time
        var reminders: Int
        var acknowledged: String
        var done: Bool
    }

    struct VersionPage: Encodable {
        var layout: LayoutContext
        var version: PolicyVersionDTO
        var policyHref: String
        var stateLabel: String
        var published: Time
        var effective: Time
        var withdrawn: Time?
        var acknowledged: Time?
        var preambleHTML: String
        var clauses: [ClauseBlock]
        var parameters: [ParameterRow]
        var hasParameters: Bool
        var acknowledgeAction: String
        var showAcknowledgments: Bool
        var acknowledgments: [AckRow]
        var ackCount: String
        var canRemind: Bool
        var remindAction: String
        var canWithdraw: Bool
        var withdrawAction: String
        var form: FormState
    }

    func renderVersion(_ req: Request, form: FormState, status: HTTPStatus) async throws -> Response {
        let queries = try await PolicyQueries(req)
        let key = req.parameters.get("key")
        let version = try await queries.version(key, number(req))
        let specs = ParameterSchema.forKind(PolicyKind(rawValue: version.kind) ?? .other).specs
        var acks: AcknowledgmentsDTO?
        if queries.canSeeAcknowledgments { acks = try await queries.acknowledgments(key, version.number) }
        var waiting = acks.map { $0.bound - $0.acknowledged } ?? 0
        if queries.canWrite, let acks {
            // People who joined the audience since publication are reached by a reminder too.
            let (_, stored) = try await PolicyActions.find(key: key, number: version.number, on: req.db)
            let told = Set(acks.people.map(\.userId))
            waiting += try await PolicyActions.bound(by: stored.audience, on: req.db).filter { !told.contains($0) }
                .count
        }
        let page = VersionPage(
            layout: LayoutContext(req, title: "\(version.policyTitle), version \(version.number)", current: .policies),
            version: version, policyHref: SitePath.policy(version.policyKey).path,
            stateLabel: Self.stateLabel(version.state), published: Time(version.publishedAt),
            effective: Time(version.effectiveAt), withdrawn: version.withdrawnAt.map(Time.init),
            acknowledged: version.acknowledgedAt.map(Time.init), preambleHTML: SafeMarkdown.html(version.preamble),
            clauses: version.clauses.map {
                ClauseBlock(
                    number: $0.number, anchor: "clause-\($0.number)", title: $0.title, html: SafeMarkdown.html($0.text))
            },
            parameters: ParameterText.format(version.parameters).split(separator: "\n").map { line in
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                let name = parts.first ?? ""
                let base = String(name.split(separator: ".").first ?? "")
                return ParameterRow(
                    name: name, value: parts.count > 1 ? parts[1] : "",
                    help: specs.first { $0.name == base }?.help ?? "")
            }, hasParameters: !version.parameters.isEmpty,
            acknowledgeAction: SitePath.policyVersionAction(version.policyKey, version.number, "acknowledge").path,
            showAcknowledgments: acks != nil,
            acknowledgments: (acks?.people ?? []).map {
                AckRow(
                    name: $0.name, role: $0.role, notified: Time($0.notifiedAt), reminders: $0.reminders,
                    acknowledged: $0.acknowledgedAt.map(PageTime.text) ?? "not yet", done: $0.acknowledgedAt != nil)
            }, ackCount: acks.map { "\($0.acknowledged) of \($0.bound) have acknowledged" } ?? "",
            canRemind: queries.canWrite && version.withdrawnAt == nil && waiting > 0,
            remindAction: SitePath.policyVersionAction(version.policyKey, version.number, "remind").path,
            canWithdraw: queries.canWrite && version.state == "upcoming",
            withdrawAction: SitePath.policyVersionAction(version.policyKey, version.number, "withdraw").path,
            form: form)
        let response = try await req.view.render("policy-version", page).encodeResponse(for: req)
        response.status = status
        return response
    }

    @Sendable func version(req: Request) async throws -> Response {
        try await renderVersion(req, form: FormState(), status: .ok)
    }

    private func back(_ req: Request) -> String {
        SitePath.policyVersion(req.parameters.get("key") ?? "", number(req) ?? 0).path
    }

    @Sendable func acknowledge(req: Request) async throws -> Response {
        try await FormSubmission.handle(
            req, form: "acknowledge", values: [:], success: "Thank you: your acknowledgment is recorded.",
            redirect: back(req), render: renderVersion(_:form:status:)
        ) {
            _ = try await PolicyActions(req).acknowledge(key: req.parameters.get("key"), number: number(req))
        }
    }

    @Sendable func remind(req: Request) async throws -> Response {
        try await FormSubmission.handle(
            req, form: "remind", values: [:], success: "Reminder sent to everyone who has not acknowledged.",
            redirect: back(req), render: renderVersion(_:form:status:)
        ) {
            _ = try await PolicyActions(req).remind(key: req.parameters.get("key"), number: number(req))
        }
    }

    @Sendable func withdraw(req: Request) async throws -> Response {
        struct Form: Content { var reason: String? }
        let form = try req.content.decode(Form.self)
        return try await FormSubmission.handle(
            req, form: "withdraw", values: ["reason": form.reason ?? ""],
            success: "Version withdrawn; everyone who was told has been told it will not apply.", redirect: back(req),
            render: renderVersion(_:form:status:)
        ) {
            try await PolicyActions(req).withdraw(
                key: req.parameters.get("key"), number: number(req),
                WithdrawVersionRequest(reason: form.reason ?? ""))
        }
    }

    // MARK: Compare

    struct ComparePage: Encodable {
        var layout: LayoutContext
        var title: String
        var policyHref: String
        var comparison: PolicyComparisonDTO
        var fromHref: String
        var toHref: String
        var changedCount: Int
        var hasParameters: Bool
        var parameters: [ParameterChange]
    }

    struct ParameterChange: Encodable {
        var name: String
        var before: String
        var after: String
    }

    @Sendable func compare(req: Request) async throws -> View {
        let queries = try await PolicyQueries(req)
        let key = req.parameters.get("key")
        let detail = try await queries.detail(key)
        let comparison = try await queries.compare(
            key, from: try? req.query.get(Int.self, at: "from"), to: try? req.query.get(Int.self, at: "to"))
        func text(_ value: ParameterValue?) -> String {
            guard let value else { return "none" }
            return ParameterText.format(["v": value]).split(separator: "\n").map {
                String($0.split(separator: "=", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces)
            }.joined(separator: ", ")
        }
        return try await req.view.render(
            "policy-compare",
            ComparePage(
                layout: LayoutContext(req, title: "\(detail.policy.title): compare versions", current: .policies),
                title: detail.policy.title, policyHref: SitePath.policy(detail.policy.key).path,
                comparison: comparison, fromHref: SitePath.policyVersion(detail.policy.key, comparison.from).path,
                toHref: SitePath.policyVersion(detail.policy.key, comparison.to).path,
                changedCount: comparison.clauses.filter { $0.change != "unchanged" }.count,
                hasParameters: !comparison.parameters.isEmpty,
                parameters: comparison.parameters.map {
                    ParameterChange(name: $0.name, before: text($0.before), after: text($0.after))
                }))
    }

    // MARK: Publish

    struct PublishPage: Encodable {
        var layout: LayoutContext
        var title: String
        var kind: String
        var policyHref: String
        var action: String
        var values: [String: String]
        var errors: [String: String]
        /// Problems with single parameters ("appeal_window_days: Must be …"), listed under the box.
        var parameterErrors: [String]
        var parameterInvalid: Bool
        var parameterHelp: [ParameterRow]
        var notice: [NoticeRow]
        var nextNumber: Int
    }

    func renderPublish(_ req: Request, form: FormState, status: HTTPStatus) async throws -> Response {
        let queries = try await PolicyQueries(req)
        let (policy, versions) = try await queries.load(req.parameters.get("key"))
        let schema = ParameterSchema.forKind(policy.kind)
        let latest = versions.last(where: { $0.version.withdrawnAt == nil }) ?? versions.last
        let periods = try await PolicyStore.noticePeriods(on: req.db)
        let audience = latest?.audience ?? PolicyAudience(roles: Self.defaultRoles(policy.kind))
        let notice = NoticeRules.requiredDays(for: audience, periods: periods)
        // A day boundary far enough out for the notice the last audience was owed.
        let earliest = PolicyRules.earliestEffectiveDate(publishedAt: req.now, noticeDays: notice)
        let dayStart = Calendar.utc.startOfDay(for: earliest)
        let suggested = dayStart == earliest ? earliest : dayStart.addingTimeInterval(86_400)
        let values =
            form.form == "publish"
            ? form.values
            : [
                "summary": "",
                "body": latest?.document.markdown ?? Self.template(policy),
                "parameters": ParameterText.format(latest?.version.parameters ?? schema.suggested),
                "roles": audience.rolesText, "teams": audience.teamsText, "jurisdictions": audience.jurisdictionsText,
                "effectiveAt": Self.localInput(suggested), "favourable": "",
            ]
        let page = PublishPage(
            layout: LayoutContext(req, title: "Publish \(policy.title)", current: .policies), title: policy.title,
            kind: policy.kind.title, policyHref: SitePath.policy(policy.key).path,
            action: SitePath.policyPublish(policy.key).path, values: values,
            errors: form.form == "publish" ? form.errors : [:],
            parameterErrors: form.errors.keys.filter { $0.hasPrefix("parameters.") }.sorted().map {
                "\($0.dropFirst("parameters.".count)): \(form.errors[$0] ?? "")"
            }, parameterInvalid: form.errors.keys.contains { $0.hasPrefix("parameters") },
            parameterHelp: schema.specs.map { ParameterRow(name: $0.name, value: $0.ruleText, help: $0.help) },
            notice: periods.map { NoticeRow(role: $0.role, jurisdiction: $0.jurisdiction, days: $0.days) },
            nextNumber: (versions.last?.number ?? 0) + 1)
        let response = try await req.view.render("policy-publish", page).encodeResponse(for: req)
        response.status = status
        return response
    }

    @Sendable func publishForm(req: Request) async throws -> Response {
        try await renderPublish(req, form: FormState(), status: .ok)
    }

    @Sendable func publish(req: Request) async throws -> Response {
        struct Form: Content {
            var summary: String?
            var body: String?
            var parameters: String?
            var roles: String?
            var teams: String?
            var jurisdictions: String?
            var effectiveAt: String?
            var favourable: String?
        }
        let form = try req.content.decode(Form.self)
        let key = req.parameters.get("key") ?? ""
        let values = [
            "summary": form.summary ?? "", "body": form.body ?? "", "parameters": form.parameters ?? "",
            "roles": form.roles ?? "", "teams": form.teams ?? "", "jurisdictions": form.jurisdictions ?? "",
            "effectiveAt": form.effectiveAt ?? "", "favourable": form.favourable ?? "",
        ]
        var published: Int?
        let response = try await FormSubmission.handle(
            req, form: "publish", values: values, success: "Version published; everyone bound has been notified.",
            redirect: SitePath.policy(key).path, render: renderPublish(_:form:status:)
        ) {
            var checks = Checks()
            var parameters: PolicyParameters = [:]
            do { parameters = try ParameterText.parse(form.parameters ?? "") } catch let error as ValidationFailure {
                for problem in error.problems { checks.add(problem.field, problem.rule) }
            }
            let effective = Self.parseLocalInput(form.effectiveAt ?? "")
            if effective == nil { checks.add("effectiveAt", "must be a date and time, like 2026-12-14T09:00 (UTC)") }
            try checks.finish()
            func list(_ text: String?) -> [String] {
                (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            }
            let stored = try await PolicyActions(req).publish(
                key: key,
                PublishVersionRequest(
                    summary: form.summary ?? "", body: form.body ?? "", roles: list(form.roles),
                    teams: list(form.teams), jurisdictions: list(form.jurisdictions), parameters: parameters,
                    effectiveAt: effective!, favourable: form.favourable == "on" || form.favourable == "true"))
            published = stored.number
        }
        if let published { return req.redirect(to: SitePath.policyVersion(key, published).path) }
        return response
    }

    // MARK: Helpers

    static func defaultRoles(_ kind: PolicyKind) -> [Role] {
        switch kind {
        case .driverStanding: [.driver]
        case .agentConduct, .improvementPlans, .surveyAttribution: [.agent]
        case .refundsReplacements: [.agent, .lead]
        case .other: [.agent]
        }
    }

    /// A first draft that shows the owner how clauses are written.
    static func template(_ policy: PolicyRecord) -> String {
        """
        What this policy is for, in plain words.

        ## 1 Purpose
        Why the policy exists and whom it protects.

        ## 2 Rules
        What is expected, and how it is measured.

        ## 3 Consequences and appeals
        What happens when a rule is broken, and how to appeal.
        """
    }

    /// A `datetime-local` value in UTC: "2026-12-14T09:00".
    static func localInput(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.string(from: date)
    }

    static func parseLocalInput(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let date = ISO8601DateFormatter().date(from: trimmed) { return date }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return date }
        }
        return nil
    }
}

extension Calendar {
    /// The Gregorian calendar in UTC, for day boundaries on pages that speak UTC.
    static var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }
}
