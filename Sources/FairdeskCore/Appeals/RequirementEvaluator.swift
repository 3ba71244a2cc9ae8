import Foundation

/// Says whether a conditionally reinstated driver has met their requirements, from later records.
///
/// A training module is met once completed, and fails when `dueBy` passes without it. An on-time
/// requirement looks at the first N blocks the driver works after reinstatement (finished, not
/// excused; missed blocks are noted but neither count towards N nor count as late) and judges the
/// delivery attempts in them; it stays open until N blocks are worked, even after `dueBy`, because
/// how many blocks a driver is offered is not in their hands.
public enum RequirementEvaluator {
    /// The progress of each requirement at `now`, for a reinstatement at `since`.
    public static func evaluate(
        _ requirements: [ReinstatementRequirement], driverID: String, since: Date, dueBy: Date,
        completedModules: Set<String>, records: DriverRecords, now: Date
    ) -> [RequirementProgress] {
        requirements.map { requirement in
            switch requirement {
            case .trainingModule(let id, let title):
                if completedModules.contains(id) {
                    return RequirementProgress(
                        requirement: requirement, status: .met, note: "\"\(title)\" completed", evidence: [id])
                }
                if now > dueBy {
                    return RequirementProgress(
                        requirement: requirement, status: .failedBackToReview,
                        note: "\"\(title)\" not completed by \(DriverText.instant(dueBy))", evidence: [])
                }
                return RequirementProgress(
                    requirement: requirement, status: .open,
                    note: "\"\(title)\" to be completed by \(DriverText.instant(dueBy))", evidence: [])
            case .onTimeRate(let minimum, let blocks):
                return onTime(
                    requirement, minimum: minimum, blocks: blocks, driverID: driverID, since: since, records: records,
                    now: now)
            }
        }
    }

    /// All requirements together: failed if any failed, met if all are met, otherwise open.
    public static func overall(_ progress: [RequirementProgress]) -> RequirementStatus {
        if progress.contains(where: { $0.status == .failedBackToReview }) { return .failedBackToReview }
        if progress.allSatisfy({ $0.status == .met }) { return .met }
        return .open
    }

    /// Where a conditional reinstatement stands at `now`: met once every requirement is met; back to
    /// review when one failed, or when `dueBy` has passed with one still open. An on-time requirement
    /// short of its blocks is not failed by the date (how many blocks a driver is offered is not in
    /// their hands), but a person must then look at it rather than leave the driver waiting.
    public static func verdict(_ progress: [RequirementProgress], dueBy: Date, now: Date) -> RequirementStatus {
        let status = overall(progress)
        return status == .open && now > dueBy ? .failedBackToReview : status
    }

    /// Why the conditions closed or went back to review, in words for the driver and the audit log:
    /// "every requirement was met: …", or the requirements that failed, or those still open when the
    /// date passed.
    public static func summary(_ progress: [RequirementProgress], dueBy: Date, now: Date) -> String {
        func list(_ status: RequirementStatus) -> String {
            progress.filter { $0.status == status }.map { "\($0.requirement.words): \($0.note)" }
                .joined(separator: "; ")
        }
        switch verdict(progress, dueBy: dueBy, now: now) {
        case .met:
            return "every requirement was met: " + list(.met)
        case .failedBackToReview where progress.contains { $0.status == .failedBackToReview }:
            return "a requirement can no longer be met: " + list(.failedBackToReview)
        case .failedBackToReview:
            return "the date to meet the requirements (\(DriverText.instant(dueBy))) passed with "
                + list(.open) + " still open; that is for a reviewer to weigh, not a failing in itself"
        case .open:
            return "still open: " + list(.open)
        }
    }

    private static func onTime(
        _ requirement: ReinstatementRequirement, minimum: Double, blocks count: Int, driverID: String, since: Date,
        records: DriverRecords, now: Date
    ) -> RequirementProgress {
        let after = records.blocks
            .filter { $0.driverID == driverID && $0.scheduledStart >= since && $0.scheduledEnd <= now }
            .sorted { ($0.scheduledStart, $0.id) < ($1.scheduledStart, $1.id) }
        let missed = after.filter { $0.status.countsAsMissed && records.excuse(forBlock: $0.id) == nil }
        let missedNote = missed.isEmpty ? "" : "; \(DriverText.count(missed.count, "missed block")) noted"
        let worked = after.filter { $0.status.wasWorked && records.excuse(forBlock: $0.id) == nil }.prefix(count)
        let blockIDs = worked.map(\.id)
        guard worked.count == count else {
            return RequirementProgress(
                requirement: requirement, status: .open,
                note: "\(worked.count) of \(DriverText.count(count, "worked block")) so far\(missedNote)",
                evidence: blockIDs)
        }
        let inBlocks = Set(blockIDs)
        var attempted: [String] = []
        var late: [String] = []
        for package in records.packages where inBlocks.contains(package.blockID) && package.driverID == driverID {
            guard let attempt = package.outcome?.attemptedAt, records.excuse(for: package) == nil else { continue }
            attempted.append(package.id)
            if attempt > package.window.end { late.append(package.id) }
        }
        guard !attempted.isEmpty else {
            return RequirementProgress(
                requirement: requirement, status: .met,
                note: "\(DriverText.count(count, "worked block")) with no delivery attempts to judge\(missedNote)",
                evidence: blockIDs)
        }
        let rate = Double(attempted.count - late.count) / Double(attempted.count)
        let note =
            "on-time \(DriverText.percent(rate)) (\(attempted.count - late.count) of \(attempted.count)) over "
            + "\(DriverText.count(count, "worked block")), \(DriverText.percent(minimum)) needed\(missedNote)"
        return RequirementProgress(
            requirement: requirement, status: rate >= minimum ? .met : .failedBackToReview, note: note,
            evidence: blockIDs + (rate >= minimum ? [] : late))
    }
}
