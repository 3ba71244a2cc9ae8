import Foundation
import Testing

@testable import FairdeskCore

@Suite("Drivers: disputed deliveries")
struct DisputeRulesTests {
    let rule = ScanRule(DriverFixture.policy())  // 50 m, 10 minutes
    let agent = StaffMember(id: "agent-1", name: "Alex Agent", role: .agent)

    /// Delivered at 11:30 in the 10:00–12:00 window, scanned at the door then, with `photo`.
    func package(
        photo: String? = "ph-1", scanAt: GeoPoint? = nil, accuracy: Double = 5, lateMinutes: Double = -30
    ) -> PackageDelivery {
        var package = DriverFixture.delivered(
            "p1", day: 0, lateMinutes: lateMinutes, scanAt: scanAt, accuracy: accuracy)
        if case .delivered(let at, _)? = package.outcome { package.outcome = .delivered(at: at, photoID: photo) }
        return package
    }

    func assess(_ package: PackageDelivery) throws -> DisputeAssessment {
        try #require(DisputeRules.assess(package, rule: rule))
    }

    @Test("a scan at the door at delivery time, in the window, with a photo: driver not at fault, reasons in words")
    func notAtFault() throws {
        let result = try assess(package())
        #expect(result.finding == .driverNotAtFault)
        #expect(
            result.reasons == [
                "The delivery scan at 2026-05-04 11:30 UTC was at the address (±5 m), within the 50 m geofence, "
                    + "0 min from the recorded delivery time.",
                "Recorded as delivered at 2026-05-04 11:30 UTC: in the window, 1 h 30 min after it opened "
                    + "(window 2026-05-04 10:00 UTC to 2026-05-04 12:00 UTC).",
                "A delivery photo was taken (ph-1).",
                "Proposed finding: driver not at fault. The scan puts the driver at the door at the time of delivery, "
                    + "within the window, and a photo was taken.",
            ])
        #expect(result.evidence.scanAtDoor && result.evidence.inWindow)
        #expect(result.evidence.scan?.distanceMetres ?? 99 < 1)
    }

    @Test("the only scan 1.2 km away and no photo: against the driver, naming the distance")
    func farAway() throws {
        let result = try assess(package(photo: nil, scanAt: DriverFixture.offset(north: 1200)))
        #expect(result.finding == .againstDriver)
        #expect(
            result.reasons[0]
                == "No scan within 10 min of the recorded delivery was within the 50 m geofence; the closest, at "
                + "2026-05-04 11:30 UTC, was 1.2 km north of the address (±5 m), outside the 50 m geofence.")
        #expect(result.reasons[2] == "No delivery photo was taken.")
        #expect(result.reasons[3].hasPrefix("Proposed finding: against the driver."))
        #expect(result.evidence.scan.map { Int($0.distanceMetres.rounded()) } == 1200)
    }

    @Test("no scan at all and no photo: against the driver")
    func noScans() throws {
        var bare = package(photo: nil)
        bare.scans = []
        let result = try assess(bare)
        #expect(result.finding == .againstDriver)
        #expect(result.evidence.scan == nil)
        #expect(
            result.reasons[0]
                == "No scan was recorded for this package, so nothing places the driver within the 50 m geofence of "
                + "the address.")
    }

    @Test("mixed evidence is inconclusive and says what is missing")
    func mixed() throws {
        // At the door, but no photo.
        let noPhoto = try assess(package(photo: nil))
        #expect(noPhoto.finding == .inconclusive)
        #expect(
            noPhoto.reasons[3] == "Proposed finding: inconclusive. The evidence is mixed (no photo), so a lead or "
                + "reviewer weighs it.")
        // At the door with a photo, but 45 minutes after the window closed.
        let late = try assess(package(lateMinutes: 45))
        #expect(late.finding == .inconclusive)
        #expect(!late.evidence.inWindow)
        #expect(late.reasons[1].contains("45 min after the window closed"))
        #expect(late.reasons[3].contains("(a delivery outside the window)"))
        // A photo, but the scan 300 m away.
        let photoOnly = try assess(package(scanAt: DriverFixture.offset(east: 300)))
        #expect(photoOnly.finding == .inconclusive)
        #expect(photoOnly.reasons[3].contains("(no scan at the door at the time of delivery)"))
    }

    @Test("a scan at the address two hours before the delivery is no scan at the door, but not nothing either")
    func atAddressAnotherTime() throws {
        var early = package(photo: nil)
        early.scans[0].time = early.scans[0].time.addingTimeInterval(-2 * 3600)
        let result = try assess(early)
        #expect(result.finding == .inconclusive)
        #expect(!result.evidence.scanAtDoor)
        #expect(
            result.reasons[0]
                == "No scan was made within 10 min of the recorded delivery; the closest of the 1 scan, at "
                + "2026-05-04 09:30 UTC (2 h before it), was at the address (±5 m), within the 50 m geofence.")
    }

    @Test("the geofence is the scan-compliance rule's: the phone's accuracy is credited")
    func accuracyCredit() throws {
        // 60 m away is outside 50 m, but a ±15 m fix may have been 45 m away.
        let result = try assess(package(scanAt: DriverFixture.offset(north: 60), accuracy: 15))
        #expect(result.finding == .driverNotAtFault)
        #expect(result.reasons[0].contains("60 m north of the address (±15 m), within the 50 m geofence"))
    }

    @Test("only a delivered package can be claimed, with the customer's account, by someone who talks to customers")
    func openRefusals() {
        let returned = DriverFixture.package("p2", day: 0, outcome: .returned(at: DriverFixture.at(hours: 13)))
        #expect(throws: ValidationFailure.self) {
            try DisputeRules.open(returned, account: "Never came", claimant: agent, rule: rule)
        }
        do {
            _ = try DisputeRules.open(
                returned, account: "  ", claimant: StaffMember(id: "d", name: "Dee", role: .driver), rule: rule)
            Issue.record("accepted")
        } catch {
            #expect(error.problems.map(\.field) == ["account", "claimedBy", "packageId"])
            #expect(error.problems[2].rule == "must be a package recorded as delivered (p2 was returned to the depot)")
        }
        let out = DriverFixture.package("p3", day: 0, outcome: nil)
        #expect(
            throws: ValidationFailure(
                field: "packageId", rule: "must be a package recorded as delivered (p3 is still out)")
        ) {
            try DisputeRules.open(out, account: "Where is it?", claimant: agent, rule: rule)
        }
        #expect(
            (try? DisputeRules.open(package(), account: "Not on the step", claimant: agent, rule: rule))?.finding
                == .driverNotAtFault)
    }

    @Test("a finding needs a lead or reviewer by name, a reason, and a dispute not yet decided")
    func decide() throws {
        let assessment = try assess(package(photo: nil, scanAt: DriverFixture.offset(north: 1200)))
        var dispute = DeliveryDispute(
            id: "d1", driverID: DriverFixture.driver, packageID: "p1", openedAt: DriverFixture.at(days: 1),
            proposed: assessment)
        let now = DriverFixture.at(days: 2)
        do {
            _ = try DisputeRules.decide(dispute, finding: nil, reason: " ", decider: agent, at: now)
            Issue.record("accepted")
        } catch {
            #expect(error.problems.map(\.field) == ["finding", "reason", "decidedBy"])
        }
        let decision = try DisputeRules.decide(
            dispute, finding: .againstDriver, reason: "Scan 1.2 km away; the driver's own trace agrees.",
            decider: DriverFixture.lead, at: now)
        #expect(decision.decidedBy == DriverFixture.lead && decision.decidedAt == now)
        #expect(!dispute.countsAgainstDriver)
        dispute.decision = decision
        #expect(dispute.countsAgainstDriver)
        #expect(throws: ValidationFailure.self) {
            try DisputeRules.decide(
                dispute, finding: .driverNotAtFault, reason: "Again", decider: DriverFixture.reviewer, at: now)
        }
        // The lead who opened the claim for the customer does not judge it.
        let opened = DeliveryDispute(
            id: "d2", driverID: DriverFixture.driver, packageID: "p2", openedAt: now, claimant: DriverFixture.lead,
            proposed: assessment)
        #expect(
            throws: ValidationFailure(
                field: "decidedBy",
                rule: "must not be the person who opened the claim for the customer (Dana Lee); another lead or "
                    + "reviewer records the finding")
        ) {
            try DisputeRules.decide(
                opened, finding: .inconclusive, reason: "Mixed", decider: DriverFixture.lead, at: now)
        }
        #expect(
            (try? DisputeRules.decide(
                opened, finding: .inconclusive, reason: "Mixed", decider: DriverFixture.reviewer, at: now)) != nil)
    }

    @Test("completion counts a delivered package against the driver only once a person found against them")
    func standing() throws {
        let policy = DriverFixture.policy()
        let packages = DriverFixture.goodDeliveries(4, day: 1)
        let proposed = try assess(package(photo: nil, scanAt: DriverFixture.offset(north: 1200)))
        func dispute(_ id: String, _ package: String, _ finding: DisputeFinding?, driver: String = DriverFixture.driver)
            -> DeliveryDispute
        {
            DeliveryDispute(
                id: id, driverID: driver, packageID: package, openedAt: DriverFixture.at(days: 2), proposed: proposed,
                decision: finding.map {
                    DisputeDecision(
                        finding: $0, reason: "Weighed", decidedBy: DriverFixture.lead,
                        decidedAt: DriverFixture.at(days: 3))
                })
        }
        let disputes = [
            dispute("d1", "p1", nil),  // open: proposed against, never counts
            dispute("d2", "p2", .driverNotAtFault),
            dispute("d3", "p3", .againstDriver),
            dispute("d4", "p4", .againstDriver, driver: "someone-else"),
        ]
        let records = DriverRecords(packages: packages, disputes: disputes)
        let now = DriverFixture.at(days: 5)
        let standing = StandingRules.standing(of: DriverFixture.driver, records: records, policy: policy, now: now)
        let completion = try #require(standing.metrics.first { $0.kind == .completion })
        #expect(completion.counted == ["p1", "p2", "p3", "p4"])
        #expect(completion.against == ["p3"])
        // On-time and scan compliance judge the recorded attempt, which the finding does not change.
        #expect(standing.metrics.first { $0.kind == .onTime }?.against == [])
        #expect(standing.metrics.first { $0.kind == .scanCompliance }?.against == [])

        // An excuse still leaves the package out, finding or not.
        let excused = DriverRecords(
            packages: packages,
            excuses: [
                Excuse(
                    recordID: "p3", code: .weather, source: .lead(DriverFixture.lead), reason: "Storm",
                    appliedAt: DriverFixture.at(days: 4))
            ], disputes: disputes)
        let again = StandingRules.standing(of: DriverFixture.driver, records: excused, policy: policy, now: now)
        #expect(again.metrics.first { $0.kind == .completion }?.against == [])
    }
}
