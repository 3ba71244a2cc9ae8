import Foundation
import Testing

@testable import FairdeskCore

@Suite("Drivers: distances and directions")
struct GeoPointTests {
    @Test("Berlin to Paris is about 878 km by the haversine formula")
    func longDistance() {
        // setup
        let berlin = GeoPoint(latitude: 52.5200, longitude: 13.4050)
        let paris = GeoPoint(latitude: 48.8566, longitude: 2.3522)
        // MUT
        let distance = berlin.distance(to: paris)
        // validate
        #expect((875_000...880_000).contains(distance))
        #expect(abs(paris.distance(to: berlin) - distance) < 0.001)
        #expect(berlin.distance(to: berlin) == 0)
    }

    @Test("a point 100 m north is 100 m away at a bearing of 0°, one 100 m east at 90°")
    func shortDistanceAndBearing() {
        let north = DriverFixture.offset(north: 100)
        let east = DriverFixture.offset(east: 100)
        #expect(abs(DriverFixture.door.distance(to: north) - 100) < 0.5)
        #expect(abs(DriverFixture.door.distance(to: east) - 100) < 0.5)
        #expect(abs(DriverFixture.door.bearing(to: north)) < 0.5)
        #expect(abs(DriverFixture.door.bearing(to: east) - 90) < 0.5)
        #expect(abs(DriverFixture.door.bearing(to: DriverFixture.offset(north: -50, east: -50)) - 225) < 0.5)
    }

    @Test("bearings are named by the nearest of eight compass points")
    func compassWords() {
        #expect(CompassDirection(bearing: 350) == .north)
        #expect(CompassDirection(bearing: 22.4) == .north)
        #expect(CompassDirection(bearing: 22.5) == .northEast)
        #expect(CompassDirection(bearing: 200) == .south)
        #expect(CompassDirection(bearing: 247) == .southWest)
        #expect(CompassDirection(bearing: -45) == .northWest)
        #expect(CompassDirection.southEast.words == "south-east")
    }

    @Test("coordinates off the Earth are not valid positions")
    func validity() {
        #expect(DriverFixture.door.isValid)
        #expect(!GeoPoint(latitude: 91, longitude: 0).isValid)
        #expect(!GeoPoint(latitude: 0, longitude: -181).isValid)
        #expect(!GeoPoint(latitude: .nan, longitude: 0).isValid)
    }
}
