import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// A driver's own data to take away (due process 9): every record with what happened, every
/// excuse, warning, decision, appeal and outcome, every delivery dispute and its finding, and the audit entries about them, as JSON or as one
/// CSV table. The driver downloads their own; leads, reviewers and admins any driver's.
struct DriverExport: Sendable {
    let app: Application

    /// The export of driver `id` as `viewer` may read it: 403 for another driver.
    func export(_ id: UUID?, as viewer: Viewer) async throws -> DriverExportDTO {
        if viewer.role == .driver, id != viewer.userID {
            throw ApiError.forbidden("a driver downloads their own data only")
        }
        let driver = try await DriverStandings.driver(id, on: app.db)
        let driverID = try driver.requireID()
        let now = app.fairdesk.clock.now
        let used = try await DriverStandings.policy(for: driver, at: now, on: app.db)
        let records = try await DriverRecordStore.records(
            of: driverID, in: DateInterval(start: .distantPast, end: now.addingTimeInterval(1)), on: app.db)
        let audit = try await AuditEntry.query(on: app.db)
            .filter(\.$subjectType == DriverStandings.auditSubject).filter(\.$subjectID == driverID.uuidString)
            .sort(\.$sequence).all()
        let appeals = try await app.driverAppeals.appeals(of: driverID).values.map(\.appeal)
        return DriverExportDTO(
            driverId: driverID, driverName: driver.name, exportedAt: now, policy: used.citation,
            records: DriverRecordText.describe(records, policy: used.policy),
            excuses: records.excuses.map {
                DriverExcuseDTO(
                    recordId: $0.recordID, code: $0.code.rawValue, codeWords: $0.code.words, reason: $0.reason,
                    appliedBy: $0.source.words, appliedAt: $0.appliedAt, reportedAt: $0.reportedAt)
            },
            warnings: try await DriverStandings.warnings(of: driverID, now: now, on: app.db),
            decisions: try await DriverDecisions.decisions(of: driverID, on: app.db),
            appeals: appeals.sorted { $0.filedAt < $1.filedAt },
            disputes: try await DeliveryDisputes.disputes(of: driverID, staff: false, on: app.db).reversed(),
            audit: audit.map {
                DriverExportDTO.AuditLine(
                    at: $0.at, actor: $0.actorLabel, action: $0.action, reason: $0.reason, details: $0.details,
                    policy: $0.policyVersion)
            })
    }

    /// The export as one CSV table (RFC 4180: CRLF lines, fields quoted when they hold a comma, quote
    /// or line break), a row per item: section, id, when, what, detail, by, policy.
    static func csv(_ export: DriverExportDTO) -> String {
        var rows: [[String]] = [["section", "id", "at", "what", "detail", "by", "policy"]]
        for record in export.records {
            rows.append(["record", record.id, "", record.kind, record.description, "", ""])
        }
        for excuse in export.excuses {
            rows.append([
                "excuse", excuse.recordId, PageTime.iso(excuse.appliedAt), excuse.codeWords, excuse.reason,
                excuse.appliedBy, "",
            ])
        }
        for warning in export.warnings {
            rows.append([
                "warning", warning.id.uuidString, PageTime.iso(warning.issuedAt), warning.kind, warning.text,
                warning.issuedBy, warning.policy,
            ])
        }
        for decision in export.decisions {
            let state = [decision.appeal, decision.lifted].compactMap { $0 }.joined(separator: "; ")
            rows.append([
                "decision", decision.id.uuidString, PageTime.iso(decision.decidedAt),
                decision.action + (decision.endsAt.map { " until \(PageTime.iso($0))" } ?? "")
                    + (state.isEmpty ? "" : " (\(state))"),
                "clause \(decision.clause): \(decision.text) Records: "
                    + decision.evidence.joined(separator: ", "), decision.decider, decision.policy,
            ])
        }
        for appeal in export.appeals {
            rows.append([
                "appeal", appeal.id.uuidString, PageTime.iso(appeal.filedAt), "appeal of decision \(appeal.decisionId)",
                appeal.account, "", appeal.policy,
            ])
            if let outcome = appeal.outcome {
                rows.append([
                    "outcome", appeal.id.uuidString, appeal.decidedAt.map(PageTime.iso) ?? "", outcome,
                    ([appeal.reasons ?? ""] + (appeal.requirements ?? [])).joined(separator: "; "),
                    appeal.decidedBy ?? "", appeal.policy,
                ])
            }
            for conditions in appeal.conditions {
                rows.append([
                    "conditions", conditions.id.uuidString, PageTime.iso(conditions.setAt), conditions.state,
                    conditions.progress.map { "\($0.requirement): \($0.status), \($0.note)" }.joined(separator: "; "),
                    conditions.setBy, appeal.policy,
                ])
            }
        }
        for dispute in export.disputes {
            rows.append([
                "dispute", dispute.id.uuidString, PageTime.iso(dispute.openedAt),
                "package \(dispute.packageId) delivered but not received; proposed: \(dispute.proposedFindingWords)",
                ([dispute.account] + dispute.proposedReasons).joined(separator: " "), dispute.openedBy, dispute.policy,
            ])
            if let answer = dispute.driverAccount, let at = dispute.driverAccountAt {
                rows.append([
                    "dispute answer", dispute.id.uuidString, PageTime.iso(at), "the driver's side", answer, "", "",
                ])
            }
            if let finding = dispute.findingWords, let decidedAt = dispute.decidedAt {
                rows.append([
                    "finding", dispute.id.uuidString, PageTime.iso(decidedAt),
                    finding + (dispute.countsAgainstDriver ? " (counts as not completed)" : " (does not count)"),
                    dispute.reason ?? "", dispute.decidedBy ?? "", dispute.policy,
                ])
            }
        }
        for line in export.audit {
            rows.append([
                "audit", "", PageTime.iso(line.at), line.action,
                [line.reason, line.details].compactMap { $0 }
                    .joined(separator: " "), line.actor, line.policy ?? "",
            ])
        }
        return rows.map { $0.map(ServiceReportCSV.field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }
}

extension Application {
    /// Drivers' own data to download.
    var driverExport: DriverExport { DriverExport(app: self) }
}
