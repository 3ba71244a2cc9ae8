import Foundation

/// One line of the append-only audit log: who did what to whom, when, why, under which policy.
///
/// Each record carries the hash of the one before it, so altering, removing or reordering any row
/// breaks every link after it.
public struct AuditRecord: Sendable, Equatable {
    public var sequence: Int64
    public var at: Date
    public var actorKey: String?
    public var actorLabel: String
    public var action: String
    public var subjectType: String
    public var subjectKey: String
    public var reason: String?
    /// Extra facts as a JSON object (sorted keys), e.g. `{"from":"open","to":"resolved"}`.
    public var details: String
    public var policyVersion: String?
    public var previousHash: String
    public var hash: String

    public init(
        sequence: Int64, at: Date, actorKey: String?, actorLabel: String, action: String, subjectType: String,
        subjectKey: String, reason: String?, details: String, policyVersion: String?, previousHash: String,
        hash: String = ""
    ) {
        self.sequence = sequence
        self.at = at
        self.actorKey = actorKey
        self.actorLabel = actorLabel
        self.action = action
        self.subjectType = subjectType
        self.subjectKey = subjectKey
        self.reason = reason
        self.details = details
        self.policyVersion = policyVersion
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The exact bytes that are hashed: every field, in a fixed order, separated by the ASCII unit
    /// separator, with time in whole milliseconds so that every database stores it exactly.
    public var canonicalText: String {
        let millis = Int64((at.timeIntervalSince1970 * 1000).rounded())
        return [
            String(sequence), String(millis), actorKey ?? "", actorLabel, action, subjectType, subjectKey, reason ?? "",
            details, policyVersion ?? "", previousHash,
        ].joined(separator: "\u{1F}")
    }
}

/// Checks an audit log link by link.
public struct AuditChainVerifier {
    /// The `previousHash` of the very first record.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The first place where the chain does not hold.
    public struct Break: Sendable, Equatable, CustomStringConvertible {
        public var sequence: Int64
        public var problem: String
        public init(sequence: Int64, problem: String) {
            self.sequence = sequence
            self.problem = problem
        }
        public var description: String { "entry \(sequence): \(problem)" }
    }

    private let hash: @Sendable (String) -> String
    private var expectedPrevious = AuditChainVerifier.genesisHash
    private var expectedSequence: Int64 = 1
    public private(set) var checked = 0

    /// - Parameter hash: hex SHA-256 of a UTF-8 string (supplied by the caller; the domain holds no crypto).
    public init(hash: @escaping @Sendable (String) -> String) { self.hash = hash }

    /// The hash a record must carry, given its contents.
    public static func seal(_ record: AuditRecord, hash: (String) -> String) -> String {
        hash(record.canonicalText)
    }

    /// Checks the next record in sequence order; returns the break if this record is where the chain fails.
    public mutating func check(_ record: AuditRecord) -> Break? {
        defer {
            checked += 1
            expectedPrevious = record.hash
            expectedSequence = record.sequence + 1
        }
        if record.sequence != expectedSequence {
            return Break(
                sequence: record.sequence, problem: "expected entry \(expectedSequence) here: an entry is missing")
        }
        if record.previousHash != expectedPrevious {
            return Break(
                sequence: record.sequence,
                problem: "its link to the entry before does not match: an entry was altered or removed")
        }
        if hash(record.canonicalText) != record.hash {
            return Break(
                sequence: record.sequence, problem: "its contents do not match its hash: this entry was altered")
        }
        return nil
    }
}
