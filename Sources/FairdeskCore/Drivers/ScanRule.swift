import Foundation

/// When a delivery scan counts as made at the door.
///
/// A scan counts when both hold:
/// - **place**: the haversine distance from the scan to the address is at most the geofence radius
///   plus the phone's reported accuracy, because a phone 20 m sure of itself may truly have been 20 m
///   closer. The accuracy credited is capped at the radius, so a wild fix (500 m) cannot stretch the
///   fence over a whole street.
/// - **time**: the scan is within the tolerance before or after the recorded delivery time.
///
/// A delivery complies when any of its scans counts; scans are never averaged.
public struct ScanRule: Sendable, Equatable {
    /// Used when the address sets no radius of its own.
    public var defaultRadiusMetres: Double
    public var toleranceSeconds: TimeInterval

    /// A rule from its parts.
    public init(defaultRadiusMetres: Double, toleranceSeconds: TimeInterval) {
        self.defaultRadiusMetres = defaultRadiusMetres
        self.toleranceSeconds = toleranceSeconds
    }

    /// The rule the policy sets (`geofence_radius_m`, `scan_time_tolerance_minutes`).
    public init(_ policy: DriverPolicy) {
        self.init(
            defaultRadiusMetres: policy.geofenceRadiusMetres,
            toleranceSeconds: TimeInterval(policy.scanTimeToleranceMinutes * 60))
    }

    /// The radius that applies to `package`.
    public func radius(for package: PackageDelivery) -> Double {
        package.geofenceRadiusMetres ?? defaultRadiusMetres
    }

    /// Whether `scan` was at the address of `package` (place part of the rule only).
    public func isWithinGeofence(_ scan: ScanEvent, of package: PackageDelivery) -> Bool {
        Self.isWithinGeofence(
            distance: scan.position.distance(to: package.address), radius: radius(for: package),
            accuracy: scan.accuracyMetres)
    }

    /// The place part of the rule on plain numbers, shared with the reviewer's scan comparison so
    /// both always agree: distance ≤ radius + accuracy, the accuracy credited at most the radius.
    public static func isWithinGeofence(distance: Double, radius: Double, accuracy: Double) -> Bool {
        isWithinGeofence(distance: distance, radius: radius, credit: credit(accuracy: accuracy))
    }

    /// The accuracy a scan may be credited before the cap at the radius: none for a phone that
    /// reported no finite accuracy, never less than none.
    public static func credit(accuracy: Double) -> Double {
        accuracy.isFinite ? max(accuracy, 0) : 0
    }

    /// The place part of the rule on a credit from `credit(accuracy:)`. The database compares the
    /// stored numbers the same way (`StandingCountSQL`): distance ≤ radius + the lesser of credit
    /// and radius.
    public static func isWithinGeofence(distance: Double, radius: Double, credit: Double) -> Bool {
        distance <= radius + (credit < radius ? credit : radius)
    }

    /// The first scan that counts for a delivery made at `deliveredAt`, if any.
    public func compliantScan(for package: PackageDelivery, deliveredAt: Date) -> ScanEvent? {
        package.scans.sorted { $0.time < $1.time }.first {
            abs($0.time.timeIntervalSince(deliveredAt)) <= toleranceSeconds && isWithinGeofence($0, of: package)
        }
    }

    /// The rule in words for the driver's page, with the numbers in force.
    public var text: String {
        let minutes = Int((toleranceSeconds / 60).rounded())
        return "A delivery scan counts when it is within \(DriverText.distance(defaultRadiusMetres)) of the address "
            + "(or the address's own radius) plus the phone's reported accuracy, at most doubling the radius, "
            + "and within \(minutes) minutes of the recorded delivery time."
    }
}
