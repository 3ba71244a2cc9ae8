import Foundation

/// The delivery evidence a claim is judged on, as it stood when the claim was opened: kept with the
/// dispute, so the finding can be read against what it was based on even if the depot later
/// re-sends the package.
public struct DisputeEvidence: Sendable, Equatable, Codable {
    /// When the package was recorded as delivered.
    public var deliveredAt: Date
    /// The window promised to the customer.
    public var window: DateInterval
    /// The geofence radius that applied to the address, in metres.
    public var radiusMetres: Double
    /// How far from the recorded delivery time a scan may be and still count, in seconds.
    public var toleranceSeconds: TimeInterval
    /// The scan the place finding rests on: the one that counts under `ScanRule`, else the scan
    /// closest to the address within the tolerance of the delivery, else the closest at any time;
    /// nil when the package has no scans.
    public var scan: Scan?
    /// Whether a scan passes `ScanRule` (within the geofence and within the time tolerance).
    public var scanAtDoor: Bool
    /// Whether the delivery was recorded inside the window (its ends included).
    public var inWindow: Bool
    /// The id of the delivery photo, when one was taken.
    public var photoID: String?

    /// The scan relied on and how it compares with the address.
    public struct Scan: Sendable, Equatable, Codable {
        public var id: String
        public var time: Date
        public var distanceMetres: Double
        public var accuracyMetres: Double
        /// The place part of `ScanRule` for this scan.
        public var withinGeofence: Bool
        /// Within the time tolerance of the recorded delivery.
        public var nearDeliveryTime: Bool
        /// "12 m north of the address (±5 m), within the 30 m geofence".
        public var words: String

        /// A scan from its parts.
        public init(
            id: String, time: Date, distanceMetres: Double, accuracyMetres: Double, withinGeofence: Bool,
            nearDeliveryTime: Bool, words: String
        ) {
            self.id = id
            self.time = time
            self.distanceMetres = distanceMetres
            self.accuracyMetres = accuracyMetres
            self.withinGeofence = withinGeofence
            self.nearDeliveryTime = nearDeliveryTime
            self.words = words
        }
    }

    /// Evidence from its parts.
    public init(
        deliveredAt: Date, window: DateInterval, radiusMetres: Double, toleranceSeconds: TimeInterval, scan: Scan?,
        scanAtDoor: Bool, inWindow: Bool, photoID: String?
    ) {
        self.deliveredAt = deliveredAt
        self.window = window
        self.radiusMetres = radiusMetres
        self.toleranceSeconds = toleranceSeconds
        self.scan = scan
        self.scanAtDoor = scanAtDoor
        self.inWindow = inWindow
        self.photoID = photoID
    }

    /// When the delivery fell against the window, in words: "in the window, 10 min after it opened".
    public var timing: String { ScanComparison.timing(of: deliveredAt, window: window) }
}
