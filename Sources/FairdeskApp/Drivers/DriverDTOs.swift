import FairdeskCore
import Foundation
import Vapor

/// What the depot or order system sends about one driver's work: any mix of blocks, packages and
/// feedback. Every field is optional here so that a missing one is named in a 422, not a 400.
struct DriverRecordsRequest: Content {
    struct Position: Codable, Sendable {
        var latitude: Double?
        var longitude: Double?
    }

    struct Block: Codable, Sendable {
        var id: String?
        var scheduledStart: Date?
        var scheduledEnd: Date?
        /// accepted, started_late, missed, cancelled_with_notice, cancelled_late
        var status: String?
        var startedAt: Date?
    }

    struct Scan: Codable, Sendable {
        var id: String?
        var time: Date?
        var position: Position?
        var accuracyMetres: Double?
    }

    struct Outcome: Codable, Sendable {
        /// delivered, undeliverable, returned
        var kind: String?
        var at: Date?
        var photoId: String?
        /// Required when undeliverable: one of `UndeliverableReason`.
        var reason: String?
    }

    struct Package: Codable, Sendable {
        var id: String?
        var blockId: String?
        var address: Position?
        var geofenceRadiusMetres: Double?
        var windowStart: Date?
        var windowEnd: Date?
        var scans: [Scan]?
        var outcome: Outcome?
    }

    struct Feedback: Codable, Sendable {
        var id: String?
        var packageId: String?
        var receivedAt: Date?
        /// positive, negative
        var sentiment: String?
        var comment: String?
    }

    var blocks: [Block]?
    var packages: [Package]?
    var feedback: [Feedback]?
}

/// What was stored, and where the driver stands after it.
struct DriverRecordsResultDTO: Content {
    var driverId: UUID
    var blocks: Int
    var packages: Int
    var feedback: Int
    /// The tier after the records, nil while there are too few deliveries to judge.
    var tier: String?
    /// The warning these records led to, if they put the driver At risk with no warning open.
    var warningId: UUID?
}

/// An excuse a lead, reviewer or admin applies to one record; `feed` (admins only: the depot
/// system's token) says it comes from depot data rather than from a person.
struct DriverExcuseRequest: Content {
    var recordId: String?
    /// weather, depot_delay, road_closure, app_outage, illness_reported_in_advance
    var code: String?
    var reason: String?
    /// For illness: when the driver reported it, which must be before the record started.
    var reportedAt: Date?
    var feed: String?
}

/// An excuse as stored and shown.
struct DriverExcuseDTO: Content {
    var recordId: String
    var code: String
    var codeWords: String
    var reason: String
    var appliedBy: String
    var appliedAt: Date
    var reportedAt: Date?
}

/// A lead's or reviewer's report that a driver broke a clause of the policy in force.
struct DriverViolationRequest: Content {
    var clause: String?
    var account: String?
    /// Ids of the records relied on.
    var evidence: [String]?
}

/// A record left out of a metric, with why.
struct DriverExcludedDTO: Content {
    var recordId: String
    var code: String
    var codeWords: String
    var reason: String
    var appliedBy: String

    init(_ excluded: ExcludedRecord) {
        recordId = excluded.recordID
        code = excluded.code.rawValue
        codeWords = excluded.code.words
        reason = excluded.reason
        appliedBy = excluded.appliedBy
    }
}

/// One number of a standing with the records behind it.
struct DriverMetricDTO: Content {
    var kind: String
    var title: String
    /// "on-time rate: 96% (48 of 50)".
    var summary: String
    /// Nil when nothing was counted.
    var rate: Double?
    var counted: [String]
    var against: [String]
    var excluded: [DriverExcludedDTO]

    init(_ metric: StandingMetric) {
        kind = metric.kind.rawValue
        title = metric.kind.title
        summary = metric.summary
        rate = metric.rate
        counted = metric.counted
        against = metric.against
        excluded = metric.excluded.map(DriverExcludedDTO.init)
    }
}

/// One record a metric rests on, described for a person.
struct DriverRecordDTO: Content {
    var id: String
    /// block, package, feedback
    var kind: String
    var description: String
}

/// A written warning as the driver reads it.
struct DriverWarningDTO: Content {
    struct Finding: Content {
        var metric: String?
        var clause: String?
        var subject: String
        var finding: String
        var evidence: [String]
        var wayBack: String
    }

    var id: UUID
    /// standing or violation
    var kind: String
    var clause: String?
    var issuedAt: Date
    var improveUntil: Date
    var text: String
    var findings: [Finding]
    var policy: String
    var issuedBy: String
    /// Whether the period to improve is still running (never for a withdrawn warning).
    var open: Bool
    /// When it was withdrawn because the records it rested on were corrected, why, and by whom.
    var withdrawnAt: Date?
    var withdrawnReason: String?
    var withdrawnBy: String?
}

/// A driver's standing: every metric with its records, what was excused and why, the tier, the
/// rule in words and the policy version it came from.
struct DriverStandingDTO: Content {
    var driverId: UUID
    var driverName: String
    var computedAt: Date
    var windowStart: Date
    var windowEnd: Date
    /// "driver-standing v1", or "built-in default" when no version binds the driver.
    var policy: String
    var policyVersion: Int?
    /// Parameters the policy version did not set, filled from the suggested values.
    var defaultedParameters: [String]
    var tier: String?
    var tierTitle: String?
    var explanation: String
    var rule: [String]
    var scanRule: String
    /// What Fairdesk records about the driver and why, what it decides by itself and what only a
    /// person may (`DataNotice`), one paragraph each.
    var dataNotice: [String]
    var metrics: [DriverMetricDTO]
    var records: [DriverRecordDTO]
    var warnings: [DriverWarningDTO]
    var decisions: [DriverDecisionDTO]
    /// Customers' "delivered but not received" claims about the driver, with the findings.
    var disputes: [DeliveryDisputeDTO]
}

/// A lead's or reviewer's decision on an action against a driver, with the statement of reasons.
struct DriverDecisionRequest: Content {
    /// restriction, suspension, deactivation
    var action: String?
    /// An interim suspension taking effect at once: urgent grounds only.
    var immediate: Bool?
    /// How many days a suspension or restriction lasts, within the policy's `suspension_days_max`;
    /// left out for a deactivation and an interim suspension.
    var days: Int?
    /// Who proposed the action: a person's id, or left out for Fairdesk's own proposal.
    var proposedBy: String?
    var clause: String?
    /// Ground codes from the policy's `reason_kinds`.
    var grounds: [String]?
    /// Ids of the records relied on.
    var evidence: [String]?
    /// The reasons in the decider's words.
    var text: String?
}

/// A decision as the driver reads it: what, who, why, on what, and until when to appeal.
struct DriverDecisionDTO: Content {
    var id: UUID
    var action: String
    var immediate: Bool
    var decider: String
    var clause: String
    var grounds: [String]
    var groundsWords: [String]
    var evidence: [String]
    var text: String
    var decidedAt: Date
    var effectiveAt: Date
    var interimUntil: Date?
    /// How many days a suspension or restriction lasts, and when it ends; nil for a deactivation
    /// and an interim suspension.
    var days: Int?
    var endsAt: Date?
    var appealUntil: Date
    var policy: String
    /// Where an appeal of this decision stands, in words: "appealed, awaiting review", "overturned on
    /// appeal", "upheld on appeal", "reinstated on conditions"; nil when not appealed.
    var appeal: String? = nil
    /// When the decision stopped taking effect, and why in words ("lifted: overturned on appeal"); nil
    /// while it stands.
    var liftedAt: Date? = nil
    var lifted: String? = nil
}

extension DriverDecisionDTO {
    /// When it takes effect, if later than when it was decided (the policy's notice); nil when it
    /// applied at once.
    var appliesLater: Date? { effectiveAt > decidedAt ? effectiveAt : nil }
}

/// Everything Fairdesk holds about a driver's work, for them to take away.
struct DriverExportDTO: Content {
    /// One audit entry about the driver.
    struct AuditLine: Content {
        var at: Date
        var actor: String
        var action: String
        var reason: String?
        /// The entry's details as stored (JSON).
        var details: String
        var policy: String?
    }

    var driverId: UUID
    var driverName: String
    var exportedAt: Date
    /// The policy version in force at the export.
    var policy: String
    /// Every block, package and feedback on file, described.
    var records: [DriverRecordDTO]
    var excuses: [DriverExcuseDTO]
    var warnings: [DriverWarningDTO]
    var decisions: [DriverDecisionDTO]
    /// Appeals with their outcomes and any conditions.
    var appeals: [DriverAppealDTO]
    /// Customers' claims about the driver's deliveries, with the evidence and the findings.
    var disputes: [DeliveryDisputeDTO]
    var audit: [AuditLine]
}
