import Foundation

/// What one record contributes to a standing, worked out once, when the record is stored, so that
/// the database can add records up without reading them back into Swift.
///
/// Every fact here is the record's own: it does not depend on the policy, on excuses or on disputes.
/// Those are applied when counting (`StandingRules` is the rule; the store's counting SQL follows it
/// fact by fact, and the tests hold the two equal). The scan rule's radius and tolerance come from
/// the policy, so a scan is kept as the numbers the rule compares (`ScanFacts`), not as a verdict.
public struct PackageFacts: Sendable, Equatable {
    /// The day the package is placed in: that of the start of its delivery window.
    public var day: Int
    /// It has an outcome; a package still out counts nowhere yet.
    public var finished: Bool
    /// A delivery attempt was made (delivered or undeliverable): on-time counts it.
    public var attempted: Bool
    /// The attempt came after the promised window closed.
    public var late: Bool
    /// Completion counts it: delivered, returned, or undeliverable for the driver's own reason.
    public var completionCounted: Bool
    /// Completion counts it against the driver before any dispute: returned, or undeliverable for
    /// the driver's own reason. (Delivered counts against only on a finding, applied when counting.)
    public var completionAgainst: Bool
    /// Delivered: scan compliance counts it.
    public var delivered: Bool
    /// The one scan that decides compliance under any radius and tolerance, when one does: nil
    /// when there are no scans, or when `scansMixed`.
    public var scan: ScanFacts?
    /// More than one scan, none at least as good as every other on time, distance and accuracy:
    /// which one counts depends on the policy's numbers, so every scan is kept (`scanFacts`).
    public var scansMixed: Bool
    /// Every scan's numbers, for a mixed package; empty otherwise.
    public var scanFacts: [ScanFacts]

    /// The facts of `package`.
    public init(_ package: PackageDelivery) {
        day = StandingCounters.day(of: package.window.start)
        let outcome = package.outcome
        finished = outcome != nil
        attempted = outcome?.attemptedAt != nil
        late = outcome?.attemptedAt.map { $0 > package.window.end } ?? false
        delivered = false
        completionCounted = false
        completionAgainst = false
        scan = nil
        scansMixed = false
        scanFacts = []
        switch outcome {
        case .delivered(let at, _):
            delivered = true
            completionCounted = true
            let all = package.scans.map { ScanFacts($0, of: package, deliveredAt: at) }
            if let best = ScanFacts.deciding(all) {
                scan = best
            } else if !all.isEmpty {
                scansMixed = true
                scanFacts = all
            }
        case .undeliverable(_, let reason):
            completionCounted = !reason.isOutsideDriversControl
            completionAgainst = completionCounted
        case .returned:
            completionCounted = true
            completionAgainst = true
        case nil:
            break
        }
    }
}

/// A scan as the scan rule compares it: how far from the delivery time, how far from the door, and
/// how much of the phone's accuracy may be credited (`ScanRule.credit`).
public struct ScanFacts: Sendable, Equatable {
    /// Seconds between the scan and the recorded delivery, either way.
    public var seconds: Double
    /// Metres from the scan to the address.
    public var distanceMetres: Double
    /// The accuracy the rule may credit before its cap at the radius.
    public var creditMetres: Double

    /// The numbers of `scan` for `package`, delivered at `deliveredAt`.
    public init(_ scan: ScanEvent, of package: PackageDelivery, deliveredAt: Date) {
        seconds = abs(scan.time.timeIntervalSince(deliveredAt))
        distanceMetres = scan.position.distance(to: package.address)
        creditMetres = ScanRule.credit(accuracy: scan.accuracyMetres)
    }

    /// Numbers as stored.
    public init(seconds: Double, distanceMetres: Double, creditMetres: Double) {
        self.seconds = seconds
        self.distanceMetres = distanceMetres
        self.creditMetres = creditMetres
    }

    /// Whether this scan counts under a tolerance and a radius: the same comparison as
    /// `ScanRule.compliantScan`, on the stored numbers.
    public func counts(toleranceSeconds: Double, radius: Double) -> Bool {
        seconds <= toleranceSeconds
            && ScanRule.isWithinGeofence(distance: distanceMetres, radius: radius, credit: creditMetres)
    }

    /// Whether this scan counts whenever `other` does, whatever the policy's numbers: no later,
    /// no farther, and at least as much accuracy to credit.
    public func isAtLeastAsGood(as other: ScanFacts) -> Bool {
        seconds <= other.seconds && distanceMetres <= other.distanceMetres && creditMetres >= other.creditMetres
    }

    /// The scan of `all` that is at least as good as every other, if there is one.
    public static func deciding(_ all: [ScanFacts]) -> ScanFacts? {
        all.first { candidate in all.allSatisfy { candidate.isAtLeastAsGood(as: $0) } }
    }
}

/// What a block contributes: its day (that of its scheduled start) and whether it counts as missed.
public struct BlockFacts: Sendable, Equatable {
    public var day: Int
    public var missed: Bool

    /// The facts of `block`.
    public init(_ block: DeliveryBlock) {
        day = StandingCounters.day(of: block.scheduledStart)
        missed = block.status.countsAsMissed
    }
}

/// What feedback contributes: its day (that it came) and whether it is negative.
public struct FeedbackFacts: Sendable, Equatable {
    public var day: Int
    public var negative: Bool

    /// The facts of `feedback`.
    public init(_ feedback: CustomerFeedback) {
        day = StandingCounters.day(of: feedback.receivedAt)
        negative = feedback.sentiment == .negative
    }
}
