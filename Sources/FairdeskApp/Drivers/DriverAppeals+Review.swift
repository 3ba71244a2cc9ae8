import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// What the appeal pages read: the list for reviewers and leads, one appeal with both sides and the
/// scan comparison, a driver's own appeals, and the evidence files.
extension DriverAppeals {
    /// One appeal with the original decision beside the driver's side, as the appeal page shows it.
    struct Review: Sendable {
        var appeal: DriverAppealDTO
        var driverName: String
        var decision: DriverDecisionDTO
        /// The records the decision relied on, each described; ids with no record on file are apart.
        var records: [DriverRecordDTO]
        var missingRecords: [String]
        /// Each package the decision relied on: its scans and the driver's traces against its address.
        var comparisons: [DeliveryComparison]
        /// Trace files that could not be read, each problem on the file's name.
        var traceProblems: [FieldProblem]
        /// The scan rule of the policy in force when the decision was made, in words.
        var scanRule: String
        /// Whether the viewer may answer the appeal (`AppealRules.mayAnswer`) and open its files.
        var mayAnswer: Bool
        var mayOpenEvidence: Bool
        /// Why the viewer, a reviewer or lead, may not answer an undecided appeal.
        var answerNote: String?
    }

    /// Appeal `id` with both sides, as `viewer` may see it: a driver only their own (404 otherwise).
    /// Records and traces are judged under the driver policy in force when the decision was made.
    func review(_ id: UUID?, as viewer: Viewer) async throws -> Review {
        let row = try await row(id, as: viewer)
        let stored = try await Self.decision(row.decisionId, on: app.db)
        let driver = try await DriverStandings.driver(row.driverId, on: app.db)
        let used = try await DriverStandings.policy(for: driver, at: stored.decision.decidedAt, on: app.db)
        let evidenceIDs = stored.decision.statement.evidence
        let records = try await DriverRecordStore.records(of: row.driverId, ids: evidenceIDs, on: app.db)
        let described = DriverRecordText.describe(records, policy: used.policy)
        let onFile = Set(described.map(\.id))
        let rule = ScanRule(used.policy)
        let (traces, problems) = try await traces(of: row.id)
        let staff = StaffMember(id: viewer.userID.uuidString, name: viewer.user.name, role: viewer.role)
        let undecided = row.state != "decided"
        let mayAnswer = undecided && AppealRules.mayAnswer(row.appeal, decision: stored.decision, reviewer: staff)
        var note: String?
        if undecided, !mayAnswer, AppealRules.reviewerRoles.contains(viewer.role) {
            note =
                stored.decision.decider.id == staff.id
                ? "You made the original decision, so someone else answers this appeal."
                : "Only \(row.reviewerName ?? "the assigned reviewer"), the reviewer assigned to it, answers this appeal."
        }
        return Review(
            appeal: try await dto(row), driverName: driver.name,
            decision: DriverDecisions.dto(
                stored.row, appeal: DriverDecisions.appealWords(state: row.state, outcome: row.outcome),
                lift: try await DecisionCorrections.lifts(of: row.driverId, on: app.db)[row.decisionId]),
            records: described, missingRecords: evidenceIDs.filter { !onFile.contains($0) },
            comparisons: records.packages.map { DeliveryComparison.compare($0, traces: traces, rule: rule) },
            traceProblems: problems, scanRule: rule.text, mayAnswer: mayAnswer,
            mayOpenEvidence: AppealRules.mayOpenEvidence(of: row.appeal, id: staff.id, role: viewer.role),
            answerNote: note)
    }

    /// The points of the appeal's GPX and CSV files, read by `GPXTraceReader` and `CSVTraceReader`,
    /// and the problems of those that could not be read, each named by the file.
    private func traces(of appealID: UUID) async throws -> ([(name: String, points: [TracePoint])], [FieldProblem]) {
        struct Row: Decodable {
            var fileKey: String
            var originalName: String
            var type: String
        }
        let files = try await app.db.sql.raw(
            """
            SELECT file_key, original_name, type FROM appeal_evidence WHERE appeal_id = \(bind: appealID) \
            AND type IN ('gpx', 'csv') ORDER BY uploaded_at, id
            """
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        var traces: [(name: String, points: [TracePoint])] = []
        var problems: [FieldProblem] = []
        for file in files {
            do {
                let data = try app.fairdesk.attachments.load(key: file.fileKey)
                let points =
                    file.type == EvidenceType.gpx.rawValue
                    ? try GPXTraceReader.points(from: data, field: file.originalName)
                    : try CSVTraceReader.points(from: String(decoding: data, as: UTF8.self), field: file.originalName)
                traces.append((file.originalName, points))
            } catch let failure as ValidationFailure {
                problems += failure.problems
            } catch {
                problems.append(FieldProblem(field: file.originalName, rule: "could not be read from storage"))
            }
        }
        return (traces, problems)
    }

    /// An appeal as the list shows it.
    struct Listed: Sendable {
        var row: Row
        var driverName: String
        /// The decision appealed against: restriction, suspension, deactivation.
        var action: String
    }

    /// Undecided appeals, the soonest deadline first (at most 500), and the 50 decided most recently.
    func list() async throws -> (open: [Listed], decided: [Listed]) {
        // `condition` and `order` are constants of this function, never input.
        func query(_ condition: String, order: String, limit: Int) async throws -> [Listed] {
            try await app.db.sql.raw(
                """
                SELECT \(unsafeRaw: Row.columns("a")), u.name AS driver_name, d.action AS decision_action \
                FROM driver_appeals a JOIN users u ON u.id = a.driver_id \
                JOIN driver_decisions d ON d.id = a.decision_id WHERE \(unsafeRaw: condition) \
                ORDER BY \(unsafeRaw: order) LIMIT \(unsafeRaw: String(limit))
                """
            ).all().map { row in
                Listed(
                    row: try row.decode(model: Row.self, keyDecodingStrategy: .convertFromSnakeCase),
                    driverName: try row.decode(column: "driver_name", as: String.self),
                    action: try row.decode(column: "decision_action", as: String.self))
            }
        }
        return (
            try await query("a.state <> 'decided'", order: "a.review_due_at, a.id", limit: 500),
            try await query("a.state = 'decided'", order: "a.decided_at DESC, a.id DESC", limit: 50)
        )
    }

    /// The driver's appeals by the decision they answer, each with its evidence list.
    func appeals(of driver: UUID) async throws -> [UUID: (row: Row, appeal: DriverAppealDTO)] {
        struct File: Decodable {
            var appealId: UUID
            var id: UUID
            var originalName: String
            var type: String
            var size: Int64
            var uploadedAt: Date
        }
        let rows = try await app.db.sql.raw(
            "SELECT \(unsafeRaw: Row.columns()) FROM driver_appeals WHERE driver_id = \(bind: driver)"
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        guard !rows.isEmpty else { return [:] }
        let files = Dictionary(
            grouping: try await app.db.sql.raw(
                """
                SELECT e.appeal_id, e.id, e.original_name, e.type, e.size, e.uploaded_at FROM appeal_evidence e \
                JOIN driver_appeals a ON a.id = e.appeal_id WHERE a.driver_id = \(bind: driver) \
                ORDER BY e.uploaded_at, e.id
                """
            ).all(decoding: File.self, keyDecodingStrategy: .convertFromSnakeCase), by: \.appealId)
        var result: [UUID: (row: Row, appeal: DriverAppealDTO)] = [:]
        for row in rows {
            let evidence = (files[row.id] ?? []).map {
                AppealEvidenceDTO(
                    id: $0.id, originalName: $0.originalName, type: $0.type, size: $0.size, uploadedAt: $0.uploadedAt)
            }
            result[row.decisionId] = (row, try await dto(row, evidence: evidence))
        }
        return result
    }

    /// One of the appeal's evidence files, for the driver who filed it, the assigned reviewer and
    /// leads (`AppealRules.mayOpenEvidence`): 404 for another driver, 403 for other staff.
    func evidenceFile(_ evidenceID: UUID?, of appealID: UUID?, as viewer: Viewer) async throws -> (
        name: String, type: EvidenceType, data: Data
    ) {
        struct File: Decodable {
            var fileKey: String
            var originalName: String
            var type: String
        }
        let row = try await row(appealID, as: viewer)
        guard AppealRules.mayOpenEvidence(of: row.appeal, id: viewer.userID.uuidString, role: viewer.role) else {
            throw ApiError.forbidden(
                "evidence files open for the driver, the reviewer assigned to the appeal and leads")
        }
        guard let evidenceID,
            let file = try await app.db.sql.raw(
                """
                SELECT file_key, original_name, type FROM appeal_evidence WHERE id = \(bind: evidenceID) \
                AND appeal_id = \(bind: row.id)
                """
            ).first(decoding: File.self, keyDecodingStrategy: .convertFromSnakeCase),
            let type = EvidenceType(rawValue: file.type)
        else { throw ApiError.notFound("evidence") }
        return (file.originalName, type, try app.fairdesk.attachments.load(key: file.fileKey))
    }
}
