import Foundation

/// Judges a customer's "delivered but not received" claim on the delivery evidence, and checks the
/// person's finding that settles it. A claim is never a strike: only a finding against the driver
/// that a lead or reviewer records counts toward their metrics (completion).
///
/// The proposed finding, on three pieces of evidence:
/// - **place and time of the scan**: a scan passes `ScanRule` (within the geofence plus the
///   phone's accuracy, and within the tolerance of the recorded delivery time);
/// - **window**: the delivery was recorded inside the window promised to the customer;
/// - **photo**: a delivery photo was taken.
///
/// - **driver not at fault** when all three hold;
/// - **against the driver** when no scan was ever within the geofence of the address and there is
///   no photo: nothing shows the driver delivered there;
/// - **inconclusive** otherwise (a scan at the door without a photo, a photo but no scan near the
///   address, a scan at the address at another time, a delivery outside the window): a person weighs it.
public enum DisputeRules {
    /// Who may open a claim on a customer's behalf: the people who talk to customers.
    public static let claimantRoles: Set<Role> = [.agent, .lead, .admin]
    /// Who may record a finding: a named lead or reviewer.
    public static let deciderRoles: Set<Role> = [.lead, .reviewer]
    /// The longest account or reason, in characters.
    public static let maximumText = 5000

    /// Checks a claim on `package` made by `claimant` with the customer's `account`, and proposes a
    /// finding on the evidence under `rule`. Refused naming `packageId` when the package was not
    /// recorded as delivered (there is nothing to dispute), `account` when it is empty or too long,
    /// and `claimedBy` when the claimant may not open one.
    public static func open(
        _ package: PackageDelivery, account: String, claimant: StaffMember, rule: ScanRule
    ) throws(ValidationFailure) -> DisputeAssessment {
        var checks = Checks()
        checks.text(account, field: "account", max: maximumText)
        if !claimantRoles.contains(claimant.role) {
            checks.add("claimedBy", "must be an agent, lead or admin (got \(claimant.role.rawValue))")
        }
        var assessment: DisputeAssessment?
        switch package.outcome {
        case .delivered?:
            assessment = assess(package, rule: rule)
        case .undeliverable(_, let reason)?:
            checks.add(
                "packageId",
                "must be a package recorded as delivered (\(package.id) was not delivered: \(reason.words))")
        case .returned?:
            checks.add("packageId", "must be a package recorded as delivered (\(package.id) was returned to the depot)")
        case nil:
            checks.add("packageId", "must be a package recorded as delivered (\(package.id) is still out)")
        }
        try checks.finish()
        guard let assessment else { throw ValidationFailure(field: "packageId", rule: "must be delivered") }
        return assessment
    }

    /// The proposed finding for a delivered package; nil for one not recorded as delivered.
    public static func assess(_ package: PackageDelivery, rule: ScanRule) -> DisputeAssessment? {
        guard case .delivered(let at, let photoID)? = package.outcome else { return nil }
        let radius = rule.radius(for: package)
        let compared = ScanComparison.scans(of: package, rule: rule).map { scan, comparison in
            (scan: scan, comparison: comparison, near: abs(scan.time.timeIntervalSince(at)) <= rule.toleranceSeconds)
        }
        func closest(_ list: [(scan: ScanEvent, comparison: ScanComparison, near: Bool)]) -> (
            scan: ScanEvent, comparison: ScanComparison, near: Bool
        )? {
            list.min { $0.comparison.distanceMetres < $1.comparison.distanceMetres }
        }
        let atDoor = rule.compliantScan(for: package, deliveredAt: at)
        let chosen =
            compared.first { $0.scan.id == atDoor?.id && $0.scan.time == atDoor?.time }
            ?? closest(compared.filter(\.near)) ?? closest(compared)
        let evidence = DisputeEvidence(
            deliveredAt: at, window: package.window, radiusMetres: radius, toleranceSeconds: rule.toleranceSeconds,
            scan: chosen.map {
                DisputeEvidence.Scan(
                    id: $0.scan.id, time: $0.scan.time, distanceMetres: $0.comparison.distanceMetres,
                    accuracyMetres: $0.scan.accuracyMetres, withinGeofence: $0.comparison.withinGeofence,
                    nearDeliveryTime: $0.near, words: $0.comparison.words)
            }, scanAtDoor: atDoor != nil, inWindow: at >= package.window.start && at <= package.window.end,
            photoID: photoID)
        let everAtAddress = compared.contains { $0.comparison.withinGeofence }
        let finding: DisputeFinding
        if evidence.scanAtDoor && evidence.inWindow && photoID != nil {
            finding = .driverNotAtFault
        } else if !everAtAddress && photoID == nil {
            finding = .againstDriver
        } else {
            finding = .inconclusive
        }
        return DisputeAssessment(
            finding: finding, reasons: reasons(evidence, finding: finding, scans: compared.count), evidence: evidence)
    }

    /// One sentence each on the scan, the time and the photo, then the conclusion.
    static func reasons(_ evidence: DisputeEvidence, finding: DisputeFinding, scans: Int) -> [String] {
        let tolerance = DriverText.duration(evidence.toleranceSeconds)
        let fence = "the \(DriverText.distance(evidence.radiusMetres)) geofence"
        var place: String
        switch evidence.scan {
        case nil:
            place =
                "No scan was recorded for this package, so nothing places the driver within \(fence) of the address."
        case let scan? where evidence.scanAtDoor:
            place =
                "The delivery scan at \(DriverText.instant(scan.time)) was \(scan.words), "
                + "\(DriverText.duration(scan.time.timeIntervalSince(evidence.deliveredAt))) from the recorded "
                + "delivery time."
        case let scan? where scan.nearDeliveryTime:
            place =
                "No scan within \(tolerance) of the recorded delivery was within \(fence); the closest, at "
                + "\(DriverText.instant(scan.time)), was \(scan.words)."
        case let scan?:
            let side = scan.time < evidence.deliveredAt ? "before" : "after"
            place =
                "No scan was made within \(tolerance) of the recorded delivery; the closest of the "
                + "\(DriverText.count(scans, "scan")), at \(DriverText.instant(scan.time)) "
                + "(\(DriverText.duration(scan.time.timeIntervalSince(evidence.deliveredAt))) \(side) it), was "
                + "\(scan.words)."
        }
        let time =
            "Recorded as delivered at \(DriverText.instant(evidence.deliveredAt)): \(evidence.timing)"
            + " (window \(DriverText.instant(evidence.window.start)) to \(DriverText.instant(evidence.window.end)))."
        let photo =
            evidence.photoID.map { "A delivery photo was taken (\($0))." } ?? "No delivery photo was taken."
        let conclusion: String
        switch finding {
        case .driverNotAtFault:
            conclusion =
                "Proposed finding: driver not at fault. The scan puts the driver at the door at the time of "
                + "delivery, within the window, and a photo was taken."
        case .againstDriver:
            conclusion =
                "Proposed finding: against the driver. No scan was ever within \(fence) of the address and no "
                + "photo was taken: nothing shows a delivery there. It counts only if a lead or reviewer records it."
        case .inconclusive:
            var missing: [String] = []
            if !evidence.scanAtDoor { missing.append("no scan at the door at the time of delivery") }
            if !evidence.inWindow { missing.append("a delivery outside the window") }
            if evidence.photoID == nil { missing.append("no photo") }
            conclusion =
                "Proposed finding: inconclusive. The evidence is mixed (" + missing.joined(separator: ", ")
                + "), so a lead or reviewer weighs it."
        }
        return [place, time, photo, conclusion]
    }

    /// Checks `decider`'s finding on `dispute`: a lead or reviewer, by name, not the person who opened
    /// the claim for the customer, with a reason of at most `maximumText` characters, on a dispute not
    /// already decided. Refused naming `finding`,
    /// `reason` or `decidedBy`.
    public static func decide(
        _ dispute: DeliveryDispute, finding: DisputeFinding?, reason: String, decider: StaffMember, at now: Date
    ) throws(ValidationFailure) -> DisputeDecision {
        var checks = Checks()
        if finding == nil { checks.add("finding", "is required") }
        let reason = checks.text(reason, field: "reason", max: maximumText)
        if !deciderRoles.contains(decider.role) {
            checks.add("decidedBy", "must be a lead or reviewer (got \(decider.role.rawValue))")
        }
        if decider.name.trimmingCharacters(in: .whitespaces).isEmpty {
            checks.add("decidedBy", "must name the person deciding")
        }
        if let claimant = dispute.claimant, claimant.id == decider.id {
            checks.add(
                "decidedBy",
                "must not be the person who opened the claim for the customer (\(claimant.name)); another lead or "
                    + "reviewer records the finding")
        }
        if let decided = dispute.decision {
            checks.add(
                "finding",
                "was already recorded by \(decided.decidedBy.name) on \(DriverText.instant(decided.decidedAt))")
        }
        try checks.finish()
        guard let finding, let reason else { throw ValidationFailure(field: "finding", rule: "is required") }
        return DisputeDecision(finding: finding, reason: reason, decidedBy: decider, decidedAt: now)
    }
}
