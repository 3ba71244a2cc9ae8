import FairdeskCore
import Foundation
import Vapor

/// A driver's appeal against a decision: their account in their own words.
struct DriverAppealRequest: Content {
    var account: String?
}

/// An appeal as the driver and the reviewer read it.
struct DriverAppealDTO: Content {
    var id: UUID
    var decisionId: UUID
    var driverId: UUID
    var account: String
    /// The driver's evidence files, oldest first.
    var evidence: [AppealEvidenceDTO]
    var filedAt: Date
    var reviewDueAt: Date
    /// When an undecided appeal is escalated to leads.
    var escalateAt: Date
    /// The reviewer's name; never the person who made the decision. Null until one is assigned.
    var reviewer: String?
    /// filed, in_review, decided
    var state: String
    /// on_track, escalated, overdue, decided (`AppealDeadlineStatus`)
    var deadline: String
    /// reinstated, denied, conditionally_reinstated
    var outcome: String?
    var reasons: String?
    /// What a conditionally reinstated driver must do, in the words they read; absent otherwise.
    var requirements: [String]?
    /// When the requirements must be met by.
    var requirementsDueBy: Date?
    var decidedBy: String?
    var decidedAt: Date?
    var policy: String
    /// Every conditional reinstatement given on the appeal, oldest first, each with its progress.
    var conditions: [AppealConditionsDTO] = []
}

/// A conditional reinstatement and how its requirements stand.
struct AppealConditionsDTO: Content {
    var id: UUID
    /// The reviewer who set the conditions.
    var setBy: String
    var setAt: Date
    var dueBy: Date
    var reasons: String
    /// open, met (the appeal closed as reinstated), back_to_review
    var state: String
    var closedAt: Date?
    /// Why it closed, in words.
    var note: String?
    var progress: [RequirementProgressDTO]
    /// Records the reviewer found in the driver's favour: no longer counted once the conditions are met.
    var clearedRecords: [String]
}

/// One requirement and where it stands (`RequirementEvaluator`).
struct RequirementProgressDTO: Content {
    /// training_module or on_time_rate
    var kind: String
    /// The training module's id, for a training module.
    var moduleId: String?
    /// The requirement as the driver reads it.
    var requirement: String
    /// open, met, failed_back_to_review
    var status: String
    /// Why, in words: "2 of 10 worked blocks so far".
    var note: String
    /// Block and package ids the answer rests on.
    var evidence: [String]

    init(_ progress: RequirementProgress) {
        switch progress.requirement {
        case .trainingModule(let id, _):
            kind = "training_module"
            moduleId = id
        case .onTimeRate:
            kind = "on_time_rate"
            moduleId = nil
        }
        requirement = progress.requirement.words
        status = progress.status.rawValue
        note = progress.note
        evidence = progress.evidence
    }
}

/// A lead or reviewer records that the driver completed a training module the conditions require.
struct TrainingCompletionRequest: Content {
    var moduleId: String?
    /// How it is known, for the record: "certificate 4471 from the training system".
    var note: String?
}

/// The driver's evidence files, sent as multipart/form-data in `files[]`.
struct AppealEvidenceRequest: Content {
    var files: [File]?
}

/// One evidence file as the reviewer and driver see it listed.
struct AppealEvidenceDTO: Content {
    var id: UUID
    var originalName: String
    /// jpeg, png, pdf, gpx, csv, text
    var type: String
    var size: Int64
    var uploadedAt: Date
}

/// The reviewer's written answer.
struct AppealResolutionRequest: Content {
    /// One requirement of a conditional reinstatement.
    struct Requirement: Content {
        /// training_module or on_time_rate
        var kind: String?
        var moduleId: String?
        var title: String?
        var minimum: Double?
        var blocks: Int?
    }

    /// reinstated, denied, conditionally_reinstated
    var outcome: String?
    var reasons: String?
    var requirements: [Requirement]?
    /// When the requirements must be met (conditional reinstatement only).
    var dueBy: Date?
    /// Records the decision relied on that the reviewer found in the driver's favour: when the appeal
    /// ends reinstated (at once, or once the conditions are met) they stop counting against the driver.
    var clearedRecords: [String]? = nil
}
