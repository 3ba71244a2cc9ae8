import Foundation
import Testing

@testable import FairdeskCore

@Suite("Audit chain verification")
struct AuditChainTests {
    /// A stand-in hash (FNV-1a, hex): the verifier does not care which hash the app uses.
    static let hash: @Sendable (String) -> String = { text in
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
        return String(value, radix: 16)
    }

    func chain(_ count: Int) -> [AuditRecord] {
        var records: [AuditRecord] = []
        var previous = AuditChainVerifier.genesisHash
        for index in 1...count {
            var record = AuditRecord(
                sequence: Int64(index), at: Date(timeIntervalSince1970: Double(1_700_000_000 + index)),
                actorKey: "agent-1", actorLabel: "Alex (agent)", action: "case.status_changed", subjectType: "case",
                subjectKey: "case-\(index)", reason: "resolved on call", details: #"{"to":"resolved"}"#,
                policyVersion: nil,
                previousHash: previous)
            record.hash = AuditChainVerifier.seal(record, hash: Self.hash)
            previous = record.hash
            records.append(record)
        }
        return records
    }

    func firstBreak(_ records: [AuditRecord]) -> AuditChainVerifier.Break? {
        var verifier = AuditChainVerifier(hash: Self.hash)
        for record in records { if let broken = verifier.check(record) { return broken } }
        return nil
    }

    @Test("an untouched chain verifies")
    func intact() { #expect(firstBreak(chain(20)) == nil) }

    @Test("changing the reason of one entry is caught at that entry")
    func alteredContents() {
        var records = chain(20)
        records[6].reason = "customer was rude"
        #expect(firstBreak(records)?.sequence == 7)
        #expect(firstBreak(records)?.problem.contains("altered") == true)
    }

    @Test("re-sealing an altered entry is caught at the next link")
    func resealed() {
        var records = chain(20)
        records[6].reason = "customer was rude"
        records[6].hash = AuditChainVerifier.seal(records[6], hash: Self.hash)
        #expect(firstBreak(records)?.sequence == 8)
    }

    @Test("removing an entry is caught where the numbering jumps")
    func removed() {
        var records = chain(20)
        records.remove(at: 10)
        #expect(firstBreak(records)?.sequence == 12)
    }
}
