import FairdeskCore
import Foundation
import Vapor

/// Drivers' appeals on the web, over the same `DriverAppeals` service as the API. A driver files an
/// appeal, with files, from **My standing** and adds files while it is undecided; reviewers and leads
/// find appeals at `/appeals`; `/appeals/{id}` sets the decision beside the driver's side with the
/// scans and traces compared to the address, and carries the assigned reviewer's answer form.
struct AppealPages: RouteCollection {
    /// Who opens an appeal's page: the driver it is about, reviewers and leads.
    static let readers: Set<Role> = AppealRules.reviewerRoles.union([.driver])

    func boot(routes: any RoutesBuilder) throws {
        let reviewers = routes.grouped(WebGuard(AppealRules.reviewerRoles))
        reviewers.get("appeals", use: list)
        reviewers.post("appeals", ":appealID", "decide", use: decide)
        reviewers.post("appeals", ":appealID", "training", use: training)
        let readers = routes.grouped(WebGuard(Self.readers))
        readers.get("appeals", ":appealID", use: show)
        readers.get("appeals", ":appealID", "evidence", ":evidenceID", use: download)
        // Room for a few files of `EvidenceCheck.defaultMaximumBytes` each, as the API allows.
        let drivers = routes.grouped(WebGuard([.driver]))
        drivers.on(
            .POST, "my", "standing", "decisions", ":decisionID", "appeal", body: .collect(maxSize: "64mb"), use: file)
        drivers.on(
            .POST, "my", "standing", "appeals", ":appealID", "evidence", body: .collect(maxSize: "64mb"),
            use: addEvidence)
    }

    // MARK: Words

    /// Where an appeal stands against its deadline, for people.
    static func deadlineWords(_ status: String) -> String {
        switch AppealDeadlineStatus(rawValue: status) {
        case .onTrack?: "on track"
        case .escalated?: "escalated: the deadline is near"
        case .overdue?: "overdue"
        case .decided?: "answered"
        case nil: status
        }
    }

    /// filed, in_review, decided, for people.
    static func stateWords(_ state: String, reviewer: String?) -> String {
        switch state {
        case "filed": "received, waiting for a reviewer"
        case "in_review": "in review by \(reviewer ?? "a reviewer")"
        case "decided": "decided"
        default: state
        }
    }

    /// A stored outcome for people: "conditionally reinstated".
    static func outcomeWords(_ outcome: String) -> String {
        outcome.replacingOccurrences(of: "_", with: " ")
    }

    /// "2.4 MB", "830 KB", "512 bytes".
    static func size(_ bytes: Int64) -> String {
        if bytes >= 1_048_576 { return String(format: "%.1f MB", Double(bytes) / 1_048_576) }
        if bytes >= 1024 { return "\(Int((Double(bytes) / 1024).rounded())) KB" }
        return "\(bytes) bytes"
    }

    // MARK: Conditions

    /// One requirement of a conditional reinstatement and where it stands.
    struct ProgressRow: Encodable {
        var requirement: String
        var status: String
        var statusWords: String
        var note: String
        var evidence: String?
    }

    /// The lead's or reviewer's form to record a required training module as completed.
    struct TrainingForm: Encodable {
        var action: String
        var modules: [SelectOption]
        var note: String
        var error: String?
    }

    /// A conditional reinstatement as the appeal page and the driver's page show it.
    struct ConditionsView: Encodable {
        var id: String
        var setBy: String
        var set: PolicyPages.Time
        var dueBy: PolicyPages.Time
        var reasons: String
        var state: String
        var stateWords: String
        var closed: PolicyPages.Time?
        var note: String?
        var rows: [ProgressRow]
        /// Records found in the driver's favour, corrected once the conditions are met.
        var cleared: String?
        var trainingForm: TrainingForm?

        /// `conditions` of appeal `appealID`; with the training form when `mayRecord` and a required
        /// module is still open. `form` is a refused training form, shown again.
        init(_ conditions: AppealConditionsDTO, appealID: UUID, mayRecord: Bool, form: FormState = FormState()) {
            id = conditions.id.uuidString
            setBy = conditions.setBy
            set = PolicyPages.Time(conditions.setAt)
            dueBy = PolicyPages.Time(conditions.dueBy)
            reasons = conditions.reasons
            state = conditions.state
            stateWords = AppealPages.conditionsWords(conditions.state)
            closed = conditions.closedAt.map(PolicyPages.Time.init)
            note = conditions.note
            cleared = conditions.clearedRecords.isEmpty ? nil : conditions.clearedRecords.joined(separator: ", ")
            rows = conditions.progress.map {
                ProgressRow(
                    requirement: $0.requirement, status: $0.status,
                    statusWords: AppealPages.requirementWords($0.status),
                    note: $0.note, evidence: $0.evidence.isEmpty ? nil : $0.evidence.joined(separator: ", "))
            }
            let modules = conditions.progress.filter { $0.kind == "training_module" && $0.status == "open" }
            let state = form.form == "training" ? form : FormState()
            trainingForm =
                mayRecord && conditions.state == "open" && !modules.isEmpty
                ? TrainingForm(
                    action: SitePath.appealTraining(appealID).path,
                    modules: modules.compactMap { item in
                        item.moduleId.map { SelectOption($0, item.requirement, selected: state.values["moduleId"]) }
                    }, note: state.values["note"] ?? "",
                    error: state.errors.isEmpty ? nil : state.errors.values.sorted().joined(separator: " "))
                : nil
        }
    }

    /// A conditional reinstatement's state, for people.
    static func conditionsWords(_ state: String) -> String {
        switch AppealConditions.State(rawValue: state) {
        case .open?: "being tracked"
        case .met?: "met: the appeal closed as reinstated"
        case .backToReview?: "back with a reviewer"
        case nil: state
        }
    }

    /// A requirement's status, for people.
    static func requirementWords(_ status: String) -> String {
        switch RequirementStatus(rawValue: status) {
        case .open?: "open"
        case .met?: "met"
        case .failedBackToReview?: "not met"
        case nil: status
        }
    }

    /// A lead or reviewer records a training module the open conditions require as completed.
    @Sendable func training(req: Request) async throws -> Response {
        struct Form: Content {
            var moduleId: String?
            var note: String?
        }
        let viewer = try await req.viewer(AppealRules.reviewerRoles)
        let form = try req.content.decode(Form.self)
        let id = req.parameters.get("appealID", as: UUID.self)
        return try await FormSubmission.handle(
            req, form: "training", values: ["moduleId": form.moduleId ?? "", "note": form.note ?? ""],
            success: "The training was recorded as completed; the driver has been told.",
            redirect: id.map { SitePath.appeal($0).path + "#conditions" } ?? SitePath.appeals.path, render: render
        ) {
            _ = try await req.application.driverAppeals.recordTraining(
                TrainingCompletionRequest(moduleId: form.moduleId, note: form.note), appealID: id, by: viewer)
        }
    }

    // MARK: The list

    struct ListRow: Encodable {
        var href: String
        var driverName: String
        var action: String
        var filed: PolicyPages.Time
        var reviewDue: PolicyPages.Time
        var reviewer: String
        var deadline: String
        var deadlineWords: String
        var outcome: String?
        var decidedBy: String?
        var decided: PolicyPages.Time?
    }

    struct ListPage: Encodable {
        var layout: LayoutContext
        var mine: [ListRow]
        var others: [ListRow]
        var decided: [ListRow]
        var hasMine: Bool
        var hasOthers: Bool
        var hasDecided: Bool
    }

    /// Undecided appeals assigned to the viewer first, then the other undecided ones, each with where
    /// it stands against its deadline; below, the latest answered.
    @Sendable func list(req: Request) async throws -> View {
        let viewer = try await req.viewer(AppealRules.reviewerRoles)
        let (open, decided) = try await req.application.driverAppeals.list()
        let now = req.now
        func row(_ item: DriverAppeals.Listed) -> ListRow {
            let deadline = item.row.deadline(at: now).rawValue
            return ListRow(
                href: SitePath.appeal(item.row.id).path, driverName: item.driverName, action: item.action,
                filed: PolicyPages.Time(item.row.filedAt), reviewDue: PolicyPages.Time(item.row.reviewDueAt),
                reviewer: item.row.reviewerName ?? "nobody yet", deadline: deadline,
                deadlineWords: Self.deadlineWords(deadline), outcome: item.row.outcome.map(Self.outcomeWords),
                decidedBy: item.row.decidedByName, decided: item.row.decidedAt.map(PolicyPages.Time.init))
        }
        let mine = open.filter { $0.row.reviewerId == viewer.userID }.map(row)
        let others = open.filter { $0.row.reviewerId != viewer.userID }.map(row)
        let answered = decided.map(row)
        return try await req.view.render(
            "appeals",
            ListPage(
                layout: LayoutContext(req, title: "Appeals", current: .appeals), mine: mine, others: others,
                decided: answered, hasMine: !mine.isEmpty, hasOthers: !others.isEmpty, hasDecided: !answered.isEmpty))
    }

    // MARK: One appeal

    struct RecordLine: Encodable {
        var id: String
        var description: String
    }

    struct FileView: Encodable {
        var name: String
        var kind: String
        var size: String
        var uploaded: PolicyPages.Time
        /// Nil for a reviewer who may read the appeal but not open its files.
        var href: String?

        /// `file` of appeal `appealID`, linked to its download when the viewer `mayOpen` it.
        init(_ file: AppealEvidenceDTO, of appealID: UUID, mayOpen: Bool) {
            name = file.originalName
            kind = EvidenceType(rawValue: file.type)?.title ?? file.type
            size = AppealPages.size(file.size)
            uploaded = PolicyPages.Time(file.uploadedAt)
            href = mayOpen ? SitePath.appealEvidence(appealID, evidenceID: file.id).path : nil
        }
    }

    struct ReadingView: Encodable {
        var source: String
        var time: PolicyPages.Time
        var timing: String
        var offset: String
        var fence: String
        var within: Bool
    }

    struct ComparisonView: Encodable {
        var packageID: String
        var description: String
        var searched: String
        var readings: [ReadingView]
        var hasReadings: Bool
        var tracesWithoutPoint: String?
    }

    struct OutcomeView: Encodable {
        var title: String
        var reasons: String
        var requirements: [String]
        var hasRequirements: Bool
        var dueBy: PolicyPages.Time?
        var decidedBy: String
        var decided: PolicyPages.Time?
    }

    /// A record the decision relied on, offered to the reviewer to find in the driver's favour.
    struct RecordCheck: Encodable {
        var id: String
        var description: String
        var checked: Bool
    }

    struct AnswerForm: Encodable {
        var action: String
        var outcomes: [SelectOption]
        var records: [RecordCheck]
        var hasRecords: Bool
        var values: [String: String]
        /// Messages by field: outcome, reasons, training, onTime, requirements, dueBy, form.
        var errors: [String: String]
        var hasErrors: Bool
    }

    struct AppealPage: Encodable {
        var layout: LayoutContext
        var backHref: String
        var backLabel: String
        var own: Bool
        var driverName: String
        var appeal: DriverAppealDTO
        var stateWords: String
        var deadlineWords: String
        var filed: PolicyPages.Time
        var reviewDue: PolicyPages.Time
        var escalates: PolicyPages.Time
        var decision: DriverDecisionDTO
        var grounds: String
        var decided: PolicyPages.Time
        /// When the decision takes effect, if later than when it was decided (the policy's notice).
        var effective: PolicyPages.Time?
        /// When a suspension or restriction ends.
        var ends: PolicyPages.Time?
        var records: [RecordLine]
        var missingRecords: String?
        var files: [FileView]
        var hasFiles: Bool
        var mayOpenFiles: Bool
        var undecided: Bool
        var comparisons: [ComparisonView]
        var hasComparisons: Bool
        var traceProblems: [String]
        var hasTraceProblems: Bool
        var scanRule: String
        var outcome: OutcomeView?
        /// Every conditional reinstatement given on the appeal, with its progress.
        var conditions: [ConditionsView]
        var hasConditions: Bool
        var form: AnswerForm?
        var answerNote: String?
        /// Why an answer from someone who may not answer was refused (their page has no form to show it by).
        var refused: String?
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await render(req, form: FormState(), status: .ok)
    }

    /// The appeal page; the answer form only for someone `AppealRules.mayAnswer` admits.
    func render(_ req: Request, form: FormState, status: HTTPStatus) async throws -> Response {
        let viewer = try await req.viewer(Self.readers)
        let review = try await req.application.driverAppeals.review(
            req.parameters.get("appealID", as: UUID.self), as: viewer)
        let appeal = review.appeal
        let own = viewer.role == .driver
        let descriptions = Dictionary(
            review.records.map { ($0.id, $0.description) }, uniquingKeysWith: { first, _ in first })
        let comparisons = review.comparisons.map { compared in
            ComparisonView(
                packageID: compared.package.id, description: descriptions[compared.package.id] ?? "",
                searched: compared.searched,
                readings: compared.readings.map { reading in
                    let source: String
                    switch reading.source {
                    case .scan(let id):
                        let accuracy = reading.comparison.accuracyMetres.map {
                            ", phone sure to ±\(Int($0.rounded())) m"
                        }
                        source = "App scan \(id)\(accuracy ?? "")"
                    case .trace(let name): source = "Trace \(name): its closest point"
                    }
                    return ReadingView(
                        source: source, time: PolicyPages.Time(reading.time), timing: reading.timing,
                        offset: reading.comparison.offset, fence: reading.comparison.fence,
                        within: reading.comparison.withinGeofence)
                }, hasReadings: !compared.readings.isEmpty,
                tracesWithoutPoint: compared.tracesWithoutPoint.isEmpty
                    ? nil : compared.tracesWithoutPoint.joined(separator: ", "))
        }
        let outcome = appeal.outcome.map { outcome in
            OutcomeView(
                title: Self.outcomeWords(outcome), reasons: appeal.reasons ?? "",
                requirements: appeal.requirements ?? [], hasRequirements: !(appeal.requirements ?? []).isEmpty,
                dueBy: appeal.requirementsDueBy.map(PolicyPages.Time.init), decidedBy: appeal.decidedBy ?? "",
                decided: appeal.decidedAt.map(PolicyPages.Time.init))
        }
        let answer = answerForm(appeal.id, review.records, form.form == "training" ? FormState() : form)
        let conditions = appeal.conditions.map {
            ConditionsView(
                $0, appealID: appeal.id, mayRecord: AppealRules.reviewerRoles.contains(viewer.role), form: form)
        }
        let page = AppealPage(
            layout: LayoutContext(
                req, title: own ? "My appeal" : "Appeal of \(review.driverName)", current: own ? .myStanding : .appeals),
            backHref: own ? SitePath.myStanding.path + "#decision-\(appeal.decisionId)" : SitePath.appeals.path,
            backLabel: own ? "My standing" : "Appeals", own: own, driverName: review.driverName, appeal: appeal,
            stateWords: Self.stateWords(appeal.state, reviewer: appeal.reviewer),
            deadlineWords: Self.deadlineWords(appeal.deadline), filed: PolicyPages.Time(appeal.filedAt),
            reviewDue: PolicyPages.Time(appeal.reviewDueAt), escalates: PolicyPages.Time(appeal.escalateAt),
            decision: review.decision, grounds: review.decision.groundsWords.joined(separator: ", "),
            decided: PolicyPages.Time(review.decision.decidedAt),
            effective: review.decision.appliesLater.map(PolicyPages.Time.init),
            ends: review.decision.endsAt.map(PolicyPages.Time.init),
            records: review.records.map { RecordLine(id: $0.id, description: $0.description) },
            missingRecords: review.missingRecords.isEmpty ? nil : review.missingRecords.joined(separator: ", "),
            files: appeal.evidence.map { FileView($0, of: appeal.id, mayOpen: review.mayOpenEvidence) },
            hasFiles: !appeal.evidence.isEmpty, mayOpenFiles: review.mayOpenEvidence,
            undecided: appeal.state != "decided", comparisons: comparisons, hasComparisons: !comparisons.isEmpty,
            traceProblems: review.traceProblems.map { "\($0.field): \(FormState.sentence($0.rule))" },
            hasTraceProblems: !review.traceProblems.isEmpty, scanRule: review.scanRule, outcome: outcome,
            conditions: conditions, hasConditions: !conditions.isEmpty, form: review.mayAnswer ? answer : nil,
            answerNote: review.answerNote,
            refused: !review.mayAnswer && answer.hasErrors ? answer.errors.values.sorted().joined(separator: " ") : nil)
        let response = try await req.view.render("appeal", page).encodeResponse(for: req)
        response.status = status
        return response
    }

    /// The answer form with what was typed and each message beside its field.
    private func answerForm(_ id: UUID, _ records: [DriverRecordDTO], _ form: FormState) -> AnswerForm {
        let cleared = Set((form.values["clearedRecords"] ?? "").split(separator: "\n").map(String.init))
        var errors: [String: String] = [:]
        let requirementKeys = (form.values["requirementKeys"] ?? "").split(separator: ",").map(String.init)
        for (field, message) in form.errors {
            let key: String
            switch field {
            case "outcome", "reasons", "training", "onTime", "dueBy", "clearedRecords": key = field
            case _ where field.hasPrefix("clearedRecords["): key = "clearedRecords"
            case "outcome.dueBy": key = "dueBy"
            case "outcome.requirements": key = "requirements"
            case _ where field.hasPrefix("outcome.requirements["):
                let index = Int(field.dropFirst("outcome.requirements[".count).prefix { $0.isNumber }) ?? -1
                key = requirementKeys.indices.contains(index) ? requirementKeys[index] : "requirements"
            default: key = "form"
            }
            errors[key] = errors[key].map { $0 + " " + message } ?? message
        }
        return AnswerForm(
            action: SitePath.appealDecide(id).path,
            outcomes: DriverAppeals.OutcomeName.allCases.map {
                SelectOption($0.rawValue, Self.outcomeWords($0.rawValue), selected: form.values["outcome"])
            },
            records: records.map {
                RecordCheck(id: $0.id, description: $0.description, checked: cleared.contains($0.id))
            }, hasRecords: !records.isEmpty, values: form.values, errors: errors, hasErrors: !errors.isEmpty)
    }

    /// The reviewer's answer from the form: the outcome, the reasons, and for a conditional
    /// reinstatement a training module and/or an on-time rate over a number of blocks, due by a date.
    @Sendable func decide(req: Request) async throws -> Response {
        struct Form: Content {
            var outcome: String?
            var reasons: String?
            var moduleId: String?
            var moduleTitle: String?
            var minimumPercent: String?
            var blocks: String?
            var dueBy: String?
            var clearedRecords: [String]?
        }
        let viewer = try await req.viewer(AppealRules.reviewerRoles)
        let form = try req.content.decode(Form.self)
        let id = req.parameters.get("appealID", as: UUID.self)
        func text(_ value: String?) -> String { (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        var values = [
            "outcome": form.outcome ?? "", "reasons": form.reasons ?? "", "moduleId": form.moduleId ?? "",
            "moduleTitle": form.moduleTitle ?? "", "minimumPercent": form.minimumPercent ?? "",
            "blocks": form.blocks ?? "", "dueBy": form.dueBy ?? "",
            "clearedRecords": (form.clearedRecords ?? []).joined(separator: "\n"),
        ]
        // Conditions count only for a conditional reinstatement; the other outcomes ignore the fields.
        var requirements: [AppealResolutionRequest.Requirement] = []
        var keys: [String] = []
        var checks = Checks()
        var dueBy: Date?
        if form.outcome == DriverAppeals.OutcomeName.conditionallyReinstated.rawValue {
            if !text(form.moduleId).isEmpty || !text(form.moduleTitle).isEmpty {
                requirements.append(.init(kind: "training_module", moduleId: form.moduleId, title: form.moduleTitle))
                keys.append("training")
            }
            if !text(form.minimumPercent).isEmpty || !text(form.blocks).isEmpty {
                let percent = Double(text(form.minimumPercent).replacingOccurrences(of: "%", with: ""))
                if percent.map({ !(0...100).contains($0) }) ?? true {
                    checks.add("onTime", "must give the on-time rate as a percentage from 0 to 100")
                }
                let blocks = checks.typedNumber(
                    form.blocks, field: "onTime", required: true,
                    rule: "must give the number of blocks as a whole number")
                requirements.append(
                    .init(kind: "on_time_rate", minimum: (percent ?? 0) / 100, blocks: blocks ?? 0))
                keys.append("onTime")
            }
            if !text(form.dueBy).isEmpty {
                dueBy = PolicyPages.parseLocalInput(text(form.dueBy))
                if dueBy == nil { checks.add("dueBy", "must be a date and time, like 2026-12-14T18:00") }
            }
        }
        values["requirementKeys"] = keys.joined(separator: ",")
        return try await FormSubmission.handle(
            req, form: "decide", values: values, success: "Your answer was recorded; the driver has been told.",
            redirect: id.map { SitePath.appeal($0).path } ?? SitePath.appeals.path, render: render
        ) {
            try checks.finish()
            _ = try await req.application.driverAppeals.resolve(
                AppealResolutionRequest(
                    outcome: form.outcome, reasons: form.reasons, requirements: requirements, dueBy: dueBy,
                    // Records found in the driver's favour matter only when the appeal is not denied.
                    clearedRecords: form.outcome == DriverAppeals.OutcomeName.denied.rawValue
                        ? [] : form.clearedRecords),
                appealID: id, by: viewer)
        }
    }

    @Sendable func download(req: Request) async throws -> Response {
        let viewer = try await req.viewer(Self.readers)
        let file = try await req.application.driverAppeals.evidenceFile(
            req.parameters.get("evidenceID", as: UUID.self), of: req.parameters.get("appealID", as: UUID.self),
            as: viewer)
        let response = Response(status: .ok, body: .init(data: file.data))
        response.headers.replaceOrAdd(name: .contentType, value: file.type.mediaType)
        let safeName = file.name.replacingOccurrences(of: "\"", with: "")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(safeName)\"")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return response
    }

    // MARK: The driver's forms on My standing

    /// The files a browser sent: a file input left empty still sends one nameless, empty part.
    static func chosen(_ files: [File]?) -> [File] {
        (files ?? []).filter { $0.data.readableBytes > 0 || !$0.filename.isEmpty }
    }

    /// Files the driver's appeal, with any files, through `DriverAppeals.file`: refused, the form
    /// comes back under its decision with the account kept and each problem named; nothing is kept.
    @Sendable func file(req: Request) async throws -> Response {
        struct Form: Content {
            var account: String?
            var files: [File]?
        }
        let viewer = try await req.viewer([.driver])
        let form = try req.content.decode(Form.self)
        let files = Self.chosen(form.files)
        let decisionID = req.parameters.get("decisionID", as: UUID.self)
        return try await FormSubmission.handle(
            req, form: "appeal-\(decisionID?.uuidString ?? "")",
            values: ["account": form.account ?? "", "files": files.map(\.filename).joined(separator: "\n")],
            success: "Your appeal was received. You will be told here and by email when it is answered.",
            redirect: SitePath.myStanding.path + "#decision-\(decisionID?.uuidString ?? "")", render: renderStanding
        ) {
            _ = try await req.application.driverAppeals.file(
                DriverAppealRequest(account: form.account), against: decisionID, files: files, by: viewer)
        }
    }

    /// Adds files to the driver's undecided appeal through `DriverAppeals.addEvidence`.
    @Sendable func addEvidence(req: Request) async throws -> Response {
        struct Form: Content { var files: [File]? }
        let viewer = try await req.viewer([.driver])
        let files = Self.chosen(try req.content.decode(Form.self).files)
        let appealID = req.parameters.get("appealID", as: UUID.self)
        return try await FormSubmission.handle(
            req, form: "evidence-\(appealID?.uuidString ?? "")",
            values: ["files": files.map(\.filename).joined(separator: "\n")],
            success: files.count == 1 ? "Your file was added to the appeal." : "Your files were added to the appeal.",
            redirect: SitePath.myStanding.path, render: renderStanding
        ) {
            _ = try await req.application.driverAppeals.addEvidence(files, to: appealID, by: viewer)
        }
    }

    private func renderStanding(_ req: Request, form: FormState, status: HTTPStatus) async throws -> Response {
        let viewer = try await req.viewer([.driver])
        let response = try await DriverPages().render(req, driver: viewer.user, own: true, form: form)
            .encodeResponse(for: req)
        response.status = status
        return response
    }
}
