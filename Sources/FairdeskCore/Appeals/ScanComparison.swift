import Foundation

/// Where a scan or trace point was, measured from the delivery address, in words a reviewer can
/// read without a map: "38 m north-east of the address, outside the 30 m geofence".
public struct ScanComparison: Sendable, Equatable {
    public var distanceMetres: Double
    /// Nil when the point is at the address (under 1 m away), where a direction means nothing.
    public var direction: CompassDirection?
    public var radiusMetres: Double
    public var accuracyMetres: Double?
    /// By the same rule as scan compliance (`ScanRule.isWithinGeofence`).
    public var withinGeofence: Bool

    /// Compares `position` (reported `accuracyMetres` sure) with `address` and its geofence radius.
    public init(_ position: GeoPoint, accuracyMetres: Double?, address: GeoPoint, radiusMetres: Double) {
        distanceMetres = address.distance(to: position)
        direction = distanceMetres < 1 ? nil : CompassDirection(bearing: address.bearing(to: position))
        self.radiusMetres = radiusMetres
        self.accuracyMetres = accuracyMetres
        withinGeofence = ScanRule.isWithinGeofence(
            distance: distanceMetres, radius: radiusMetres, accuracy: accuracyMetres ?? 0)
    }

    /// Distance and direction alone: "38 m north-east", or "at the address".
    public var offset: String {
        guard let direction else { return "at the address" }
        return "\(DriverText.distance(distanceMetres)) \(direction.words)"
    }

    /// The geofence verdict alone: "outside the 30 m geofence".
    public var fence: String {
        "\(withinGeofence ? "within" : "outside") the \(DriverText.distance(radiusMetres)) geofence"
    }

    /// The full sentence: "38 m north-east of the address (±12 m), outside the 30 m geofence".
    public var words: String {
        let place = direction == nil ? offset : "\(offset) of the address"
        let accuracy = accuracyMetres.map { " (±\(DriverText.distance($0)))" } ?? ""
        return "\(place)\(accuracy), \(fence)"
    }

    /// When `time` fell against the delivery window promised to the customer, in words: "25 min
    /// before the window opened", "in the window, 10 min after it opened", "1 h 5 min after the
    /// window closed". The window's ends count as inside it, as they do for on-time.
    public static func timing(of time: Date, window: DateInterval) -> String {
        if time < window.start {
            return "\(DriverText.duration(window.start.timeIntervalSince(time))) before the window opened"
        }
        if time > window.end {
            return "\(DriverText.duration(time.timeIntervalSince(window.end))) after the window closed"
        }
        return "in the window, \(DriverText.duration(time.timeIntervalSince(window.start))) after it opened"
    }

    /// Every scan of `package`, compared with its address under `rule`'s radius, in time order.
    public static func scans(of package: PackageDelivery, rule: ScanRule) -> [(scan: ScanEvent, comparison: Self)] {
        package.scans.sorted { $0.time < $1.time }.map { scan in
            (
                scan,
                ScanComparison(
                    scan.position, accuracyMetres: scan.accuracyMetres, address: package.address,
                    radiusMetres: rule.radius(for: package))
            )
        }
    }

    /// The point of a driver's trace closest to `address` within `tolerance` seconds of `time`, so a
    /// reviewer can see whether the driver's own GPS puts them at the door when the app's scan did not.
    /// Points without a time are skipped; nil when no point falls in the interval.
    public static func closestApproach(
        of trace: [TracePoint], to address: GeoPoint, radiusMetres: Double, around time: Date,
        tolerance: TimeInterval
    ) -> (point: TracePoint, comparison: Self)? {
        let near = trace.filter { point in
            guard let pointTime = point.time else { return false }
            return abs(pointTime.timeIntervalSince(time)) <= tolerance
        }
        guard let closest = near.min(by: { $0.position.distance(to: address) < $1.position.distance(to: address) })
        else { return nil }
        return (
            closest,
            ScanComparison(closest.position, accuracyMetres: nil, address: address, radiusMetres: radiusMetres)
        )
    }
}
