import Foundation
import Testing

@testable import FairdeskCore

@Suite("Policy versions")
struct PolicyRulesTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    func day(_ days: Double) -> Date { now.addingTimeInterval(days * 86_400) }

    func version(
        _ number: Int, effective: Date, threshold: Double = 0.95, favourable: Bool = false, withdrawn: Date? = nil,
        clauses: [PolicyClause]? = nil
    ) -> PolicyVersion {
        PolicyVersion(
            number: number, summary: "On-time threshold \(threshold)",
            clauses: clauses ?? [PolicyClause(number: "1", title: "On time", text: "Deliver within the window.")],
            parameters: ["fantastic_on_time_min": .number(threshold)], publishedAt: now, effectiveAt: effective,
            favourable: favourable, withdrawnAt: withdrawn)
    }

    @Test("publishing with too little notice is refused with the earliest allowed date")
    func noticeRequired() {
        do {
            try PolicyRules.checkPublication(version(2, effective: day(3)), now: now, noticeDays: 14)
            Issue.record("3 days' notice was accepted")
        } catch {
            #expect(error.problems.map(\.field) == ["effectiveAt"])
            #expect(error.problems.first?.rule.contains("at least 14 days' notice") == true)
            #expect(
                error.problems.first?.rule.hasSuffix(ISO8601DateFormatter().string(from: day(14))) == true)
        }
        #expect(throws: Never.self) {
            try PolicyRules.checkPublication(version(2, effective: day(14)), now: now, noticeDays: 14)
        }
    }

    @Test("a change marked favourable may apply at once; a date in the past never")
    func favourableAndPast() throws {
        try PolicyRules.checkPublication(version(2, effective: now, favourable: true), now: now, noticeDays: 14)
        #expect(throws: ValidationFailure.self) {
            try PolicyRules.checkPublication(version(2, effective: day(-1), favourable: true), now: now, noticeDays: 0)
        }
    }

    @Test("clauses need numbers, unique ones, and a version needs a summary")
    func clausesAndSummary() {
        var bad = version(
            2, effective: day(30),
            clauses: [
                PolicyClause(number: "1", title: "A", text: "a"), PolicyClause(number: "1", title: "B", text: "b"),
                PolicyClause(number: "two", title: "C", text: "c"),
            ])
        bad.summary = "  "
        do {
            try PolicyRules.checkPublication(bad, now: now, noticeDays: 14)
            Issue.record("accepted")
        } catch {
            #expect(error.problems.map(\.field) == ["summary", "clauses[1].number", "clauses[2].number"])
        }
    }

    @Test("an event is judged by the version in force when it happened, never by a later one")
    func noRetroactiveRules() {
        let first = version(1, effective: day(-100), threshold: 0.95)
        let second = version(2, effective: day(14), threshold: 0.90)
        let versions = [first, second]
        // A late delivery yesterday and one in three weeks meet different thresholds.
        #expect(PolicyRules.inForce(at: day(-1), among: versions)?.parameters.number("fantastic_on_time_min") == 0.95)
        #expect(PolicyRules.inForce(at: day(21), among: versions)?.parameters.number("fantastic_on_time_min") == 0.90)
        #expect(PolicyRules.inForce(at: day(-200), among: versions) == nil)
        #expect(PolicyRules.upcoming(at: now, among: versions).map(\.number) == [2])
    }

    @Test("a withdrawn version never applies, and only a version not yet in force can be withdrawn")
    func withdrawal() {
        let first = version(1, effective: day(-100))
        var second = version(2, effective: day(14))
        #expect(PolicyRules.canWithdraw(second, at: now))
        #expect(!PolicyRules.canWithdraw(first, at: now))
        second.withdrawnAt = now
        #expect(PolicyRules.inForce(at: day(30), among: [first, second])?.number == 1)
        #expect(!PolicyRules.canWithdraw(second, at: now))
    }

    @Test("two versions compare clause by clause: added, changed, unchanged and removed")
    func compareClauses() {
        let old = version(
            1, effective: day(-10),
            clauses: [
                PolicyClause(number: "1", title: "On time", text: "Within the window."),
                PolicyClause(number: "2", title: "Scans", text: "Scan every parcel."),
                PolicyClause(number: "3", title: "Photos", text: "Photo at the door."),
            ])
        let new = version(
            2, effective: day(20),
            clauses: [
                PolicyClause(number: "1", title: "On time", text: "Within the window."),
                PolicyClause(number: "2", title: "Scans", text: "Scan every parcel, except in dead zones."),
                PolicyClause(number: "4", title: "Weather", text: "Weather delays are excused."),
            ])
        let changes = PolicyRules.compare(old, new)
        #expect(changes.map(\.number) == ["1", "2", "4", "3"])
        #expect(changes.map(\.kind) == [.unchanged, .changed, .added, .removed])
        #expect(changes[1].before?.text == "Scan every parcel.")
    }
}
