import Crypto
import FairdeskCore
import Fluent
import Foundation
import SQLKit

/// Appends to and verifies the hash-chained audit log.
enum AuditLog {
    /// Hex SHA-256 of a UTF-8 string.
    static func sha256(_ text: String) -> String { Digest.sha256(text) }

    /// Appends one entry, inside the caller's transaction, so that the entry exists exactly when the
    /// change it records does.
    ///
    /// Incrementing the `audit` counter row locks it until commit, so concurrent appends on
    /// PostgreSQL queue up and the chain stays a single line.
    @discardableResult
    static func append(
        on db: any Database, at now: Date, actor: Actor, action: String, subjectType: String, subjectID: UUID,
        reason: String?, details: [String: String] = [:], policyVersion: String? = nil
    ) async throws -> AuditRecord {
        struct Head: Decodable {
            var value: Int64
            var hash: String
        }
        guard
            let head = try await db.sql.raw(
                "UPDATE counters SET value = value + 1 WHERE name = 'audit' RETURNING value, hash"
            ).first(decoding: Head.self)
        else { throw AuditLogError.missingCounter }
        // Whole milliseconds, so the stored time hashes the same on every database.
        let at = Date(timeIntervalSince1970: (now.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        var record = AuditRecord(
            sequence: head.value, at: at, actorKey: actor.id?.uuidString, actorLabel: actor.label, action: action,
            subjectType: subjectType, subjectKey: subjectID.uuidString, reason: reason,
            details: encodeDetails(details), policyVersion: policyVersion, previousHash: head.hash)
        record.hash = AuditChainVerifier.seal(record, hash: sha256)
        try await AuditEntry(record).create(on: db)
        try await db.sql.raw("UPDATE counters SET hash = \(bind: record.hash) WHERE name = 'audit'").run()
        return record
    }

    static func encodeDetails(_ details: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(details)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// The outcome of a verification.
    struct Verification: Sendable {
        var checked: Int
        var firstBreak: AuditChainVerifier.Break?
        var intact: Bool { firstBreak == nil }
    }

    /// Reads the whole log in sequence order, a page at a time, and reports the first broken link.
    /// Also checks the log's end against the counter, so removing the newest entries is caught too.
    static func verify(on db: any Database, progress: (Int, Int) -> Void = { _, _ in }) async throws -> Verification {
        let total = try await AuditEntry.query(on: db).count()
        var verifier = AuditChainVerifier(hash: sha256)
        var after: Int64 = 0
        var lastHash = AuditChainVerifier.genesisHash
        while true {
            let page = try await AuditEntry.query(on: db).filter(\.$sequence > after).sort(\.$sequence).limit(1000)
                .all()
            if page.isEmpty { break }
            for entry in page {
                if let broken = verifier.check(entry.record) {
                    return Verification(checked: verifier.checked, firstBreak: broken)
                }
            }
            after = page.last!.sequence
            lastHash = page.last!.hash
            progress(verifier.checked, total)
        }
        struct Head: Decodable {
            var value: Int64
            var hash: String
        }
        if let head = try await db.sql.raw("SELECT value, hash FROM counters WHERE name = 'audit'").first(
            decoding: Head.self),
            head.value != after || head.hash != lastHash
        {
            return Verification(
                checked: verifier.checked,
                firstBreak: .init(
                    sequence: after + 1,
                    problem:
                        "the log ends at entry \(after) but \(head.value) entries were written: the newest entries were removed"
                ))
        }
        return Verification(checked: verifier.checked, firstBreak: nil)
    }
}

enum AuditLogError: Error, CustomStringConvertible {
    case missingCounter
    var description: String { "the audit counter row is missing: run `fairdesk migrate`" }
}
