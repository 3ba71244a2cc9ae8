import Foundation
import Testing

@testable import FairdeskCore

@Suite("Drivers: warnings come first")
struct WarningTests {
    let now = DriverFixture.at(days: 20)
    let clauses = [
        PolicyClause(number: "1", title: "Metrics", text: "…"),
        PolicyClause(number: "3", title: "Safe handover", text: "Never leave a parcel in the road."),
    ]

    func atRisk(policy: DriverPolicy = DriverFixture.policy()) -> DriverStanding {
        let late = (1...6).map { DriverFixture.delivered("late\($0)", day: 1, lateMinutes: 45) }
        let records = DriverRecords(packages: DriverFixture.goodDeliveries(44, day: 1) + late)
        return StandingRules.standing(of: DriverFixture.driver, records: records, policy: policy, now: now)
    }

    @Test("falling into At risk gives a warning naming the metric, the late deliveries and the way back")
    func atRiskWarning() throws {
        // MUT
        let warning = try #require(
            WarningRules.warning(for: atRisk(), policy: DriverFixture.policy(), id: "w1", now: now))
        // validate
        #expect(warning.findings.count == 1)
        let finding = warning.findings[0]
        #expect(finding.subject == "on-time rate")
        #expect(finding.finding == "on-time rate: 88% (44 of 50)")
        #expect(finding.evidence == (1...6).map { "late\($0)" })
        #expect(finding.wayBack == "an on-time rate of at least 90% over the last 28 days")
        #expect(warning.improveUntil == now.addingTimeInterval(7 * 86_400))
        #expect(warning.policyVersion == 3)
        #expect(warning.text.contains("Evidence: late1, late2"))
        #expect(warning.text.contains("You have until 2026-05-31 00:00 UTC to improve"))
    }

    @Test("the period to improve comes from the policy in force")
    func periodFromPolicy() throws {
        let policy = DriverFixture.policy(["warning_period_days": .number(10)])
        let warning = try #require(WarningRules.warning(for: atRisk(policy: policy), policy: policy, id: "w", now: now))
        #expect(warning.improveUntil == now.addingTimeInterval(10 * 86_400))
    }

    @Test("a driver in any other tier gets no warning")
    func noWarningWhenFair() {
        let records = DriverRecords(packages: DriverFixture.goodDeliveries(45, day: 1))
        let standing = StandingRules.standing(
            of: DriverFixture.driver, records: records, policy: DriverFixture.policy(), now: now)
        #expect(WarningRules.warning(for: standing, policy: DriverFixture.policy(), id: "w", now: now) == nil)
    }

    @Test("a policy-violation report becomes a warning naming the clause and the evidence")
    func violationWarning() throws {
        let report = PolicyViolationReport(
            id: "r1", driverID: DriverFixture.driver, clause: "3", account: "Parcel left on the pavement",
            evidence: ["photo-9", "p4"], reportedBy: DriverFixture.lead, reportedAt: now)
        let warning = try WarningRules.warning(
            for: report, policy: DriverFixture.policy(), clauses: clauses, id: "w2", now: now)
        #expect(warning.findings[0].subject == "clause 3")
        #expect(warning.findings[0].evidence == ["photo-9", "p4"])
        #expect(warning.findings[0].wayBack == "no further breach of clause 3 (Safe handover) before the period ends")
        #expect(warning.text.hasPrefix("clause 3: Parcel left on the pavement. Evidence: photo-9, p4. "))
    }

    @Test("a lead's account that ends its own sentence gets no second full stop")
    func violationAccountPunctuation() throws {
        for (account, shown) in [
            ("Parcel left on the pavement.", "Parcel left on the pavement."),
            ("Why was the van on the pavement?", "Why was the van on the pavement?"),
            ("Parcel thrown over the gate!\n", "Parcel thrown over the gate!"),
        ] {
            let report = PolicyViolationReport(
                id: "r1", driverID: DriverFixture.driver, clause: "3", account: account, evidence: ["p4"],
                reportedBy: DriverFixture.lead, reportedAt: now)
            let warning = try WarningRules.warning(
                for: report, policy: DriverFixture.policy(), clauses: clauses, id: "w2", now: now)
            #expect(warning.text.hasPrefix("clause 3: \(shown) Evidence: p4. "))
        }
    }

    @Test("a report citing no real clause, with no evidence, by an agent, is refused field by field")
    func violationRefused() {
        let report = PolicyViolationReport(
            id: "r1", driverID: DriverFixture.driver, clause: "9", account: " ", evidence: [],
            reportedBy: StaffMember(id: "a1", name: "Al", role: .agent), reportedAt: now)
        #expect(throws: ValidationFailure.self) {
            try WarningRules.warning(for: report, policy: DriverFixture.policy(), clauses: clauses, id: "w", now: now)
        }
        do {
            _ = try WarningRules.warning(
                for: report, policy: DriverFixture.policy(), clauses: clauses, id: "w", now: now)
        } catch {
            #expect(
                error.problems == [
                    FieldProblem(field: "clause", rule: "must be a clause of the policy in force; known: 1, 3"),
                    FieldProblem(field: "account", rule: "must not be empty"),
                    FieldProblem(field: "evidence", rule: "must list at least one record relied on"),
                    FieldProblem(field: "reportedBy", rule: "must be a lead or reviewer (got agent)"),
                ])
        }
    }

    @Test("a standing warning is withdrawn only when, worked out again, the standing at its issue was not At risk")
    func standingWithdrawal() {
        // The same records: still At risk, so the warning stands.
        #expect(WarningWithdrawal.reason(standingWarning: atRisk()) == nil)
        // The six late deliveries excused: 44 of 44 on time, no longer At risk.
        let late = (1...6).map { DriverFixture.delivered("late\($0)", day: 1, lateMinutes: 45) }
        var records = DriverRecords(packages: DriverFixture.goodDeliveries(44, day: 1) + late)
        records.excuses = late.map {
            Excuse(
                recordID: $0.id, code: .depotDelay, source: .lead(DriverFixture.lead), reason: "late van",
                appliedAt: now)
        }
        let corrected = StandingRules.standing(
            of: DriverFixture.driver, records: records, policy: DriverFixture.policy(), now: now)
        let reason = WarningWithdrawal.reason(standingWarning: corrected)
        #expect(reason?.hasPrefix("The records it rested on were corrected") == true)
        #expect(reason?.contains("not At risk") == true)
    }

    @Test("a violation warning is withdrawn only when every record it relied on was left out")
    func violationWithdrawal() {
        func excuse(_ id: String) -> Excuse {
            Excuse(
                recordID: id, code: .roadClosure, source: .lead(DriverFixture.lead), reason: "closed", appliedAt: now)
        }
        #expect(WarningWithdrawal.reason(violationEvidence: [], excused: [:]) == nil)
        #expect(WarningWithdrawal.reason(violationEvidence: ["a", "b"], excused: ["a": excuse("a")]) == nil)
        #expect(
            WarningWithdrawal.reason(
                violationEvidence: ["b", "a", "a"], excused: ["a": excuse("a"), "b": excuse("b")])
                == "Every record it relied on (a, b) was since left out (road closure).")
    }
}
