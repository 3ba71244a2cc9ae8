import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// What a reinstatement puts right: the decision stops taking effect (lifted), and the records it
/// relied on that the reviewer found in the driver's favour stop counting against them (an excuse
/// coded `overturned_on_appeal` with the reviewer's reasons, shown under "Left out"), so the standing
/// worked out on the next read no longer holds them. Everything inside the caller's transaction,
/// each step audited with the policy version.
enum DecisionCorrections {
    /// Why a decision was lifted, as stored.
    enum LiftKind: String, Sendable {
        /// The appeal ended reinstated.
        case overturned
        /// Reinstated on conditions: access restored while they are tracked.
        case conditionallyReinstated = "conditionally_reinstated"
        /// An interim suspension ran out without a full decision.
        case lapsed

        /// The lift in the words the driver reads: "lifted: overturned on appeal".
        var words: String {
            switch self {
            case .overturned: "lifted: overturned on appeal"
            case .conditionallyReinstated: "lifted: reinstated on appeal, on conditions"
            case .lapsed: "lifted: the interim suspension lapsed without a full decision"
            }
        }
    }

    /// A decision's lift, as the driver reads it.
    struct Lift: Decodable, Sendable {
        var decisionId: UUID
        var kind: String
        var reason: String
        var liftedAt: Date
        var liftedBy: String

        var words: String { LiftKind(rawValue: kind)?.words ?? "lifted" }
    }

    /// Lifts `decision` of `driver` unless it is lifted already; audited `driver.decision_lifted`.
    /// Answers whether it lifted it now.
    @discardableResult
    static func lift(
        _ decision: UUID, driver: UUID, kind: LiftKind, reason: String, by actor: Actor, policyVersion: String,
        at now: Date, on db: any Database
    ) async throws -> Bool {
        if let existing = try await lifts(of: driver, on: db)[decision] {
            // Conditions met turn a conditional lift into an overturned decision; nothing else changes a lift.
            guard existing.kind == LiftKind.conditionallyReinstated.rawValue, kind == .overturned else { return false }
            try await db.sql.update("driver_decision_lifts").set("kind", to: kind.rawValue).set("reason", to: reason)
                .where("decision_id", .equal, decision).run()
            try await AuditLog.append(
                on: db, at: now, actor: actor, action: "driver.decision_lifted",
                subjectType: DriverStandings.auditSubject, subjectID: driver, reason: reason,
                details: ["decision": decision.uuidString, "kind": kind.rawValue], policyVersion: policyVersion)
            return true
        }
        try await db.insertRow(
            "driver_decision_lifts",
            [
                ("id", TimeOrderedID.next(at: now)), ("decision_id", decision), ("driver_id", driver),
                ("kind", kind.rawValue), ("reason", reason), ("lifted_at", now), ("lifted_by_id", actor.id),
                ("lifted_by", actor.label),
            ])
        try await AuditLog.append(
            on: db, at: now, actor: actor, action: "driver.decision_lifted", subjectType: DriverStandings.auditSubject,
            subjectID: driver, reason: reason, details: ["decision": decision.uuidString, "kind": kind.rawValue],
            policyVersion: policyVersion)
        return true
    }

    /// The driver's lifted decisions, by decision.
    static func lifts(of driver: UUID, on db: any Database) async throws -> [UUID: Lift] {
        Dictionary(
            try await db.sql.raw(
                """
                SELECT decision_id, kind, reason, lifted_at, lifted_by FROM driver_decision_lifts \
                WHERE driver_id = \(bind: driver)
                """
            ).all(decoding: Lift.self, keyDecodingStrategy: .convertFromSnakeCase).map { ($0.decisionId, $0) },
            uniquingKeysWith: { first, _ in first })
    }

    /// Leaves `records` out of the driver's metrics as overturned on appeal, by `reviewer` with their
    /// `reasons`; records already excused or no longer on file are passed over. Audited
    /// `driver.records_corrected`. Answers the records corrected.
    @discardableResult
    static func correct(
        _ records: [String], driver: UUID, reviewer: StaffMember, reasons: String, appealID: UUID,
        policyVersion: String, by actor: Actor, at now: Date, on db: any Database, app: Application
    ) async throws -> [String] {
        let excused = Set(try await DriverRecordStore.excuses(of: driver, on: db).map(\.recordID))
        var corrected: [String] = []
        for record in records where !excused.contains(record) && !corrected.contains(record) {
            guard try await DriverRecordStore.recordStart(record, driver: driver, on: db) != nil else { continue }
            let excuse = Excuse(
                recordID: record, code: .overturnedOnAppeal, source: .lead(reviewer),
                reason: String(reasons.prefix(500)), appliedAt: now)
            try await DriverRecordStore.insert(
                excuse, driver: driver, appliedByID: UUID(uuidString: reviewer.id), on: db)
            corrected.append(record)
        }
        guard !corrected.isEmpty else { return [] }
        if let user = try await User.find(driver, on: db) {
            let days = try await DriverStandingCounters.days(touching: corrected, driver: driver, on: db)
            try await DriverStandingCounters.refresh(driver: user, days: days, at: now, on: db)
            // A warning that rested on the corrected records no longer stands.
            try await DriverStandings.withdrawUnfounded(user, at: now, by: actor, on: db, app: app)
        }
        try await AuditLog.append(
            on: db, at: now, actor: actor, action: "driver.records_corrected",
            subjectType: DriverStandings.auditSubject, subjectID: driver, reason: reasons,
            details: [
                "appeal": appealID.uuidString, "records": corrected.joined(separator: ", "),
                "code": ExcuseCode.overturnedOnAppeal.rawValue,
            ], policyVersion: policyVersion)
        return corrected
    }

    /// Someone who may stand behind a correction: the person with `id`, by their role today (a
    /// reviewer when they are gone), named as stored.
    static func person(_ id: UUID?, name: String, on db: any Database) async throws -> StaffMember {
        struct Row: Decodable { var role: String }
        var role = Role.reviewer
        if let id,
            let row = try await db.sql.raw("SELECT role FROM users WHERE id = \(bind: id)").first(decoding: Row.self),
            let found = Role(rawValue: row.role)
        {
            role = found
        }
        return StaffMember(id: id?.uuidString ?? "", name: name, role: role)
    }
}
