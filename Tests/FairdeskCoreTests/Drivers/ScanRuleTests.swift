import Foundation
import Testing

@testable import FairdeskCore

@Suite("Drivers: scan compliance rule")
struct ScanRuleTests {
    let rule = ScanRule(DriverFixture.policy())  // 50 m, 10 minutes

    func compliant(_ package: PackageDelivery) -> Bool {
        guard case .delivered(let at, _) = package.outcome else { return false }
        return rule.compliantScan(for: package, deliveredAt: at) != nil
    }

    @Test("a scan 40 m from the door counts; one 60 m away with a 5 m fix does not")
    func distance() {
        #expect(compliant(DriverFixture.delivered("a", day: 0, scanAt: DriverFixture.offset(north: 40))))
        #expect(!compliant(DriverFixture.delivered("b", day: 0, scanAt: DriverFixture.offset(north: 60), accuracy: 5)))
    }

    @Test("the phone's reported accuracy widens the fence, but never beyond twice the radius")
    func accuracyCredit() {
        #expect(compliant(DriverFixture.delivered("a", day: 0, scanAt: DriverFixture.offset(east: 60), accuracy: 15)))
        #expect(
            !compliant(DriverFixture.delivered("b", day: 0, scanAt: DriverFixture.offset(east: 120), accuracy: 500)))
        #expect(compliant(DriverFixture.delivered("c", day: 0, scanAt: DriverFixture.offset(east: 99), accuracy: 500)))
    }

    @Test("a scan at the door 20 minutes after the recorded delivery does not count; 9 minutes does")
    func time() {
        var late = DriverFixture.delivered("a", day: 0)
        late.scans[0].time = late.scans[0].time.addingTimeInterval(20 * 60)
        #expect(!compliant(late))
        var close = DriverFixture.delivered("b", day: 0)
        close.scans[0].time = close.scans[0].time.addingTimeInterval(-9 * 60)
        #expect(compliant(close))
    }

    @Test("an address with its own radius (a large site) uses it instead of the policy's")
    func ownRadius() {
        var site = DriverFixture.delivered("a", day: 0, scanAt: DriverFixture.offset(north: 150))
        #expect(!compliant(site))
        site.geofenceRadiusMetres = 200
        #expect(compliant(site))
    }

    @Test("the rule is written out with the policy's numbers")
    func words() {
        #expect(rule.text.contains("within 50 m of the address"))
        #expect(rule.text.contains("within 10 minutes of the recorded delivery time"))
        let wider = ScanRule(DriverFixture.policy(["geofence_radius_m": .number(80)]))
        #expect(wider.text.contains("within 80 m"))
    }
}
