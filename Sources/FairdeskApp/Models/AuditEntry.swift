import FairdeskCore
import Fluent
import Foundation

/// A stored line of the audit log; see ``AuditRecord`` for what it means.
final class AuditEntry: Model, @unchecked Sendable {
    static let schema = "audit_entries"

    @ID(key: .id) var id: UUID?
    @Field(key: "sequence") var sequence: Int64
    @Field(key: "at") var at: Date
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_label") var actorLabel: String
    @Field(key: "action") var action: String
    @Field(key: "subject_type") var subjectType: String
    @Field(key: "subject_id") var subjectID: String
    @OptionalField(key: "reason") var reason: String?
    @Field(key: "details") var details: String
    @OptionalField(key: "policy_version") var policyVersion: String?
    @Field(key: "previous_hash") var previousHash: String
    @Field(key: "hash") var hash: String

    init() {}

    init(_ record: AuditRecord) {
        self.sequence = record.sequence
        self.at = record.at
        self.actorID = record.actorKey.flatMap(UUID.init(uuidString:))
        self.actorLabel = record.actorLabel
        self.action = record.action
        self.subjectType = record.subjectType
        self.subjectID = record.subjectKey
        self.reason = record.reason
        self.details = record.details
        self.policyVersion = record.policyVersion
        self.previousHash = record.previousHash
        self.hash = record.hash
    }

    var record: AuditRecord {
        AuditRecord(
            sequence: sequence, at: at, actorKey: actorID?.uuidString, actorLabel: actorLabel, action: action,
            subjectType: subjectType, subjectKey: subjectID, reason: reason, details: details,
            policyVersion: policyVersion, previousHash: previousHash, hash: hash)
    }
}
