import Foundation
import Testing

@testable import FairdeskCore

@Suite("Appeals: conditions of a reinstatement, tracked to the end")
struct RequirementEvaluatorTests {
    let since = DriverFixture.at(days: 30)
    let dueBy = DriverFixture.at(days: 60)
    let training = ReinstatementRequirement.trainingModule(id: "safe-handover", title: "Safe handover")
    let onTime = ReinstatementRequirement.onTimeRate(minimum: 0.9, blocks: 3)

    func evaluate(
        _ requirements: [ReinstatementRequirement], completed: Set<String> = [], records: DriverRecords = .init(),
        now: Date
    ) -> [RequirementProgress] {
        RequirementEvaluator.evaluate(
            requirements, driverID: DriverFixture.driver, since: since, dueBy: dueBy, completedModules: completed,
            records: records, now: now)
    }

    /// Worked blocks on `days`, each with 10 deliveries of which `late` are late.
    func worked(days: [Double], late: Int = 0) -> DriverRecords {
        var records = DriverRecords()
        for day in days {
            let block = "b\(Int(day))"
            records.blocks.append(DriverFixture.block(block, day: day))
            records.packages += (1...10).map {
                DriverFixture.delivered("\(block)-p\($0)", day: day, block: block, lateMinutes: $0 <= late ? 30 : -30)
            }
        }
        return records
    }

    @Test("a training module is open until done, met when done, and back to review if the due date passes")
    func trainingModule() {
        #expect(evaluate([training], now: DriverFixture.at(days: 40))[0].status == .open)
        #expect(evaluate([training], completed: ["safe-handover"], now: DriverFixture.at(days: 40))[0].status == .met)
        let missed = evaluate([training], now: DriverFixture.at(days: 61))[0]
        #expect(missed.status == .failedBackToReview)
        #expect(missed.note == "\"Safe handover\" not completed by 2026-07-03 00:00 UTC")
    }

    @Test("on-time over the next 3 blocks stays open after 2 blocks, and blocks before reinstatement do not count")
    func openUntilEnoughBlocks() {
        let records = worked(days: [25, 26, 31, 32])
        let progress = evaluate([onTime], records: records, now: DriverFixture.at(days: 33))[0]
        #expect(progress.status == .open)
        #expect(progress.note == "2 of 3 worked blocks so far")
        #expect(progress.evidence == ["b31", "b32"])
    }

    @Test("three blocks at 90% on time meet the condition; at 80% the case goes back to review with the late ones")
    func judgedAfterEnoughBlocks() {
        let met = evaluate([onTime], records: worked(days: [31, 32, 33], late: 1), now: DriverFixture.at(days: 34))[0]
        #expect(met.status == .met)
        #expect(met.note == "on-time 90% (27 of 30) over 3 worked blocks, 90% needed")
        let failed = evaluate([onTime], records: worked(days: [31, 32, 33], late: 2), now: DriverFixture.at(days: 34))[
            0]
        #expect(failed.status == .failedBackToReview)
        #expect(failed.evidence.contains("b31-p1"))
        #expect(failed.evidence.contains("b33-p2"))
        #expect(!failed.evidence.contains("b33-p3"))
    }

    @Test("a missed block is noted but does not count towards the blocks, nor as on time")
    func missedBlocksNoted() {
        var records = worked(days: [31, 33])
        records.blocks.append(DriverFixture.block("b32", day: 32, status: .missed))
        let progress = evaluate([onTime], records: records, now: DriverFixture.at(days: 34))[0]
        #expect(progress.status == .open)
        #expect(progress.note == "2 of 3 worked blocks so far; 1 missed block noted")
    }

    @Test("the reinstatement closes only when every requirement is met, and fails back if any fails")
    func overall() {
        let records = worked(days: [31, 32, 33])
        let now = DriverFixture.at(days: 34)
        #expect(RequirementEvaluator.overall(evaluate([training, onTime], records: records, now: now)) == .open)
        #expect(
            RequirementEvaluator.overall(
                evaluate([training, onTime], completed: ["safe-handover"], records: records, now: now)) == .met)
        let late = worked(days: [31, 32, 33], late: 5)
        #expect(
            RequirementEvaluator.overall(
                evaluate([training, onTime], completed: ["safe-handover"], records: late, now: now))
                == .failedBackToReview)
    }

    @Test("past the date with blocks still to work, a person reviews it; the requirement itself is not failed")
    func pastTheDate() {
        let done: Set<String> = ["safe-handover"]
        let records = worked(days: [31, 32])
        let before = evaluate([training, onTime], completed: done, records: records, now: DriverFixture.at(days: 59))
        #expect(RequirementEvaluator.verdict(before, dueBy: dueBy, now: DriverFixture.at(days: 59)) == .open)
        let after = evaluate([training, onTime], completed: done, records: records, now: DriverFixture.at(days: 61))
        #expect(after.map(\.status) == [.met, .open])
        #expect(
            RequirementEvaluator.verdict(after, dueBy: dueBy, now: DriverFixture.at(days: 61)) == .failedBackToReview)
        let why = RequirementEvaluator.summary(after, dueBy: dueBy, now: DriverFixture.at(days: 61))
        #expect(why.hasPrefix("the date to meet the requirements (2026-07-03 00:00 UTC) passed with an on-time rate"))
        #expect(why.contains("2 of 3 worked blocks so far") && why.hasSuffix("not a failing in itself"))
        let met = evaluate([onTime], records: worked(days: [31, 32, 33]), now: DriverFixture.at(days: 61))
        #expect(RequirementEvaluator.verdict(met, dueBy: dueBy, now: DriverFixture.at(days: 61)) == .met)
    }

    @Test("requirements read as the driver will see them")
    func words() {
        #expect(training.words == "complete the training module \"Safe handover\"")
        #expect(onTime.words == "an on-time rate of at least 90% over the next 3 worked blocks")
    }
}
