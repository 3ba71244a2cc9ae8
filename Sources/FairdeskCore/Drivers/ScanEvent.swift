import Foundation

/// One scan of a package by the driver's app: when, where, and how sure the phone was of where.
public struct ScanEvent: Sendable, Equatable, Codable, Identifiable {
    public var id: String
    public var time: Date
    public var position: GeoPoint
    /// The phone's reported horizontal accuracy in metres (the radius it is 68 % sure of).
    public var accuracyMetres: Double

    /// A scan as the app reported it.
    public init(id: String, time: Date, position: GeoPoint, accuracyMetres: Double) {
        self.id = id
        self.time = time
        self.position = position
        self.accuracyMetres = accuracyMetres
    }
}
