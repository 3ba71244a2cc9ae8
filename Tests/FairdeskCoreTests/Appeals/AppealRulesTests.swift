import Foundation
import Testing

@testable import FairdeskCore

@Suite("Appeals: filing, reviewing and answering")
struct AppealRulesTests {
    func problems<T>(_ body: () throws(ValidationFailure) -> T) -> [FieldProblem] {
        do {
            _ = try body()
            return []
        } catch {
            return error.problems
        }
    }

    @Test("an appeal on the 14th day is accepted; a minute after the window closes it is refused with the date")
    func window() throws {
        let lastMinute = try AppealFixture.appeal(filedDaysAfter: 14)
        #expect(lastMinute.reviewDueAt == DriverFixture.at(days: 48))
        let late = problems { () throws(ValidationFailure) in
            try AppealRules.file(
                against: AppealFixture.decision, by: DriverFixture.driver, account: "I was ill.", evidence: [],
                terms: .defaults, id: "a2", now: DriverFixture.at(days: 34).addingTimeInterval(60))
        }
        #expect(
            late == [
                FieldProblem(
                    field: "filedAt",
                    rule: "must be within 14 days of the decision: the window closed at 2026-06-07 00:00 UTC")
            ])
    }

    @Test("an appeal needs the driver's account, and only the driver the decision is about may file it")
    func accountAndOwner() {
        let found = problems { () throws(ValidationFailure) in
            try AppealRules.file(
                against: AppealFixture.decision, by: "driver-2", account: "   ", evidence: [], terms: .defaults,
                id: "a2", now: AppealFixture.decidedAt)
        }
        #expect(found.map(\.field) == ["decisionID", "account"])
    }

    @Test("the person who made the decision cannot review the appeal; another reviewer can")
    func differentReviewer() throws {
        let appeal = try AppealFixture.appeal()
        #expect(
            problems { () throws(ValidationFailure) in
                try AppealRules.assign(DriverFixture.lead, to: appeal, decision: AppealFixture.decision)
            } == [
                FieldProblem(
                    field: "reviewer", rule: "must not be the person who made the original decision (Dana Lee)")
            ])
        let driverAsReviewer = StaffMember(id: "x", name: "X", role: .driver)
        #expect(
            problems { () throws(ValidationFailure) in
                try AppealRules.assign(driverAsReviewer, to: appeal, decision: AppealFixture.decision)
            }.map(\.field) == ["reviewer.role"])
        let assigned = try AppealRules.assign(DriverFixture.reviewer, to: appeal, decision: AppealFixture.decision)
        #expect(assigned.reviewer == DriverFixture.reviewer)
    }

    @Test("an undecided appeal is on track, then escalated 3 days before its deadline, then overdue")
    func deadlineTracking() throws {
        let appeal = try AppealFixture.appeal(filedDaysAfter: 0)
        func status(_ day: Double) -> AppealDeadlineStatus {
            AppealRules.status(of: appeal, resolution: nil, now: DriverFixture.at(days: day))
        }
        #expect(status(30) == .onTrack)
        #expect(status(31) == .escalated)
        #expect(status(34) == .escalated)
        #expect(status(34.01) == .overdue)
        let answer = try AppealRules.resolve(
            appeal, decision: AppealFixture.decision, reviewer: DriverFixture.reviewer, outcome: .reinstated,
            reasons: "The GPS trace puts the driver at the door.", now: DriverFixture.at(days: 35))
        #expect(answer.late)
        #expect(AppealRules.status(of: appeal, resolution: answer, now: DriverFixture.at(days: 40)) == .decided)
    }

    @Test("a denial without written reasons is refused")
    func reasonsRequired() throws {
        let appeal = try AppealFixture.appeal()
        #expect(
            problems { () throws(ValidationFailure) in
                try AppealRules.resolve(
                    appeal, decision: AppealFixture.decision, reviewer: DriverFixture.reviewer, outcome: .denied,
                    reasons: "", now: DriverFixture.at(days: 25))
            } == [FieldProblem(field: "reasons", rule: "must not be empty")])
    }

    @Test("only the assigned reviewer answers, and never the decider")
    func assignedReviewerAnswers() throws {
        let appeal = try AppealRules.assign(
            DriverFixture.reviewer, to: try AppealFixture.appeal(), decision: AppealFixture.decision)
        let other = StaffMember(id: "rev-2", name: "Kim", role: .reviewer)
        let found = problems { () throws(ValidationFailure) in
            try AppealRules.resolve(
                appeal, decision: AppealFixture.decision, reviewer: other, outcome: .denied, reasons: "No.",
                now: DriverFixture.at(days: 25))
        }
        #expect(
            found == [FieldProblem(field: "reviewer", rule: "must be the reviewer assigned to the appeal (Sam Okafor)")]
        )
    }

    @Test("a conditional reinstatement needs trackable requirements and a due date in the future")
    func conditionsChecked() throws {
        let appeal = try AppealFixture.appeal()
        let now = DriverFixture.at(days: 25)
        func resolve(_ outcome: AppealOutcome) -> [FieldProblem] {
            problems { () throws(ValidationFailure) in
                try AppealRules.resolve(
                    appeal, decision: AppealFixture.decision, reviewer: DriverFixture.reviewer, outcome: outcome,
                    reasons: "Reinstated on conditions.", now: now)
            }
        }
        #expect(
            resolve(.conditionallyReinstated(requirements: [], dueBy: DriverFixture.at(days: 40))) == [
                FieldProblem(
                    field: "outcome.requirements",
                    rule: "must list at least one requirement for a conditional reinstatement")
            ])
        #expect(
            resolve(
                .conditionallyReinstated(
                    requirements: [.onTimeRate(minimum: 95, blocks: 0)], dueBy: DriverFixture.at(days: 24))
            ).map(\.field) == ["outcome.requirements[0]", "outcome.requirements[0]", "outcome.dueBy"])
        #expect(
            resolve(
                .conditionallyReinstated(
                    requirements: [.onTimeRate(minimum: 0.95, blocks: 10)], dueBy: DriverFixture.at(days: 40))
            ).isEmpty)
    }

    @Test("the answer form is for the assigned reviewer, or any reviewer or lead but the decider while unassigned")
    func mayAnswer() throws {
        let unassigned = try AppealFixture.appeal()
        let other = StaffMember(id: "rev-2", name: "Kim", role: .reviewer)
        let decision = AppealFixture.decision
        #expect(AppealRules.mayAnswer(unassigned, decision: decision, reviewer: other))
        #expect(!AppealRules.mayAnswer(unassigned, decision: decision, reviewer: DriverFixture.lead))
        let assigned = try AppealRules.assign(DriverFixture.reviewer, to: unassigned, decision: decision)
        #expect(AppealRules.mayAnswer(assigned, decision: decision, reviewer: DriverFixture.reviewer))
        #expect(!AppealRules.mayAnswer(assigned, decision: decision, reviewer: other))
        let agent = StaffMember(id: "agent-1", name: "Al", role: .agent)
        #expect(!AppealRules.mayAnswer(unassigned, decision: decision, reviewer: agent))
    }

    @Test("evidence files open for the driver who filed, the assigned reviewer and leads only")
    func evidenceReaders() throws {
        let appeal = try AppealRules.assign(
            DriverFixture.reviewer, to: try AppealFixture.appeal(), decision: AppealFixture.decision)
        #expect(AppealRules.mayOpenEvidence(of: appeal, id: DriverFixture.driver, role: .driver))
        #expect(!AppealRules.mayOpenEvidence(of: appeal, id: "driver-2", role: .driver))
        #expect(AppealRules.mayOpenEvidence(of: appeal, id: DriverFixture.reviewer.id, role: .reviewer))
        #expect(!AppealRules.mayOpenEvidence(of: appeal, id: "rev-2", role: .reviewer))
        #expect(AppealRules.mayOpenEvidence(of: appeal, id: "any-lead", role: .lead))
        #expect(!AppealRules.mayOpenEvidence(of: appeal, id: "admin-1", role: .admin))
    }
}
