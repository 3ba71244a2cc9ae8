import Foundation

@testable import FairdeskCore

/// A driver's week of work, built in a few words so each test shows only what it is about.
enum DriverFixture {
    /// Monday 4 May 2026, 00:00 UTC: every fixture time is counted from here.
    static let monday = Date(timeIntervalSince1970: 1_777_852_800)
    static let driver = "driver-1"
    /// A front door in Berlin.
    static let door = GeoPoint(latitude: 52.520_008, longitude: 13.404_954)
    static let lead = StaffMember(id: "lead-1", name: "Dana Lee", role: .lead)
    static let reviewer = StaffMember(id: "rev-1", name: "Sam Okafor", role: .reviewer)

    /// `days` days and `hours` hours after Monday 00:00.
    static func at(days: Double = 0, hours: Double = 0) -> Date {
        monday.addingTimeInterval(days * 86_400 + hours * 3600)
    }

    /// A point `metres` north and `east` metres east of the door (flat-earth offset, fine at this scale).
    static func offset(north: Double = 0, east: Double = 0) -> GeoPoint {
        let metresPerDegree = GeoPoint.earthRadiusMetres * .pi / 180
        return GeoPoint(
            latitude: door.latitude + north / metresPerDegree,
            longitude: door.longitude + east / (metresPerDegree * cos(door.latitude * .pi / 180)))
    }

    /// A block on day `day` (09:00 to 17:00), worked on time unless `status` says otherwise.
    static func block(_ id: String, day: Double, status: BlockStatus = .accepted) -> DeliveryBlock {
        DeliveryBlock(
            id: id, driverID: driver, scheduledStart: at(days: day, hours: 9), scheduledEnd: at(days: day, hours: 17),
            status: status)
    }

    /// A package promised on day `day` between 10:00 and 12:00, delivered `lateMinutes` after the
    /// window closes (negative: before), with one scan at the door at delivery time unless `scanAt`
    /// moves it.
    static func delivered(
        _ id: String, day: Double, block: String = "b", lateMinutes: Double = -30, scanAt: GeoPoint? = nil,
        accuracy: Double = 5
    ) -> PackageDelivery {
        let windowEnd = at(days: day, hours: 12)
        let deliveredAt = windowEnd.addingTimeInterval(lateMinutes * 60)
        return PackageDelivery(
            id: id, driverID: driver, blockID: block, address: door,
            window: DateInterval(start: at(days: day, hours: 10), end: windowEnd),
            scans: [ScanEvent(id: "\(id)-scan", time: deliveredAt, position: scanAt ?? door, accuracyMetres: accuracy)],
            outcome: .delivered(at: deliveredAt, photoID: nil))
    }

    /// A package on day `day` with the given outcome and no scans.
    static func package(_ id: String, day: Double, block: String = "b", outcome: DeliveryOutcome?) -> PackageDelivery {
        PackageDelivery(
            id: id, driverID: driver, blockID: block, address: door,
            window: DateInterval(start: at(days: day, hours: 10), end: at(days: day, hours: 12)), outcome: outcome)
    }

    /// `count` on-time, well-scanned deliveries on day `day`, ids "\(prefix)1"…
    static func goodDeliveries(_ count: Int, day: Double, prefix: String = "p", block: String = "b")
        -> [PackageDelivery]
    {
        (1...max(count, 1)).prefix(count).map { delivered("\(prefix)\($0)", day: day, block: block) }
    }

    /// The suggested policy with `changes`.
    static func policy(_ changes: PolicyParameters = [:], version: Int? = 3) -> DriverPolicy {
        DriverPolicy(ParameterSchema.forKind(.driverStanding).suggested.merging(changes) { $1 }, version: version)
    }
}
