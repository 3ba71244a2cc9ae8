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
    /// kind and id, each with the facts its standing is counted from (`PackageFacts`, `BlockFacts`,
    /// `FeedbackFacts`). Refused (422, nothing written) when an id is already used by a record of
    /// another kind, or a package's block or a feedback's package is neither sent nor stored.
    /// Answers the days whose counts the replaced records reached (none when every record is new).
    @discardableResult
    static func save(_ records: DriverRecords, driver: UUID, at now: Date, on db: any Database) async throws
        -> Set<Int>
    {
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

        // The days the records being replaced counted in, and those an excuse on them reaches.
        let replaced =
            blockIDs.filter(storedBlocks.contains) + packageIDs.filter(storedPackages.contains)
            + feedbackIDs.filter(storedFeedback.contains)
        let leftDays =
            replaced.isEmpty ? [] : try await DriverStandingCounters.days(touching: replaced, driver: driver, on: db)
        // Only records already stored have anything to remove: a new delivery skips these.
        try await remove("driver_blocks", driver: driver, ids: blockIDs.filter(storedBlocks.contains), on: db)
        try await remove("driver_packages", driver: driver, ids: packageIDs.filter(storedPackages.contains), on: db)
        try await remove("driver_feedback", driver: driver, ids: feedbackIDs.filter(storedFeedback.contains), on: db)
        try await db.insertRows(
            "driver_blocks",
            columns: [
                "id", "driver_id", "record_id", "scheduled_start", "scheduled_end", "status", "started_at",
                "received_at", "day", "missed",
            ],
            records.blocks.map { block -> [(any Encodable & Sendable)?] in
                let facts = BlockFacts(block)
                return [
                    UUID(), driver, block.id, block.scheduledStart, block.scheduledEnd, block.status.rawValue,
                    block.startedAt, now, facts.day, facts.missed ? 1 : 0,
                ]
            })
        var mixedScans: [[(any Encodable & Sendable)?]] = []
        let packageRows = records.packages.map { package -> [(any Encodable & Sendable)?] in
            let id = UUID()
            let facts = PackageFacts(package)
            for scan in facts.scanFacts {
                mixedScans.append([UUID(), driver, id, scan.seconds, scan.distanceMetres, scan.creditMetres])
            }
            return [id] + packageRow(package, driver: driver, at: now) + packageFactValues(facts)
        }
        // 26 values a row: 1,000 rows a statement stays under SQLite's 32,766 bound values.
        for start in stride(from: 0, to: packageRows.count, by: 1000) {
            try await db.insertRows(
                "driver_packages",
                columns: [
                    "id", "driver_id", "record_id", "block_id", "latitude", "longitude", "geofence_m", "window_start",
                    "window_end", "scans", "outcome", "outcome_at", "photo_id", "undeliverable_reason", "received_at",
                ] + packageFactColumns, Array(packageRows[start..<min(start + 1000, packageRows.count)]))
        }
        for start in stride(from: 0, to: mixedScans.count, by: 5000) {
            try await db.insertRows(
                "driver_package_scans",
                columns: ["id", "driver_id", "package_id", "scan_seconds", "scan_distance_m", "scan_credit_m"],
                Array(mixedScans[start..<min(start + 5000, mixedScans.count)]))
        }
        try await db.insertRows(
            "driver_feedback",
            columns: [
                "id", "driver_id", "record_id", "package_id", "feedback_at", "sentiment", "comment", "received_at",
                "day", "negative",
            ],
            records.feedback.map { item -> [(any Encodable & Sendable)?] in
                let facts = FeedbackFacts(item)
                return [
                    UUID(), driver, item.id, item.packageID, item.receivedAt, item.sentiment.rawValue, item.comment,
                    now,
                    facts.day, facts.negative ? 1 : 0,
                ]
            })
        return leftDays
    }

    /// The columns a package's facts are stored in, in `packageFactValues` order.
    static let packageFactColumns = [
        "day", "finished", "attempted", "late", "completion_counted", "completion_against", "delivered",
        "scan_seconds", "scan_distance_m", "scan_credit_m", "scans_mixed",
    ]

    /// The values of `packageFactColumns`.
    static func packageFactValues(_ facts: PackageFacts) -> [(any Encodable & Sendable)?] {
        func bit(_ value: Bool) -> Int { value ? 1 : 0 }
        return [
            facts.day, bit(facts.finished), bit(facts.attempted), bit(facts.late), bit(facts.completionCounted),
            bit(facts.completionAgainst), bit(facts.delivered), facts.scan?.seconds, facts.scan?.distanceMetres,
            facts.scan?.creditMetres, bit(facts.scansMixed),
        ]
    }

    /// A package's own columns after its id, up to `received_at`.
    private static func packageRow(_ package: PackageDelivery, driver: UUID, at now: Date)
        -> [(any Encodable & Sendable)?]
    {
        var outcome: (String, Date, String?, String?)?
        switch package.outcome {
        case .delivered(let at, let photo): outcome = ("delivered", at, photo, nil)
        case .undeliverable(let at, let reason): outcome = ("undeliverable", at, nil, reason.rawValue)
        case .returned(let at): outcome = ("returned", at, nil, nil)
        case nil: outcome = nil
        }
        return [
            driver, package.id, package.blockID, package.address.latitude, package.address.longitude,
            package.geofenceRadiusMetres, package.window.start, package.window.end, scansJSON(package.scans),
            outcome?.0, outcome?.1, outcome?.2, outcome?.3, now,
        ]
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
            if table == "driver_packages" {
                // A package's kept scans go with it (written for mixed scans only, so usually none).
                var scans: SQLQueryString =
                    """
                    DELETE FROM driver_package_scans WHERE driver_id = \(bind: driver) AND package_id IN \
                    (SELECT id FROM driver_packages WHERE driver_id = \(bind: driver) AND scans_mixed = 1 AND record_id IN (
                    """
                scans += binds(chunk)
                scans += "))"
                try await db.sql.raw(scans).run()
            }
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
        try await records(of: driver, in: [window], on: db)
    }

    /// The records of `driver` that fall in any of `intervals`, the packages their feedback is about,
    /// and every excuse of the driver.
    static func records(of driver: UUID, in intervals: [DateInterval], on db: any Database) async throws
        -> DriverRecords
    {
        let excuses = try await excuses(of: driver, on: db)
        guard !intervals.isEmpty else { return DriverRecords(excuses: excuses) }
        let found = try await read(where: "driver_id = \(bind: driver)", in: intervals, on: db)
        var records = found[driver] ?? DriverRecords()
        records.excuses = excuses
        records.disputes = try await DeliveryDisputes.stored(of: driver, on: db)
        return records
    }

    /// Every driver's records that fall in any of `intervals`, with the packages their feedback is
    /// about and every excuse of those drivers: the part-days of everybody's standing at once.
    static func records(in intervals: [DateInterval], on db: any Database) async throws -> [UUID: DriverRecords] {
        guard !intervals.isEmpty else { return [:] }
        var found = try await read(where: "1 = 1", in: intervals, on: db)
        try await attachExcuses(to: &found, where: "1 = 1", on: db)
        try await attachDisputes(to: &found, where: "1 = 1", on: db)
        return found
    }

    /// Blocks, packages and feedback matching `condition` (on `driver_id`), placed in one of
    /// `intervals` (all of them when nil), by driver; with the packages feedback is about when
    /// they fall outside the intervals.
    private static func read(where condition: SQLQueryString, in intervals: [DateInterval]?, on db: any Database)
        async throws -> [UUID: DriverRecords]
    {
        // `condition` is repeated inside each interval's term, (driver AND range) OR (driver AND
        // range): SQLite then reads one index range per interval. Written as driver AND (range OR
        // range) it read every record of the driver.
        func placed(_ column: String) -> SQLQueryString {
            guard let intervals else { return condition }
            guard !intervals.isEmpty else { return "1 = 0" }
            var clause: SQLQueryString = "("
            for (index, interval) in intervals.enumerated() {
                if index > 0 { clause += " OR " }
                clause += "("
                clause += condition
                clause +=
                    " AND \(ident: column) >= \(bind: interval.start) AND \(ident: column) < \(bind: interval.end))"
            }
            return clause + ")"
        }
        var result: [UUID: DriverRecords] = [:]
        var blockQuery: SQLQueryString =
            "SELECT driver_id, record_id, scheduled_start, scheduled_end, status, started_at FROM driver_blocks WHERE "
        blockQuery += placed("scheduled_start")
        for row in try await db.sql.raw(blockQuery).all() {
            let driver = try row.decode(column: "driver_id", as: UUID.self)
            if let block = try block(row, driver: driver.uuidString) {
                result[driver, default: DriverRecords()].blocks.append(block)
            }
        }
        var packageQuery: SQLQueryString = "SELECT driver_id, \(unsafeRaw: packageColumns) FROM driver_packages WHERE "
        packageQuery += placed("window_start")
        for row in try await db.sql.raw(packageQuery).all() {
            let driver = try row.decode(column: "driver_id", as: UUID.self)
            result[driver, default: DriverRecords()].packages.append(try package(row, driver: driver.uuidString))
        }
        var feedbackQuery: SQLQueryString =
            "SELECT driver_id, record_id, package_id, feedback_at, sentiment, comment FROM driver_feedback WHERE "
        feedbackQuery += placed("feedback_at")
        var missing: [UUID: Set<String>] = [:]
        for row in try await db.sql.raw(feedbackQuery).all() {
            let driver = try row.decode(column: "driver_id", as: UUID.self)
            if let item = try feedback(row, driver: driver.uuidString) {
                result[driver, default: DriverRecords()].feedback.append(item)
                missing[driver, default: []].insert(item.packageID)
            }
        }
        // Feedback can come after its package's window left the interval; its excuse may sit on
        // that package or its block.
        for (driver, packageIDs) in missing {
            let loaded = Set(result[driver]?.packages.map(\.id) ?? [])
            let wanted = Array(packageIDs.subtracting(loaded))
            for start in stride(from: 0, to: wanted.count, by: 500) {
                var query: SQLQueryString =
                    "SELECT \(unsafeRaw: packageColumns) FROM driver_packages WHERE driver_id = \(bind: driver) AND record_id IN ("
                query += binds(wanted[start..<min(start + 500, wanted.count)])
                query += ")"
                for row in try await db.sql.raw(query).all() {
                    result[driver, default: DriverRecords()].packages.append(
                        try package(row, driver: driver.uuidString))
                }
            }
        }
        return result
    }

    /// Adds the delivery disputes on the drivers matching `condition` (on `driver_id`) to `records`:
    /// the findings against a driver count against completion.
    private static func attachDisputes(
        to records: inout [UUID: DriverRecords], where condition: SQLQueryString, on db: any Database
    ) async throws {
        var query: SQLQueryString = "SELECT driver_id, package_id FROM delivery_disputes WHERE "
        query += condition
        query += " AND finding = 'against_driver'"
        var drivers = Set<UUID>()
        for row in try await db.sql.raw(query).all() {
            let driver = try row.decode(column: "driver_id", as: UUID.self)
            if records[driver] != nil { drivers.insert(driver) }
        }
        // Findings against drivers are few: each such driver's disputes are read whole.
        for driver in drivers { records[driver]?.disputes = try await DeliveryDisputes.stored(of: driver, on: db) }
    }

    /// Adds the excuses of the drivers matching `condition` to those of `records`.
    private static func attachExcuses(
        to records: inout [UUID: DriverRecords], where condition: SQLQueryString, on db: any Database
    ) async throws {
        var query: SQLQueryString = "SELECT driver_id, \(unsafeRaw: excuseColumns) FROM driver_excuses WHERE "
        query += condition
        query += " ORDER BY applied_at"
        for row in try await db.sql.raw(query).all() {
            let driver = try row.decode(column: "driver_id", as: UUID.self)
            guard records[driver] != nil, let excuse = try excuse(row) else { continue }
            records[driver]?.excuses.append(excuse)
        }
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
            blocks: try await db.sql.raw(blockQuery).all().compactMap { try block($0, driver: key) },
            packages: try await db.sql.raw(packageQuery).all().map { try package($0, driver: key) })
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
        try await db.sql.raw(
            """
            SELECT \(unsafeRaw: excuseColumns) FROM driver_excuses WHERE driver_id = \(bind: driver) ORDER BY applied_at
            """
        ).all().compactMap { try excuse($0) }
    }

    // MARK: Rows

    // Rows are read column by column: decoding a whole row into a Codable struct costs several
    // times more, which counts when every driver's records are read again.

    static let packageColumns =
        "record_id, block_id, latitude, longitude, geofence_m, window_start, window_end, scans, outcome, outcome_at, "
        + "photo_id, undeliverable_reason"

    static let excuseColumns =
        "record_id, code, source, applied_by_id, applied_by_name, applied_by_role, feed, reason, applied_at, reported_at"

    static func scansJSON(_ scans: [ScanEvent]) -> String {
        String(decoding: (try? JSONEncoder().encode(scans)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func block(_ row: any SQLRow, driver: String) throws -> DeliveryBlock? {
        try BlockStatus(rawValue: row.decode(column: "status", as: String.self)).map {
            DeliveryBlock(
                id: try row.decode(column: "record_id", as: String.self), driverID: driver,
                scheduledStart: try row.decode(column: "scheduled_start", as: Date.self),
                scheduledEnd: try row.decode(column: "scheduled_end", as: Date.self), status: $0,
                startedAt: try row.decode(column: "started_at", as: Date?.self))
        }
    }

    static func package(_ row: any SQLRow, driver: String) throws -> PackageDelivery {
        let outcomeAt = try row.decode(column: "outcome_at", as: Date?.self)
        var result: DeliveryOutcome?
        switch (try row.decode(column: "outcome", as: String?.self), outcomeAt) {
        case ("delivered", let at?):
            result = .delivered(at: at, photoID: try row.decode(column: "photo_id", as: String?.self))
        case ("undeliverable", let at?):
            result = try row.decode(column: "undeliverable_reason", as: String?.self).flatMap(
                UndeliverableReason.init(rawValue:)
            ).map { .undeliverable(at: at, reason: $0) }
        case ("returned", let at?): result = .returned(at: at)
        default: result = nil
        }
        let windowStart = try row.decode(column: "window_start", as: Date.self)
        let windowEnd = try row.decode(column: "window_end", as: Date.self)
        return PackageDelivery(
            id: try row.decode(column: "record_id", as: String.self), driverID: driver,
            blockID: try row.decode(column: "block_id", as: String.self),
            address: GeoPoint(
                latitude: try row.decode(column: "latitude", as: Double.self),
                longitude: try row.decode(column: "longitude", as: Double.self)),
            geofenceRadiusMetres: try row.decode(column: "geofence_m", as: Double?.self),
            window: DateInterval(start: windowStart, end: max(windowEnd, windowStart)),
            scans: ScanJSON.scans(try row.decode(column: "scans", as: String.self)), outcome: result)
    }

    static func feedback(_ row: any SQLRow, driver: String) throws -> CustomerFeedback? {
        try FeedbackSentiment(rawValue: row.decode(column: "sentiment", as: String.self)).map {
            CustomerFeedback(
                id: try row.decode(column: "record_id", as: String.self), driverID: driver,
                packageID: try row.decode(column: "package_id", as: String.self),
                receivedAt: try row.decode(column: "feedback_at", as: Date.self), sentiment: $0,
                comment: try row.decode(column: "comment", as: String?.self))
        }
    }

    static func excuse(_ row: any SQLRow) throws -> Excuse? {
        guard let code = ExcuseCode(rawValue: try row.decode(column: "code", as: String.self)) else { return nil }
        let source: ExcuseSource =
            try row.decode(column: "source", as: String.self) == "depot"
            ? .depotData(feed: try row.decode(column: "feed", as: String?.self) ?? "depot data")
            : .lead(
                StaffMember(
                    id: try row.decode(column: "applied_by_id", as: UUID?.self)?.uuidString ?? "",
                    name: try row.decode(column: "applied_by_name", as: String?.self) ?? "",
                    role: try row.decode(column: "applied_by_role", as: String?.self).flatMap(Role.init(rawValue:))
                        ?? .lead))
        return Excuse(
            recordID: try row.decode(column: "record_id", as: String.self), code: code, source: source,
            reason: try row.decode(column: "reason", as: String.self),
            appliedAt: try row.decode(column: "applied_at", as: Date.self),
            reportedAt: try row.decode(column: "reported_at", as: Date?.self))
    }
}
