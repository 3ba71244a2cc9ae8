import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// Customers' "delivered but not received" claims as a service: an agent or lead opens one on the
/// customer's behalf, `DisputeRules` proposes a finding from the delivery evidence under the driver
/// policy in force at the delivery, and a lead or reviewer records the finding by name with a
/// reason; the driver is told at once and may give their side. Nothing counts against the driver
/// until a person records a finding against them; then
/// the package counts as not completed, the driver is told by email and on My standing, and the
/// warning the new standing makes due is issued. Each step is one transaction with its audit entry.
struct DeliveryDisputes: Sendable {
    let app: Application

    /// Who reads any dispute: the staff who answer for drivers.
    static let readers: Set<Role> = [.lead, .reviewer, .admin]

    // MARK: Opening

    /// Opens a claim on package `input.packageId` of `driverID` as `viewer`. 404 for an unknown
    /// driver or package, 409 when the package already has a dispute, 422 naming the field otherwise.
    func open(_ input: DeliveryDisputeRequest, driverID: UUID?, by viewer: Viewer) async throws -> DeliveryDisputeDTO {
        let driver = try await DriverStandings.driver(driverID, on: app.db)
        let id = try driver.requireID()
        let now = app.fairdesk.clock.now
        var checks = Checks()
        let packageID = checks.text(input.packageId, field: "packageId", max: 80)
        var customerID: UUID?
        if let given = checks.text(input.customerId, field: "customerId", max: 40, required: false) {
            customerID = UUID(uuidString: given)
            if customerID == nil {
                checks.add("customerId", "must be a customer's id (got \"\(given.prefix(40))\")")
            } else if try await Customer.find(customerID, on: app.db) == nil {
                checks.add("customerId", "must be a customer's id (no customer has \(given))")
            }
        }
        guard let packageID else {
            checks.text(input.account, field: "account", max: DisputeRules.maximumText)
            try checks.finish()
            throw ApiError.invalid(field: "packageId", rule: "must not be empty")
        }
        guard let package = try await DriverRecordStore.records(of: id, ids: [packageID], on: app.db).packages.first
        else { throw ApiError.notFound("package \(packageID) of this driver") }
        let used = try await DriverStandings.policy(for: driver, at: package.outcome?.at ?? now, on: app.db)
        let claimant = StaffMember(id: viewer.userID.uuidString, name: viewer.user.name, role: viewer.role)
        let account = (input.account ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var proposed: DisputeAssessment?
        do {
            proposed = try DisputeRules.open(package, account: account, claimant: claimant, rule: ScanRule(used.policy))
        } catch {
            checks.add(error)
        }
        try checks.finish()
        guard let proposed else { throw ApiError.invalid(field: "packageId", rule: "must be delivered") }
        let disputeID = TimeOrderedID.next(at: now)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let evidence = String(decoding: try encoder.encode(proposed.evidence), as: UTF8.self)
        try await app.write { [app, customerID] db in
            try await DriverStandings.lockDriver(id, on: db)
            if let existing = try await Self.row(driver: id, package: packageID, on: db) {
                let state =
                    existing.finding.flatMap(DisputeFinding.init(rawValue:)).map { "decided: \($0.words)" } ?? "open"
                throw ApiError.conflict(
                    "package \(packageID) already has a dispute, opened \(PageTime.text(existing.openedAt)) (\(state)); "
                        + "a package is disputed once",
                    field: "packageId")
            }
            try await db.insertRow(
                "delivery_disputes",
                [
                    ("id", disputeID), ("driver_id", id), ("package_id", packageID), ("customer_id", customerID),
                    ("claimant_id", viewer.userID), ("claimant_name", viewer.user.name),
                    ("claimant_role", viewer.role.rawValue), ("account", account), ("opened_at", now),
                    ("proposed_finding", proposed.finding.rawValue),
                    ("proposed_reasons", proposed.reasons.joined(separator: "\n")), ("evidence", evidence),
                    ("state", "open"), ("policy_version", used.citation),
                ])
            try await AuditLog.append(
                on: db, at: now, actor: viewer.actor, action: "driver.dispute_opened",
                subjectType: DriverStandings.auditSubject, subjectID: id,
                reason: "a customer says package \(packageID) was delivered but not received",
                details: [
                    "dispute": disputeID.uuidString, "package": packageID, "proposedFinding": proposed.finding.rawValue,
                    "proposedReasons": proposed.reasons.joined(separator: " "),
                ], policyVersion: used.citation)
            // The driver hears of it at once, so they can give their side before anyone decides.
            try await Outbox.queue(
                try await Outbox.recipients([id], on: db),
                subject: "A customer says package \(packageID) did not arrive: nothing counts against you yet",
                body: DriverMail.disputeOpened(
                    packageID: packageID, account: account, proposed: proposed, name: driver.name,
                    link: app.fairdesk.config.publicURL + SitePath.myStanding.path),
                kind: "driver_dispute_opened", at: now, on: db)
        }
        return try await read(disputeID, as: viewer)
    }

    // MARK: The driver's side

    /// Records the driver's account on an open dispute about them, once: 404 for anyone else's
    /// dispute, 409 when it is decided or already answered, 422 naming `account`.
    func answer(_ input: DisputeAnswerRequest, disputeID: UUID?, by viewer: Viewer) async throws -> DeliveryDisputeDTO {
        guard let disputeID, let row = try await Self.row(id: disputeID, on: app.db), row.driverId == viewer.userID
        else { throw ApiError.notFound("dispute") }
        var checks = Checks()
        let account = checks.text(input.account, field: "account", max: DisputeRules.maximumText)
        let now = app.fairdesk.clock.now
        try await app.write { [checks] db in
            try await DriverStandings.lockDriver(row.driverId, on: db)
            guard let current = try await Self.row(id: disputeID, on: db), current.state == "open" else {
                throw ApiError.conflict(
                    "the finding on this dispute is already recorded; you can answer it through your lead, or "
                        + "appeal a decision that relies on it", field: "account")
            }
            if current.driverAccountAt != nil {
                throw ApiError.conflict(
                    "your side of this dispute is already on file; it is given once", field: "account")
            }
            try checks.finish()
            try await db.sql.raw(
                """
                UPDATE delivery_disputes SET driver_account = \(bind: account ?? ""), \
                driver_account_at = \(bind: now) WHERE id = \(bind: disputeID)
                """
            ).run()
            try await AuditLog.append(
                on: db, at: now, actor: viewer.actor, action: "driver.dispute_answered",
                subjectType: DriverStandings.auditSubject, subjectID: row.driverId,
                reason: "the driver's side of the claim on package \(row.packageId)",
                details: ["dispute": disputeID.uuidString, "package": row.packageId], policyVersion: row.policyVersion)
        }
        return try await read(disputeID, as: viewer)
    }

    // MARK: Deciding

    /// Records `viewer`'s finding on dispute `disputeID`: 404 for an unknown dispute, 409 when it is
    /// already decided, 422 naming `finding` or `reason`. A finding against the driver is emailed to
    /// them, and any warning their standing now makes due is issued.
    func decide(_ input: DisputeFindingRequest, disputeID: UUID?, by viewer: Viewer) async throws -> DeliveryDisputeDTO
    {
        guard let disputeID, let row = try await Self.row(id: disputeID, on: app.db) else {
            throw ApiError.notFound("dispute")
        }
        if let decided = row.decidedByName, let at = row.decidedAt {
            throw ApiError.conflict(
                "this dispute was decided by \(decided) on \(PageTime.text(at)); a finding is recorded once",
                field: "finding")
        }
        let now = app.fairdesk.clock.now
        var checks = Checks()
        let finding = checks.oneOf(input.finding, field: "finding", as: DisputeFinding.self)
        let decider = StaffMember(id: viewer.userID.uuidString, name: viewer.user.name, role: viewer.role)
        var decision: DisputeDecision?
        do {
            decision = try DisputeRules.decide(
                row.dispute, finding: finding, reason: input.reason ?? "", decider: decider, at: now)
        } catch {
            // `finding` is already named when it is missing or not one of the three.
            checks.add(ValidationFailure(error.problems.filter { $0.field != "finding" || finding != nil }))
        }
        try checks.finish()
        guard let decision else { throw ApiError.invalid(field: "finding", rule: "is required") }
        let driver = try await DriverStandings.driver(row.driverId, on: app.db)
        try await app.write { [app] db in
            try await DriverStandings.lockDriver(row.driverId, on: db)
            guard let current = try await Self.row(id: disputeID, on: db), current.state == "open" else {
                throw ApiError.conflict(
                    "this dispute was decided meanwhile; a finding is recorded once", field: "finding")
            }
            try await db.sql.raw(
                """
                UPDATE delivery_disputes SET state = 'decided', finding = \(bind: decision.finding.rawValue), \
                decided_by_id = \(bind: viewer.userID), decided_by_name = \(bind: decider.name), \
                decided_by_role = \(bind: decider.role.rawValue), reason = \(bind: decision.reason), \
                decided_at = \(bind: now) WHERE id = \(bind: disputeID)
                """
            ).run()
            let counts = decision.finding == .againstDriver
            try await AuditLog.append(
                on: db, at: now, actor: viewer.actor, action: "driver.dispute_decided",
                subjectType: DriverStandings.auditSubject, subjectID: row.driverId, reason: decision.reason,
                details: [
                    "dispute": disputeID.uuidString, "package": row.packageId, "finding": decision.finding.rawValue,
                    "proposedFinding": row.proposedFinding,
                    "countsAgainstDriver": counts ? "yes: the package counts as not completed" : "no",
                ], policyVersion: row.policyVersion)
            guard counts else { return }
            // The package's day is counted again with the finding.
            let days = try await DriverStandingCounters.days(touching: [row.packageId], driver: row.driverId, on: db)
            try await DriverStandingCounters.refresh(driver: driver, days: days, at: now, on: db)
            var told = row.dispute
            told.decision = decision
            try await Outbox.queue(
                try await Outbox.recipients([row.driverId], on: db),
                subject: "A finding against you on package \(row.packageId) (\(row.policyVersion))",
                body: DriverMail.disputeFinding(
                    told, name: driver.name, citation: row.policyVersion,
                    link: app.fairdesk.config.publicURL + SitePath.myStanding.path),
                kind: "driver_dispute", at: now, on: db)
            // The package now counts against completion; a warning may be due before any action.
            _ = try await DriverStandings.warnIfAtRisk(driver, at: now, on: db, app: app)
        }
        return try await read(disputeID, as: viewer)
    }

    // MARK: Reading

    /// One dispute: staff who answer for drivers read any; a driver their own (404 for anyone
    /// else's), without the customer's identity.
    func read(_ id: UUID?, as viewer: Viewer) async throws -> DeliveryDisputeDTO {
        guard let id, let row = try await Self.row(id: id, on: app.db) else { throw ApiError.notFound("dispute") }
        if viewer.role == .driver && row.driverId != viewer.userID { throw ApiError.notFound("dispute") }
        return try await Self.dtos([row], staff: viewer.role != .driver, on: app.db)[0]
    }

    /// The disputes about `driver`, newest first; with the customer's identity only for `staff`.
    static func disputes(of driver: UUID, staff: Bool, on db: any Database) async throws -> [DeliveryDisputeDTO] {
        let rows = try await db.sql.raw(
            Row.select + " WHERE d.driver_id = \(bind: driver) ORDER BY d.opened_at DESC, d.id DESC LIMIT 200"
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        return try await dtos(rows, staff: staff, on: db)
    }

    /// The open disputes oldest first (up to 500), and the 50 decided most recently.
    func list() async throws -> DeliveryDisputeListDTO {
        let open = try await app.db.sql.raw(
            Row.select + " WHERE d.state = 'open' ORDER BY d.opened_at, d.id LIMIT 500"
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        let decided = try await app.db.sql.raw(
            Row.select + " WHERE d.state = 'decided' ORDER BY d.decided_at DESC, d.id DESC LIMIT 50"
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        return DeliveryDisputeListDTO(
            open: try await Self.dtos(open, staff: true, on: app.db),
            decided: try await Self.dtos(decided, staff: true, on: app.db))
    }

    /// Every dispute about `driver` as `FairdeskCore` values, for `StandingRules` (through
    /// `DriverRecords.disputes`) and the records' descriptions.
    static func stored(of driver: UUID, on db: any Database) async throws -> [DeliveryDispute] {
        try await db.sql.raw(Row.select + " WHERE d.driver_id = \(bind: driver) ORDER BY d.opened_at")
            .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase).map(\.dispute)
    }

    // MARK: Rows

    /// A stored dispute with its driver's name.
    struct Row: Decodable, Sendable {
        var id: UUID
        var driverId: UUID
        var driverName: String
        var packageId: String
        var customerId: UUID?
        var claimantId: UUID?
        var claimantName: String
        var claimantRole: String
        var account: String
        var openedAt: Date
        var proposedFinding: String
        var proposedReasons: String
        var evidence: String
        var driverAccount: String?
        var driverAccountAt: Date?
        var state: String
        var finding: String?
        var decidedById: UUID?
        var decidedByName: String?
        var decidedByRole: String?
        var reason: String?
        var decidedAt: Date?
        var policyVersion: String

        static var select: SQLQueryString {
            """
            SELECT d.id, d.driver_id, u.name AS driver_name, d.package_id, d.customer_id, d.claimant_id, d.claimant_name, \
            d.claimant_role, d.account, d.opened_at, d.proposed_finding, d.proposed_reasons, d.evidence, \
            d.driver_account, d.driver_account_at, d.state, \
            d.finding, d.decided_by_id, d.decided_by_name, d.decided_by_role, d.reason, d.decided_at, \
            d.policy_version FROM delivery_disputes d JOIN users u ON u.id = d.driver_id
            """
        }

        var proposal: DisputeAssessment {
            let evidence = (try? JSONDecoder().decode(DisputeEvidence.self, from: Data(evidence.utf8)))
            return DisputeAssessment(
                finding: DisputeFinding(rawValue: proposedFinding) ?? .inconclusive,
                reasons: proposedReasons.split(separator: "\n").map(String.init),
                evidence: evidence
                    ?? DisputeEvidence(
                        deliveredAt: openedAt, window: DateInterval(start: openedAt, duration: 0), radiusMetres: 0,
                        toleranceSeconds: 0, scan: nil, scanAtDoor: false, inWindow: false, photoID: nil))
        }

        var dispute: DeliveryDispute {
            var decision: DisputeDecision?
            if let finding = finding.flatMap(DisputeFinding.init(rawValue:)), let decidedAt {
                decision = DisputeDecision(
                    finding: finding, reason: reason ?? "",
                    decidedBy: StaffMember(
                        id: decidedById?.uuidString ?? "", name: decidedByName ?? "",
                        role: decidedByRole.flatMap(Role.init(rawValue:)) ?? .lead), decidedAt: decidedAt)
            }
            return DeliveryDispute(
                id: id.uuidString, driverID: driverId.uuidString, packageID: packageId, openedAt: openedAt,
                claimant: StaffMember(
                    id: claimantId?.uuidString ?? "", name: claimantName,
                    role: Role(rawValue: claimantRole) ?? .agent), proposed: proposal, decision: decision)
        }
    }

    static func row(id: UUID, on db: any Database) async throws -> Row? {
        try await db.sql.raw(Row.select + " WHERE d.id = \(bind: id)")
            .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    static func row(driver: UUID, package: String, on db: any Database) async throws -> Row? {
        try await db.sql.raw(Row.select + " WHERE d.driver_id = \(bind: driver) AND d.package_id = \(bind: package)")
            .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// The rows as DTOs; the customer's name is looked up for staff only.
    static func dtos(_ rows: [Row], staff: Bool, on db: any Database) async throws -> [DeliveryDisputeDTO] {
        var names: [UUID: String] = [:]
        let customers = Set(rows.compactMap(\.customerId))
        if staff && !customers.isEmpty {
            for customer in try await Customer.query(on: db).filter(\.$id ~~ Array(customers)).all() {
                if let id = customer.id { names[id] = customer.displayName }
            }
        }
        return rows.map { row in
            let proposal = row.proposal
            let finding = row.finding.flatMap(DisputeFinding.init(rawValue:))
            return DeliveryDisputeDTO(
                id: row.id, driverId: row.driverId, driverName: row.driverName, packageId: row.packageId,
                claim: "delivered_not_received", account: row.account, openedAt: row.openedAt,
                openedBy: "\(row.claimantName) (\(row.claimantRole))", customerId: staff ? row.customerId : nil,
                customerName: staff ? row.customerId.flatMap { names[$0] } : nil,
                proposedFinding: proposal.finding.rawValue, proposedFindingWords: proposal.finding.words,
                proposedReasons: proposal.reasons, evidence: .init(proposal.evidence),
                driverAccount: row.driverAccount, driverAccountAt: row.driverAccountAt, state: row.state,
                finding: finding?.rawValue, findingWords: finding?.words,
                decidedBy: row.decidedByName.map { "\($0) (\(row.decidedByRole ?? "lead"))" }, reason: row.reason,
                decidedAt: row.decidedAt, countsAgainstDriver: finding == .againstDriver, policy: row.policyVersion)
        }
    }
}

extension Application {
    /// Delivery disputes, through this application's database.
    var deliveryDisputes: DeliveryDisputes { DeliveryDisputes(app: self) }
}
