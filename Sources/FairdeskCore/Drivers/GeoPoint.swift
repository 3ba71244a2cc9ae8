import Foundation

/// A position on the Earth in decimal degrees (WGS 84), as a phone's GPS reports it.
public struct GeoPoint: Sendable, Equatable, Hashable, Codable {
    /// Degrees north of the equator, -90 to 90.
    public var latitude: Double
    /// Degrees east of Greenwich, -180 to 180.
    public var longitude: Double

    /// A point from its latitude and longitude in degrees.
    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }

    /// The mean Earth radius in metres (IUGG); the spherical model is off by at most 0.5 %, which at
    /// geofence scale (tens of metres) is well under a GPS fix's own error.
    public static let earthRadiusMetres = 6_371_008.8

    /// Whether both coordinates are finite and in range; a trace or scan outside it is refused.
    public var isValid: Bool {
        latitude.isFinite && longitude.isFinite && (-90...90).contains(latitude) && (-180...180).contains(longitude)
    }

    /// The great-circle distance to `other` in metres, by the haversine formula, which stays accurate
    /// for the few metres that decide whether a scan was at the door.
    public func distance(to other: GeoPoint) -> Double {
        let lat1 = latitude * .pi / 180
        let lat2 = other.latitude * .pi / 180
        let deltaLat = (other.latitude - latitude) * .pi / 180
        let deltaLon = (other.longitude - longitude) * .pi / 180
        let a = sin(deltaLat / 2) * sin(deltaLat / 2) + cos(lat1) * cos(lat2) * sin(deltaLon / 2) * sin(deltaLon / 2)
        return 2 * Self.earthRadiusMetres * atan2(sqrt(a), sqrt(max(0, 1 - a)))
    }

    /// The initial compass bearing from this point to `other`, in degrees clockwise from true north,
    /// 0 up to (not including) 360.
    public func bearing(to other: GeoPoint) -> Double {
        let lat1 = latitude * .pi / 180
        let lat2 = other.latitude * .pi / 180
        let deltaLon = (other.longitude - longitude) * .pi / 180
        let y = sin(deltaLon) * cos(lat2)
        let x = cos(lat1) * sin(lat2) - sin(lat1) * cos(lat2) * cos(deltaLon)
        let degrees = atan2(y, x) * 180 / .pi
        let normalised = (degrees + 360).truncatingRemainder(dividingBy: 360)
        return normalised
    }
}
