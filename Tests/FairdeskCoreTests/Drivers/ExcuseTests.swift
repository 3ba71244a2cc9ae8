import Foundation
import Testing

@testable import FairdeskCore

@Suite("Drivers: excuse codes")
struct ExcuseTests {
    let blockStart = DriverFixture.at(days: 1, hours: 9)

    func problems(_ excuse: Excuse) -> [FieldProblem] {
        do {
            try excuse.validate(recordStart: blockStart)
            return []
        } catch {
            return error.problems
        }
    }

    @Test("illness counts only when reported before the block started")
    func illnessInAdvance() {
        var excuse = Excuse(
            recordID: "b", code: .illnessReportedInAdvance, source: .lead(DriverFixture.lead),
            reason: "Called in sick the evening before", appliedAt: blockStart,
            reportedAt: DriverFixture.at(days: 0, hours: 20))
        #expect(problems(excuse).isEmpty)
        excuse.reportedAt = DriverFixture.at(days: 1, hours: 10)
        #expect(
            problems(excuse) == [
                FieldProblem(
                    field: "reportedAt",
                    rule: "must be before the block started (2026-05-05 09:00 UTC) for illness reported in advance")
            ])
        excuse.reportedAt = nil
        #expect(problems(excuse).map(\.field) == ["reportedAt"])
    }

    @Test("an excuse is applied by a lead, reviewer, admin or depot data, always with a reason")
    func whoAndWhy() {
        let agent = StaffMember(id: "a1", name: "Al", role: .agent)
        let byAgent = Excuse(
            recordID: "b", code: .depotDelay, source: .lead(agent), reason: "Late trucks", appliedAt: blockStart)
        #expect(
            problems(byAgent) == [
                FieldProblem(field: "appliedBy", rule: "must be a lead, reviewer, admin or depot data (got agent)")
            ])
        let byFeed = Excuse(
            recordID: "b", code: .appOutage, source: .depotData(feed: "status page"), reason: "  ",
            appliedAt: blockStart)
        #expect(problems(byFeed) == [FieldProblem(field: "reason", rule: "must not be empty")])
        #expect(ExcuseSource.lead(DriverFixture.lead).words == "Dana Lee (lead)")
    }
}
