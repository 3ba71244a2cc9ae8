/// One of the eight compass directions, for telling a reviewer where a scan was without a map.
public enum CompassDirection: String, Sendable, Codable, CaseIterable {
    case north
    case northEast = "north-east"
    case east
    case southEast = "south-east"
    case south
    case southWest = "south-west"
    case west
    case northWest = "north-west"

    /// The direction nearest to `bearing` (degrees clockwise from north); each covers 45°, so
    /// north is 337.5° up to 22.5°.
    public init(bearing: Double) {
        let normalised = (bearing.truncatingRemainder(dividingBy: 360) + 360).truncatingRemainder(dividingBy: 360)
        let index = Int(((normalised + 22.5) / 45).rounded(.down)) % 8
        self = Self.allCases[index]
    }

    /// The direction as a person says it: "north-east".
    public var words: String { rawValue }
}
