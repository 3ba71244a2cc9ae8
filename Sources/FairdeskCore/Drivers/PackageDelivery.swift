import Foundation

/// One package a driver carried: where it was going, when it was promised, its scans and its outcome.
public struct PackageDelivery: Sendable, Equatable, Codable, Identifiable {
    public var id: String
    public var driverID: String
    /// The block it was carried in; an excuse on the block covers the package too.
    public var blockID: String
    /// The delivery address, geocoded.
    public var address: GeoPoint
    /// The address's own geofence in metres (a large site, a rural drive); nil uses the policy's.
    public var geofenceRadiusMetres: Double?
    /// The window promised to the customer; standing places the package by its start, and a delivery
    /// attempt after its end is late.
    public var window: DateInterval
    public var scans: [ScanEvent]
    /// Nil while the package is still out.
    public var outcome: DeliveryOutcome?

    /// A package as the depot and the driver's app recorded it.
    public init(
        id: String, driverID: String, blockID: String, address: GeoPoint, geofenceRadiusMetres: Double? = nil,
        window: DateInterval, scans: [ScanEvent] = [], outcome: DeliveryOutcome? = nil
    ) {
        self.id = id
        self.driverID = driverID
        self.blockID = blockID
        self.address = address
        self.geofenceRadiusMetres = geofenceRadiusMetres
        self.window = window
        self.scans = scans
        self.outcome = outcome
    }
}
