import Foundation
import Testing

@testable import FairdeskCore

@Suite("Drivers: only a named human decides, with reasons")
struct DecisionTests {
    let version = PolicyVersion(
        number: 3, summary: "Standing",
        clauses: [
            PolicyClause(number: "2", title: "Standing tiers", text: "…"),
            PolicyClause(number: "5", title: "Fraud and safety", text: "…"),
        ],
        parameters: ParameterSchema.forKind(.driverStanding).suggested, publishedAt: DriverFixture.at(days: -60),
        effectiveAt: DriverFixture.at(days: -40))
    let calendar = BusinessCalendar(
        name: "Depot", timeZoneID: "Europe/Berlin", weekly: try! BusinessCalendar.parseHours("mon-fri 08:00-18:00"))
    let now = DriverFixture.at(days: 20)
    let warning = DriverWarning(
        id: "w1", driverID: DriverFixture.driver, issuedAt: DriverFixture.at(days: 5),
        improveUntil: DriverFixture.at(days: 12), findings: [], policyVersion: 3)
    let statement = StatementOfReasons(
        clause: "2", grounds: ["on_time_rate"], evidence: ["late1", "late2"],
        text: "On-time rate stayed at 86% after the warning period ended.")

    func proposal(_ action: ActionKind = .deactivation, immediate: Bool = false, days: Int? = nil) -> ActionProposal {
        ActionProposal(
            id: "prop-1", driverID: DriverFixture.driver, action: action, immediate: immediate, days: days,
            proposedBy: "system", proposedAt: DriverFixture.at(days: 19))
    }

    func decide(
        _ proposal: ActionProposal, by decider: StaffMember = DriverFixture.reviewer,
        statement: StatementOfReasons? = nil, version: PolicyVersion? = nil, warnings: [DriverWarning]? = nil,
        at instant: Date? = nil
    ) throws(ValidationFailure) -> DriverDecision {
        try DecisionRules.decide(
            proposal, decider: decider, statement: statement ?? self.statement, version: version ?? self.version,
            warnings: warnings ?? [warning], calendar: calendar, id: "d1", now: instant ?? now)
    }

    func problems(_ body: () throws(ValidationFailure) -> DriverDecision) -> [FieldProblem] {
        do {
            _ = try body()
            return []
        } catch {
            return error.problems
        }
    }

    @Test("a reviewer, by name, with a clause, grounds and evidence, turns a proposal into a decision")
    func decided() throws {
        let decision = try decide(proposal())
        #expect(decision.decider == DriverFixture.reviewer)
        #expect(decision.statement.evidence == ["late1", "late2"])
        #expect(decision.policyVersion == 3)
        #expect(!decision.isInterim)
    }

    @Test(
        "a suspension or restriction says how many days it lasts, within the policy's longest; it ends that long after it applies"
    )
    func length() throws {
        let suspension = try decide(proposal(.suspension, days: 10))
        #expect(suspension.effectiveAt == now.addingTimeInterval(14 * 86_400))
        #expect(suspension.endsAt == now.addingTimeInterval(24 * 86_400))
        #expect(try decide(proposal()).endsAt == nil)
        #expect(
            problems { () throws(ValidationFailure) in try decide(proposal(.restriction)) } == [
                FieldProblem(field: "proposal.days", rule: "must say how many days the restriction lasts, from 1 to 30")
            ])
        #expect(
            problems { () throws(ValidationFailure) in try decide(proposal(.suspension, days: 31)) } == [
                FieldProblem(
                    field: "proposal.days",
                    rule: "must be from 1 to 30 days for a suspension, the longest the policy allows (got 31)")
            ])
        var longer = version
        longer.parameters["suspension_days_max"] = .number(60)
        #expect(try decide(proposal(.suspension, days: 31), version: longer).endsAt != nil)
        #expect(
            problems { () throws(ValidationFailure) in try decide(proposal(days: 5)) } == [
                FieldProblem(field: "proposal.days", rule: "must be left out for a deactivation: it has no end")
            ])
        let fraud = StatementOfReasons(clause: "5", grounds: ["fraud"], evidence: ["s1"], text: "Fraud, see s1.")
        #expect(
            problems { () throws(ValidationFailure) in
                try decide(proposal(.suspension, immediate: true, days: 5), statement: fraud)
            } == [
                FieldProblem(
                    field: "proposal.days",
                    rule: "must be left out for an interim suspension: it lapses after 7 business days unless a full "
                        + "decision follows")
            ])
    }

    @Test("an ordinary decision takes effect after the policy's notice; one on an urgent ground at once")
    func notice() throws {
        // The suggested notice: 14 days, so the driver is told, and may appeal, before it applies.
        #expect(try decide(proposal()).effectiveAt == now.addingTimeInterval(14 * 86_400))
        var shortNotice = version
        shortNotice.parameters["action_notice_days"] = .number(3)
        #expect(try decide(proposal(), version: shortNotice).effectiveAt == now.addingTimeInterval(3 * 86_400))
        // A full deactivation for fraud, after a warning or not, applies at once; so does an interim suspension.
        let fraud = StatementOfReasons(clause: "5", grounds: ["fraud"], evidence: ["s1"], text: "Fraud, see s1.")
        #expect(try decide(proposal(), statement: fraud, warnings: []).effectiveAt == now)
        #expect(try decide(proposal(.suspension, immediate: true), statement: fraud).effectiveAt == now)
    }

    @Test("an agent cannot decide; nor can the person who proposed the action")
    func whoMayDecide() {
        let agent = StaffMember(id: "a1", name: "Al", role: .agent)
        #expect(
            problems { () throws(ValidationFailure) in try decide(proposal(), by: agent) } == [
                FieldProblem(
                    field: "decider.role",
                    rule: "must be lead or reviewer: only they may decide an action against a driver (got agent)")
            ])
        var own = proposal()
        own.proposedBy = DriverFixture.lead.id
        #expect(
            problems { () throws(ValidationFailure) in try decide(own, by: DriverFixture.lead) } == [
                FieldProblem(field: "decider", rule: "must not be the person who proposed the action")
            ])
    }

    @Test("the decision cannot be submitted without a real clause, evidence and written reasons")
    func statementRequired() {
        let empty = StatementOfReasons(clause: "7", grounds: ["on_time_rate"], evidence: [], text: "")
        #expect(
            problems { () throws(ValidationFailure) in try decide(proposal(), statement: empty) } == [
                FieldProblem(field: "statement.clause", rule: "must cite a clause of policy version 3; known: 2, 5"),
                FieldProblem(field: "statement.evidence", rule: "must list at least one record relied on"),
                FieldProblem(field: "statement.text", rule: "must not be empty"),
            ])
    }

    @Test("declining offers can never be a ground, even if a policy version marked it ordinary")
    func forbiddenByLaw() {
        var lax = version
        lax.parameters["reason_kinds"] = .table(["declining_offers": "ordinary", "on_time_rate": "ordinary"])
        let statement = StatementOfReasons(
            clause: "2", grounds: ["on_time_rate", "declining_offers"], evidence: ["o1"], text: "Declined 40 offers.")
        #expect(
            problems { () throws(ValidationFailure) in try decide(proposal(), statement: statement, version: lax) } == [
                FieldProblem(
                    field: "statement.grounds[1]",
                    rule: "must not be declining offers: it is a forbidden ground for any action")
            ])
    }

    @Test("grounds the policy forbids, or does not list, are refused with the list of allowed ones")
    func policyGrounds() {
        var strict = version
        var kinds = DecisionGrounds.suggestedKinds
        kinds["customer_ratings"] = "forbidden"
        strict.parameters["reason_kinds"] = .table(kinds)
        let statement = StatementOfReasons(
            clause: "2", grounds: ["customer_ratings", "vibes"], evidence: ["f1"], text: "Bad ratings.")
        let found = problems { () throws(ValidationFailure) in
            try decide(proposal(), statement: statement, version: strict)
        }
        #expect(found.map(\.field) == ["statement.grounds[0]", "statement.grounds[1]"])
        #expect(found[0].rule == "must not be customer ratings: it is a forbidden ground for any action")
        #expect(
            found[1].rule
                == "must be a ground the policy lists; known: completion_rate, fraud, licensing, misconduct, "
                + "missed_blocks, on_time_rate, safety, scan_compliance")
    }

    @Test("an ordinary action must wait for a warning and the end of its period to improve")
    func warningFirst() throws {
        #expect(
            problems { () throws(ValidationFailure) in try decide(proposal(), warnings: []) } == [
                FieldProblem(field: "proposal", rule: "must follow a written warning to the driver: none was given")
            ])
        #expect(
            problems { () throws(ValidationFailure) in try decide(proposal(), at: DriverFixture.at(days: 8)) } == [
                FieldProblem(
                    field: "proposal",
                    rule: "must wait until the warning's period to improve ends (2026-05-16 00:00 UTC)")
            ])
        var otherDriver = warning
        otherDriver.driverID = "driver-2"
        #expect(
            problems { () throws(ValidationFailure) in try decide(proposal(), warnings: [otherDriver]) }.map(\.field)
                == ["proposal"])
        _ = try decide(proposal(), at: DriverFixture.at(days: 12))
    }

    @Test("an immediate suspension for fraud needs no warning and lapses after 7 business days")
    func interimSuspension() throws {
        // Friday 8 May 2026, 15:00 in Berlin.
        let friday = DriverFixture.at(days: 4, hours: 13)
        let fraud = StatementOfReasons(
            clause: "5", grounds: ["fraud"], evidence: ["scan-77"], text: "Scans faked from home, see scan-77.")
        let decision = try decide(proposal(.suspension, immediate: true), statement: fraud, warnings: [], at: friday)
        // Mon 11 to Fri 15, Mon 18, Tue 19: it ends as Wednesday 20 May begins in Berlin.
        #expect(decision.interimUntil == ISO8601DateFormatter().date(from: "2026-05-19T22:00:00Z"))
        #expect(decision.isInterim)
        #expect(!decision.interimHasLapsed(at: ISO8601DateFormatter().date(from: "2026-05-19T21:59:00Z")!))
        #expect(decision.interimHasLapsed(at: ISO8601DateFormatter().date(from: "2026-05-19T22:00:00Z")!))
    }

    @Test("a holiday does not count as one of the interim suspension's business days")
    func interimSkipsHolidays() throws {
        let depot = BusinessCalendar(
            name: "Depot", timeZoneID: "Europe/Berlin", weekly: try BusinessCalendar.parseHours("mon-fri 08:00-18:00"),
            holidays: try BusinessCalendar.parseHolidays("2026-05-14"))
        let end = depot.endOfBusinessDays(7, after: DriverFixture.at(days: 4, hours: 13))
        #expect(end == ISO8601DateFormatter().date(from: "2026-05-20T22:00:00Z"))
    }

    @Test("only a suspension on an urgent ground may take effect at once")
    func immediateOnlyForUrgentSuspensions() {
        let fraud = StatementOfReasons(clause: "5", grounds: ["fraud"], evidence: ["s1"], text: "Fraud.")
        #expect(
            problems { () throws(ValidationFailure) in
                try decide(proposal(.deactivation, immediate: true), statement: fraud)
            } == [
                FieldProblem(
                    field: "proposal.immediate",
                    rule: "may only be a suspension: a deactivation always needs notice and a full decision")
            ])
        #expect(
            problems { () throws(ValidationFailure) in try decide(proposal(.suspension, immediate: true)) } == [
                FieldProblem(
                    field: "statement.grounds",
                    rule: "must include an urgent ground (fraud, licensing, safety) for an immediate suspension")
            ])
    }
}
