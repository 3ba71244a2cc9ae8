import Foundation
import Testing

@testable import FairdeskCore

@Suite("Appeals: scan positions against the address, without a map")
struct ScanComparisonTests {
    @Test("a scan 27 m north and 27 m east of the door reads as 38 m north-east, outside a 30 m fence")
    func northEast() {
        let comparison = ScanComparison(
            DriverFixture.offset(north: 27, east: 27), accuracyMetres: 5, address: DriverFixture.door, radiusMetres: 30)
        #expect(comparison.offset == "38 m north-east")
        #expect(comparison.words == "38 m north-east of the address (±5 m), outside the 30 m geofence")
        #expect(!comparison.withinGeofence)
    }

    @Test("the comparison agrees with scan compliance: a 12 m fix brings the same scan inside the fence")
    func sameRuleAsCompliance() {
        let comparison = ScanComparison(
            DriverFixture.offset(north: 27, east: 27), accuracyMetres: 12, address: DriverFixture.door,
            radiusMetres: 30)
        #expect(comparison.withinGeofence)
        #expect(comparison.words.hasSuffix("within the 30 m geofence"))
    }

    @Test("a scan at the door says so, and one far away is given in kilometres")
    func atDoorAndFar() {
        let door = ScanComparison(
            DriverFixture.door, accuracyMetres: nil, address: DriverFixture.door, radiusMetres: 50)
        #expect(door.words == "at the address, within the 50 m geofence")
        let far = ScanComparison(
            DriverFixture.offset(east: -1_240), accuracyMetres: nil, address: DriverFixture.door, radiusMetres: 50)
        #expect(far.offset == "1.2 km west")
    }

    @Test("every scan of a package is compared, in time order, with the package's radius")
    func packageScans() {
        var package = DriverFixture.delivered("p1", day: 1, scanAt: DriverFixture.offset(north: -80))
        package.scans.insert(
            ScanEvent(
                id: "early", time: package.scans[0].time.addingTimeInterval(-600), position: DriverFixture.door,
                accuracyMetres: 4), at: 1)
        let compared = ScanComparison.scans(of: package, rule: ScanRule(DriverFixture.policy()))
        #expect(compared.map(\.scan.id) == ["early", "p1-scan"])
        #expect(compared[1].comparison.offset == "80 m south")
        #expect(compared[1].comparison.radiusMetres == 50)
    }

    @Test("the driver's own trace is searched for its closest point to the door around the delivery time")
    func closestApproach() throws {
        let delivery = DriverFixture.at(days: 1, hours: 11.5)
        let trace = [
            TracePoint(time: delivery.addingTimeInterval(-3600), position: DriverFixture.door),
            TracePoint(time: delivery.addingTimeInterval(-120), position: DriverFixture.offset(north: 60)),
            TracePoint(time: delivery.addingTimeInterval(30), position: DriverFixture.offset(north: 12)),
            TracePoint(time: nil, position: DriverFixture.door),
        ]
        let found = try #require(
            ScanComparison.closestApproach(
                of: trace, to: DriverFixture.door, radiusMetres: 50, around: delivery, tolerance: 600))
        #expect(found.point.time == delivery.addingTimeInterval(30))
        #expect(found.comparison.words == "12 m north of the address, within the 50 m geofence")
        #expect(
            ScanComparison.closestApproach(
                of: trace, to: DriverFixture.door, radiusMetres: 50, around: delivery.addingTimeInterval(86_400),
                tolerance: 600) == nil)
    }

    @Test("a time is read against the delivery window: before it opened, in it, or after it closed")
    func timing() {
        let opens = DriverFixture.at(days: 1, hours: 10)
        let window = DateInterval(start: opens, duration: 3600)
        #expect(
            ScanComparison.timing(of: opens.addingTimeInterval(-25 * 60), window: window)
                == "25 min before the window opened")
        #expect(
            ScanComparison.timing(of: opens.addingTimeInterval(600), window: window)
                == "in the window, 10 min after it opened")
        #expect(ScanComparison.timing(of: window.end, window: window) == "in the window, 1 h after it opened")
        #expect(
            ScanComparison.timing(of: window.end.addingTimeInterval(3900), window: window)
                == "1 h 5 min after the window closed")
        #expect(
            ScanComparison.timing(of: window.end.addingTimeInterval(3 * 86_400 + 7200), window: window)
                == "3 days 2 h after the window closed")
    }

    @Test("a package's scans and each trace's closest point are read against the address and the window")
    func deliveryComparison() {
        // setup: delivered at 11:30 in a 10:00–12:00 window, the app's scan 80 m south of the door
        let package = DriverFixture.delivered("p1", day: 1, scanAt: DriverFixture.offset(north: -80))
        let delivery = DriverFixture.at(days: 1, hours: 11.5)
        let trace = [
            TracePoint(time: delivery.addingTimeInterval(-3600), position: DriverFixture.door),
            TracePoint(time: delivery.addingTimeInterval(-60), position: DriverFixture.offset(north: 12)),
        ]
        let lastWeek = [TracePoint(time: delivery.addingTimeInterval(-7 * 86_400), position: DriverFixture.door)]

        // MUT
        let compared = DeliveryComparison.compare(
            package, traces: [("route.gpx", trace), ("old.csv", lastWeek)], rule: ScanRule(DriverFixture.policy()))

        // validate
        #expect(compared.readings.map(\.source) == [.scan(id: "p1-scan"), .trace(name: "route.gpx")])
        #expect(compared.readings.map(\.comparison.offset) == ["80 m south", "12 m north"])
        #expect(compared.readings.map(\.comparison.withinGeofence) == [false, true])
        #expect(
            compared.readings.map(\.timing) == [
                "in the window, 1 h 30 min after it opened", "in the window, 1 h 29 min after it opened",
            ])
        #expect(compared.tracesWithoutPoint == ["old.csv"])
        #expect(compared.searched.hasPrefix("within ") && compared.searched.hasSuffix("at 2026-05-05 11:30 UTC"))
    }
}
