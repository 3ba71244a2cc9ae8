import Foundation

/// One point of a driver's own GPS trace, from a GPX or CSV file they uploaded.
public struct TracePoint: Sendable, Equatable, Codable {
    /// Nil when a GPX waypoint carries no time.
    public var time: Date?
    public var position: GeoPoint

    /// A point from its parts.
    public init(time: Date?, position: GeoPoint) {
        self.time = time
        self.position = position
    }
}
