import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// Drivers' records in the database: checked on the way in, read back as `FairdeskCore` values for
/// `StandingRules`, which alone decides what they mean.
///
/// A record keeps the id the depot gave it, unique per driver across blocks, packages and feedback,
/// so an excuse or a warning can name it and a re-sent record replaces the one before.
enum DriverRecordStore {
    /// The most records one request may carry, so a request stays one short transaction.
    static let maximumPerRequest = 2000

    // MARK: Checking

    /// The request as records of `driverID`, or every problem with it, each field named by its place
    /// ("packages[2].outcome.reason").
    static func parse(_ input: DriverRecordsRequest, driverID: String) throws(ValidationFailure) -> DriverRecords {
        var checks = Checks()
        let total = (input.blocks?.count ?? 0) + (input.packages?.count ?? 0) + (input.feedback?.count ?? 0)
        if total == 0 { checks.add("blocks", "or packages or feedback must hold at least one record") }
        if total > maximumPerRequest {
            checks.add(
                "blocks", "with packages and feedback must hold at most \(maximumPerRequest) records (got \(total))")
        }
        var seen: Set<String> = []
        func recordID(_ value: String?, _ field: String) -> String? {
            guard let id = checks.text(value, field: field, max: 80) else { return nil }
            if !seen.insert(id).inserted { checks.add(field, "appears twice in this request (\"\(id)\")") }
            return id
        }
        func required<T>(_ value: T?, _ field: String) -> T? {
            if value == nil { checks.add(field, "is required") }
            return value
        }
        func point(_ position: DriverRecordsRequest.Position?, _ field: String) -> GeoPoint? {
            guard let position else {
                checks.add(field, "is required")
                return nil
            }
            guard let latitude = position.latitude, let longitude = position.longitude else {
                checks.add(field, "needs latitude and longitude")
                return nil
            }
            let point = GeoPoint(latitude: latitude, longitude: longitude)
            if !point.isValid { checks.add(field, "must have latitude -90…90 and longitude -180…180") }
            return point
        }

        var blocks: [DeliveryBlock] = []
        for (index, block) in (input.blocks ?? []).enumerated() {
            let field = "blocks[\(index)]"
            let id = recordID(block.id, "\(field).id")
            let status = checks.oneOf(block.status, field: "\(field).status", as: BlockStatus.self)
            let start = required(block.scheduledStart, "\(field).scheduledStart")
            let end = required(block.scheduledEnd, "\(field).scheduledEnd")
            if let start, let end, end <= start { checks.add("\(field).scheduledEnd", "must be after scheduledStart") }
            if status == .startedLate && block.startedAt == nil {
                checks.add("\(field).startedAt", "is required when the block started late")
            }
            if let id, let status, let start, let end {
                blocks.append(
                    DeliveryBlock(
                        id: id, driverID: driverID, scheduledStart: start, scheduledEnd: end, status: status,
                        startedAt: block.startedAt))
            }
        }

        var packages: [PackageDelivery] = []
        for (index, package) in (input.packages ?? []).enumerated() {
            let field = "packages[\(index)]"
            let id = recordID(package.id, "\(field).id")
            let blockID = checks.text(package.blockId, field: "\(field).blockId", max: 80)
            let address = point(package.address, "\(field).address")
            if let radius = package.geofenceRadiusMetres, !(1...5000).contains(radius) {
                checks.add("\(field).geofenceRadiusMetres", "must be between 1 and 5000 metres (got \(radius))")
            }
            let start = required(package.windowStart, "\(field).windowStart")
            let end = required(package.windowEnd, "\(field).windowEnd")
            if let start, let end, end <= start { checks.add("\(field).windowEnd", "must be after windowStart") }
            var scans: [ScanEvent] = []
            var scanIDs: Set<String> = []
            for (scanIndex, scan) in (package.scans ?? []).enumerated() {
                let scanField = "\(field).scans[\(scanIndex)]"
                let scanID = checks.text(scan.id, field: "\(scanField).id", max: 80)
                if let scanID, !scanIDs.insert(scanID).inserted {
                    checks.add("\(scanField).id", "appears twice in this package (\"\(scanID)\")")
                }
                let time = required(scan.time, "\(scanField).time")
                let position = point(scan.position, "\(scanField).position")
                let accuracy = required(scan.accuracyMetres, "\(scanField).accuracyMetres")
                if let accuracy, !(accuracy.isFinite && accuracy >= 0) {
                    checks.add("\(scanField).accuracyMetres", "must be 0 or more")
                }
                if let scanID, let time, let position, let accuracy {
                    scans.append(ScanEvent(id: scanID, time: time, position: position, accuracyMetres: accuracy))
                }
            }
            var outcome: DeliveryOutcome?
            if let given = package.outcome {
                let kind = checks.oneOf(given.kind, field: "\(field).outcome.kind", as: OutcomeKind.self)
                let at = required(given.at, "\(field).outcome.at")
                let photo = checks.text(given.photoId, field: "\(field).outcome.photoId", max: 200, required: false)
                let reason =
                    kind == .undeliverable
                    ? checks.oneOf(given.reason, field: "\(field).outcome.reason", as: UndeliverableReason.self) : nil
                if let kind, let at {
                    switch kind {
                    case .delivered: outcome = .delivered(at: at, photoID: photo)
                    case .undeliverable: outcome = reason.map { .undeliverable(at: at, reason: $0) }
                    case .returned: outcome = .returned(at: at)
                    }
                }
            }
            if let id, let blockID, let address, let start, let end, end > start {
                packages.append(
                    PackageDelivery(
                        id: id, driverID: driverID, blockID: blockID, address: address,
                        geofenceRadiusMetres: package.geofenceRadiusMetres,
                        window: DateInterval(start: start, end: end),
                        scans: scans, outcome: outcome))
            }
        }

        var feedback: [CustomerFeedback] = []
        for (index, item) in (input.feedback ?? []).enumerated() {
            let field = "feedback[\(index)]"
            let id = recordID(item.id, "\(field).id")
            let packageID = checks.text(item.packageId, field: "\(field).packageId", max: 80)
            let at = required(item.receivedAt, "\(field).receivedAt")
            let sentiment = checks.oneOf(item.sentiment, field: "\(field).sentiment", as: FeedbackSentiment.self)
            let comment = checks.text(item.comment, field: "\(field).comment", max: 2000, required: false)
            if let id, let packageID, let at, let sentiment {
                feedback.append(
                    CustomerFeedback(
                        id: id, driverID: driverID, packageID: packageID, receivedAt: at, sentiment: sentiment,
                        comment: comment))
            }
        }
        try checks.finish()
        return DriverRecords(blocks: blocks, packages: packages, feedback: feedback)
    }

    /// How a package's delivery ended, as the API spells it.
    enum OutcomeKind: String, CaseIterable {
        case delivered, undeliverable, returned
    }

    // MARK: Writing

    /// Stores `records` of `driver` inside the caller's transaction, replacing records of the same
    /// kind and id. Refused (422, nothing written) when an id is already used by a record of another
    /// kind, or a package's block or a feedback's package is neither sent nor stored.
    static func save(_ records: DriverRecords, driver: UUID, at now: Date, on db: any Database) async throws {
        let blockIDs = records.blocks.map(\.id)
        let packageIDs = records.packages.map(\.id)
        let feedbackIDs = records.feedback.map(\.id)
        let storedBlocks = try await existing(
            "driver_blocks", driver: driver,
            ids: blockIDs + packageIDs + feedbackIDs
                + records.packages.map(\.blockID), on: db)
        let storedPackages = try await existing(
            "driver_packages", driver: driver,
            ids: blockIDs + packageIDs + feedbackIDs + records.feedback.map(\.packageID),
            on: db)
        let storedFeedback = try await existing("driver_feedback", driver: driver, ids: blockIDs + packageIDs, on: db)
        var checks = Checks()
        for (index, id) in blockIDs.enumerated() where storedPackages.contains(id) || storedFeedback.contains(id) {
            checks.add("blocks[\(index)].id", "is already the id of another kind of record (\"\(id)\")")
        }
        for (index, id) in packageIDs.enumerated() where storedBlocks.contains(id) || storedFeedback.contains(id) {
            checks.add("packages[\(index)].id", "is already the id of another kind of record (\"\(id)\")")
        }
        for (index, id) in feedbackIDs.enumerated() where storedBlocks.contains(id) || storedPackages.contains(id) {
            checks.add("feedback[\(index)].id", "is already the id of another kind of record (\"\(id)\")")
        }
        let knownBlocks = storedBlocks.union(blockIDs)
        for (index, package) in records.packages.enumerated() where !knownBlocks.contains(package.blockID) {
            checks.add(
                "packages[\(index)].blockId", "must be a block of this driver, sent or stored (\"\(package.blockID)\")")
        }
        let knownPackages = storedPackages.union(packageIDs)
        for (index, item) in records.feedback.enumerated() where !knownPackages.contains(item.packageID) {
            checks.add(
                "feedback[\(index)].packageId",
                "must be a package of this driver, sent or stored (\"\(item.packageID)\")")
        }
        try checks.finish()

        try await remove("driver_blocks", driver: driver, ids: blockIDs, on: db)
        try await remove("driver_packages", driver: driver, ids: packageIDs, on: db)
        try await remove("driver_feedback", driver: driver, ids: feedbackIDs, on: db)
        try await db.insertRows(
            "driver_blocks",
            columns: [
                "id", "driver_id", "record_id", "scheduled_start", "scheduled_end", "status", "started_at",
                "received_at",
            ],
            records.blocks.map { block -> [(any Encodable & Sendable)?] in
                [
                    UUID(), driver, block.id, block.scheduledStart, block.scheduledEnd, block.status.rawValue,
                    block.startedAt, now,
                ]
            })
        try await db.insertRows(
            "driver_packages",
            columns: [
                "id", "driver_id", "record_id", "block_id", "latitude", "longitude", "geofence_m", "window_start",
                "window_end", "scans", "outcome", "outcome_at", "photo_id", "undeliverable_reason", "received_at",
            ],
            records.packages.map { package -> [(any Encodable & Sendable)?] in
                var outcome: (String, Date, String?, String?)?
                switch package.outcome {
                case .delivered(let at, let photo): outcome = ("delivered", at, photo, nil)
                case .undeliverable(let at, let reason): outcome = ("undeliverable", at, nil, reason.rawValue)
                case .returned(let at): outcome = ("returned", at, nil, nil)
                case nil: outcome = nil
                }
                return [
                    UUID(), driver, package.id, package.blockID, package.address.latitude, package.address.longitude,
                    package.geofenceRadiusMetres, package.window.start, package.window.end, scansJSON(package.scans),
                    outcome?.0, outcome?.1, outcome?.2, outcome?.3, now,
                ]
            })
        try await db.insertRows(
            "driver_feedback",
            columns: [
                "id", "driver_id", "record_id", "package_id", "feedback_at", "sentiment", "comment", "received_at",
            ],
            records.feedback.map { item -> [(any Encodable & Sendable)?] in
                [UUID(), driver, item.id, item.packageID, item.receivedAt, item.sentiment.rawValue, item.comment, now]
            })
    }

    /// Which of `ids` are record ids of `driver` in `table`.
    private static func existing(_ table: String, driver: UUID, ids: [String], on db: any Database) async throws
        -> Set<String>
    {
        struct Row: Decodable { var recordId: String }
        var found: Set<String> = []
        let unique = Array(Set(ids))
        for start in stride(from: 0, to: unique.count, by: 500) {
            let chunk = unique[start..<min(start + 500, unique.count)]
            var query: SQLQueryString =
                "SELECT record_id FROM \(ident: table) WHERE driver_id = \(bind: driver) AND record_id IN ("
            query += binds(chunk)
            query += ")"
            found.formUnion(
                try await db.sql.raw(query).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase).map(
                    \.recordId))
        }
        return found
    }

    private static func remove(_ table: String, driver: UUID, ids: [String], on db: any Database) async throws {
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = ids[start..<min(start + 500, ids.count)]
            var query: SQLQueryString =
                "DELETE FROM \(ident: table) WHERE driver_id = \(bind: driver) AND record_id IN ("
            query += binds(chunk)
            query += ")"
            try await db.sql.raw(query).run()
        }
    }

    /// "?, ?, ?" with each id bound, for an `IN (…)` list.
    static func binds<Ids: Collection<String>>(_ ids: Ids) -> SQLQueryString {
        var list: SQLQueryString = ""
        for (index, id) in ids.enumerated() {
            if index > 0 { list += ", " }
            list += "\(bind: id)"
        }
        return list
    }

    // MARK: Reading

    /// The records of `driver` that fall in `window` (blocks by scheduled start, packages by the start
    /// of their delivery window, feedback by when it came), the packages feedback is about, and
    /// every excuse and delivery dispute on them.
    static func records(of driver: UUID, in window: DateInterval, on db: any Database) async throws -> DriverRecords {
        let key = driver.uuidString
        let blocks = try await db.sql.raw(
            """
            SELECT record_id, scheduled_start, scheduled_end, status, started_at FROM driver_blocks \
            WHERE driver_id = \(bind: driver) AND scheduled_start >= \(bind: window.start) \
            AND scheduled_start < \(bind: window.end)
            """
        ).all(decoding: BlockRow.self, keyDecodingStrategy: .convertFromSnakeCase).compactMap { $0.block(key) }
        var packages = try await db.sql.raw(
            """
            SELECT \(unsafeRaw: packageColumns) FROM driver_packages WHERE driver_id = \(bind: driver) \
            AND window_start >= \(bind: window.start) AND window_start < \(bind: window.end)
            """
        ).all(decoding: PackageRow.self, keyDecodingStrategy: .convertFromSnakeCase).map { $0.package(key) }
        let feedback = try await db.sql.raw(
            """
            SELECT record_id, package_id, feedback_at, sentiment, comment FROM driver_feedback \
            WHERE driver_id = \(bind: driver) AND feedback_at >= \(bind: window.start) \
            AND feedback_at < \(bind: window.end)
            """
        ).all(decoding: FeedbackRow.self, keyDecodingStrategy: .convertFromSnakeCase).compactMap { $0.feedback(key) }
        // Feedback can come after its package's window left the standing window; its excuse may sit
        // on that package or its block.
        let loaded = Set(packages.map(\.id))
        let missing = Array(Set(feedback.map(\.packageID)).subtracting(loaded))
        if !missing.isEmpty {
            var query: SQLQueryString =
                "SELECT \(unsafeRaw: packageColumns) FROM driver_packages WHERE driver_id = \(bind: driver) AND record_id IN ("
            query += binds(missing)
            query += ")"
            packages += try await db.sql.raw(query).all(
                decoding: PackageRow.self, keyDecodingStrategy: .convertFromSnakeCase
            ).map { $0.package(key) }
        }
        return DriverRecords(
            blocks: blocks, packages: packages, feedback: feedback, excuses: try await excuses(of: driver, on: db),
            disputes: try await DeliveryDisputes.stored(of: driver, on: db))
    }

    /// The blocks and packages of `driver` with the depot's `ids` (a decision's evidence), packages in
    /// window order; ids that name neither are left out. Excuses are not loaded.
    static func records(of driver: UUID, ids: [String], on db: any Database) async throws -> DriverRecords {
        guard !ids.isEmpty else { return DriverRecords() }
        let key = driver.uuidString
        var blockQuery: SQLQueryString =
            """
            SELECT record_id, scheduled_start, scheduled_end, status, started_at FROM driver_blocks \
            WHERE driver_id = \(bind: driver) AND record_id IN (
            """
        blockQuery += binds(ids)
        blockQuery += ")"
        var packageQuery: SQLQueryString =
            "SELECT \(unsafeRaw: packageColumns) FROM driver_packages WHERE driver_id = \(bind: driver) AND record_id IN ("
        packageQuery += binds(ids)
        packageQuery += ") ORDER BY window_start, record_id"
        return DriverRecords(
            blocks: try await db.sql.raw(blockQuery).all(
                decoding: BlockRow.self, keyDecodingStrategy: .convertFromSnakeCase
            ).compactMap { $0.block(key) },
            packages: try await db.sql.raw(packageQuery).all(
                decoding: PackageRow.self, keyDecodingStrategy: .convertFromSnakeCase
            ).map { $0.package(key) })
    }

    // MARK: Excuses

    /// Where a record of `driver` starts (a block's scheduled start, a package's window, when feedback
    /// came) and its kind; nil when the driver has no record with that id.
    static func recordStart(_ id: String, driver: UUID, on db: any Database) async throws -> (kind: String, at: Date)? {
        struct Row: Decodable {
            var kind: String
            var start: Date
        }
        return try await db.sql.raw(
            """
            SELECT 'block' AS kind, scheduled_start AS start FROM driver_blocks \
            WHERE driver_id = \(bind: driver) AND record_id = \(bind: id) \
            UNION ALL SELECT 'package' AS kind, window_start AS start FROM driver_packages \
            WHERE driver_id = \(bind: driver) AND record_id = \(bind: id) \
            UNION ALL SELECT 'feedback' AS kind, feedback_at AS start FROM driver_feedback \
            WHERE driver_id = \(bind: driver) AND record_id = \(bind: id)
            """
        ).first(decoding: Row.self).map { (kind: $0.kind, at: $0.start) }
    }

    /// Stores an excuse already checked by `Excuse.validate`; 409 when the record has one already.
    static func insert(_ excuse: Excuse, driver: UUID, appliedByID: UUID?, on db: any Database) async throws {
        if try await excuses(of: driver, on: db).contains(where: { $0.recordID == excuse.recordID }) {
            throw ApiError.conflict(
                "record \(excuse.recordID) is already excused; an excuse is applied once", field: "recordId")
        }
        var person: StaffMember?
        var feed: String?
        switch excuse.source {
        case .lead(let staff): person = staff
        case .depotData(let name): feed = name
        }
        try await db.insertRow(
            "driver_excuses",
            [
                ("id", UUID()), ("driver_id", driver), ("record_id", excuse.recordID), ("code", excuse.code.rawValue),
                ("source", person == nil ? "depot" : "staff"), ("applied_by_id", appliedByID),
                ("applied_by_name", person?.name), ("applied_by_role", person?.role.rawValue), ("feed", feed),
                ("reason", excuse.reason), ("applied_at", excuse.appliedAt), ("reported_at", excuse.reportedAt),
            ])
    }

    /// Every excuse on the records of `driver`.
    static func excuses(of driver: UUID, on db: any Database) async throws -> [Excuse] {
        struct Row: Decodable {
            var recordId: String
            var code: String
            var source: String
            var appliedById: UUID?
            var appliedByName: String?
            var appliedByRole: String?
            var feed: String?
            var reason: String
            var appliedAt: Date
            var reportedAt: Date?
        }
        return try await db.sql.raw(
            """
            SELECT record_id, code, source, applied_by_id, applied_by_name, applied_by_role, feed, reason, \
            applied_at, reported_at FROM driver_excuses WHERE driver_id = \(bind: driver) ORDER BY applied_at
            """
        ).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase).compactMap { row in
            guard let code = ExcuseCode(rawValue: row.code) else { return nil }
            let source: ExcuseSource =
                row.source == "depot"
                ? .depotData(feed: row.feed ?? "depot data")
                : .lead(
                    StaffMember(
                        id: row.appliedById?.uuidString ?? "", name: row.appliedByName ?? "",
                        role: row.appliedByRole.flatMap(Role.init(rawValue:)) ?? .lead))
            return Excuse(
                recordID: row.recordId, code: code, source: source, reason: row.reason, appliedAt: row.appliedAt,
                reportedAt: row.reportedAt)
        }
    }

    // MARK: Rows

    static let packageColumns =
        "record_id, block_id, latitude, longitude, geofence_m, window_start, window_end, scans, outcome, outcome_at, "
        + "photo_id, undeliverable_reason"

    static func scansJSON(_ scans: [ScanEvent]) -> String {
        String(decoding: (try? JSONEncoder().encode(scans)) ?? Data("[]".utf8), as: UTF8.self)
    }

    struct BlockRow: Decodable {
        var recordId: String
        var scheduledStart: Date
        var scheduledEnd: Date
        var status: String
        var startedAt: Date?

        func block(_ driver: String) -> DeliveryBlock? {
            BlockStatus(rawValue: status).map {
                DeliveryBlock(
                    id: recordId, driverID: driver, scheduledStart: scheduledStart, scheduledEnd: scheduledEnd,
                    status: $0, startedAt: startedAt)
            }
        }
    }

    struct PackageRow: Decodable {
        var recordId: String
        var blockId: String
        var latitude: Double
        var longitude: Double
        var geofenceM: Double?
        var windowStart: Date
        var windowEnd: Date
        var scans: String
        var outcome: String?
        var outcomeAt: Date?
        var photoId: String?
        var undeliverableReason: String?

        func package(_ driver: String) -> PackageDelivery {
            var result: DeliveryOutcome?
            switch (outcome, outcomeAt) {
            case ("delivered", let at?): result = .delivered(at: at, photoID: photoId)
            case ("undeliverable", let at?):
                result = undeliverableReason.flatMap(UndeliverableReason.init(rawValue:)).map {
                    .undeliverable(at: at, reason: $0)
                }
            case ("returned", let at?): result = .returned(at: at)
            default: result = nil
            }
            return PackageDelivery(
                id: recordId, driverID: driver, blockID: blockId,
                address: GeoPoint(latitude: latitude, longitude: longitude), geofenceRadiusMetres: geofenceM,
                window: DateInterval(start: windowStart, end: max(windowEnd, windowStart)),
                scans: (try? JSONDecoder().decode([ScanEvent].self, from: Data(scans.utf8))) ?? [], outcome: result)
        }
    }

    struct FeedbackRow: Decodable {
        var recordId: String
        var packageId: String
        var feedbackAt: Date
        var sentiment: String
        var comment: String?

        func feedback(_ driver: String) -> CustomerFeedback? {
            FeedbackSentiment(rawValue: sentiment).map {
                CustomerFeedback(
                    id: recordId, driverID: driver, packageID: packageId, receivedAt: feedbackAt, sentiment: $0,
                    comment: comment)
            }
        }
    }
}
