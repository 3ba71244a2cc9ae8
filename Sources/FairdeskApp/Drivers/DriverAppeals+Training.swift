import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

extension DriverAppeals {
    /// Records that the driver completed a training module their open conditions require, as a lead
    /// or reviewer: refused (422, nothing written) naming `appealID` when no conditions are open,
    /// `moduleId` when it is not one they require, `note` over 500 characters; 409 when it is already
    /// recorded. Audited and told to the driver; then the conditions are judged again, so the last
    /// requirement met closes the appeal as reinstated at once.
    func recordTraining(_ input: TrainingCompletionRequest, appealID: UUID?, by viewer: Viewer) async throws
        -> DriverAppealDTO
    {
        guard let appealID, let appeal = try await Self.row(appealID, on: app.db) else {
            throw ApiError.notFound("appeal")
        }
        let now = now
        var checks = Checks()
        let open = try await AppealConditions.rows(of: appealID, on: app.db).last {
            $0.state == AppealConditions.State.open.rawValue
        }
        if open == nil { checks.add("appealID", "has no open conditions to record training against") }
        let modules = (open?.decoded ?? []).compactMap { requirement -> (id: String, title: String)? in
            if case .trainingModule(let id, let title) = requirement { return (id, title) }
            return nil
        }
        let moduleID = checks.text(input.moduleId, field: "moduleId", max: 200)
        let note = checks.text(input.note, field: "note", max: 500, required: false)
        let module = modules.first { $0.id == moduleID }
        if open != nil, moduleID != nil, module == nil {
            checks.add(
                "moduleId",
                modules.isEmpty
                    ? "must be a training module the conditions require: they require none"
                    : "must be a training module the conditions require: "
                        + modules.map(\.id).joined(separator: ", "))
        }
        try checks.finish()
        guard let open, let module else { throw ApiError.invalid(field: "moduleId", rule: "is required") }
        if try await AppealConditions.completedModules(of: appeal.driverId, on: app.db).contains(module.id) {
            throw ApiError.conflict("\"\(module.title)\" is already recorded as completed", field: "moduleId")
        }
        let driver = try await DriverStandings.driver(appeal.driverId, on: app.db)
        try await app.write { [app] db in
            try await db.insertRow(
                "driver_training",
                [
                    ("id", TimeOrderedID.next(at: now)), ("driver_id", appeal.driverId), ("module_id", module.id),
                    ("title", module.title), ("completed_at", now), ("recorded_by_id", viewer.userID),
                    ("recorded_by_name", viewer.user.name), ("note", note),
                ])
            try await AuditLog.append(
                on: db, at: now, actor: viewer.actor, action: "driver.training_completed",
                subjectType: DriverStandings.auditSubject, subjectID: appeal.driverId,
                reason: note ?? "\"\(module.title)\" recorded as completed",
                details: [
                    "appeal": appealID.uuidString, "conditions": open.id.uuidString, "module": module.id,
                    "title": module.title,
                ], policyVersion: appeal.policyVersion)
            let link = SitePath.myStanding.path
            try await Notifications.send(
                to: [appeal.driverId], caseID: nil, kind: "driver.training_completed",
                body: "\(viewer.user.name) recorded the training module \"\(module.title)\" as completed.",
                link: link, at: now, on: db)
            try await Outbox.queue(
                try await Outbox.recipients([appeal.driverId], on: db),
                subject: "Training recorded: \(module.title) (\(appeal.policyVersion))",
                body: DriverMail.trainingRecorded(
                    title: module.title, by: viewer.user.name, name: driver.name,
                    link: app.fairdesk.config.publicURL + link),
                kind: "driver_appeal", at: now, on: db)
        }
        try await AppealConditions.check(open.id, app: app)
        return try await read(appealID, as: viewer)
    }
}
