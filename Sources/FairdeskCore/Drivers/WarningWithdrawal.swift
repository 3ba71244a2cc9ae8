import Foundation

/// When a written warning no longer stands: the records it rested on were corrected after it was
/// issued (excused as outside the driver's control, overturned on appeal, or sent again by the depot).
/// A withdrawn warning is kept and shown with its reason, but no action may rest on it.
public enum WarningWithdrawal {
    /// Why a standing warning is withdrawn, if it is: `standingAtIssue` is the standing at the moment
    /// the warning was issued, worked out again from the records as they are now. Only a finding of
    /// At risk bears a standing warning.
    public static func reason(standingWarning standingAtIssue: DriverStanding) -> String? {
        guard standingAtIssue.tier != .atRisk else { return nil }
        let then =
            standingAtIssue.tier.map { "was \($0.title), not At risk" }
            ?? "had too few deliveries left for a tier, so it was not At risk"
        return "The records it rested on were corrected: worked out again with them as they now stand, "
            + "the standing when it was issued \(then)."
    }

    /// Why a violation warning is withdrawn, if it is: every record it relied on has since been left
    /// out (`excused`, by record id). A report relying on no records stands on the account alone.
    public static func reason(violationEvidence evidence: [String], excused: [String: Excuse]) -> String? {
        let relied = Array(Set(evidence)).sorted()
        guard !relied.isEmpty, relied.allSatisfy({ excused[$0] != nil }) else { return nil }
        let how = Set(relied.compactMap { excused[$0]?.code.words }).sorted().joined(separator: ", ")
        return "Every record it relied on (\(relied.joined(separator: ", "))) was since left out (\(how))."
    }
}
