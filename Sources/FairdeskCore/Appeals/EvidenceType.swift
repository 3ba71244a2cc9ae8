/// The kinds of file a driver may upload as evidence: pictures, documents and location traces,
/// none of which a browser or viewer will run as a program.
public enum EvidenceType: String, Sendable, Codable, CaseIterable {
    case jpeg
    case png
    case pdf
    case gpx
    case csv
    case plainText = "text"

    /// The file name endings accepted for the type, lower case without the dot.
    public var extensions: [String] {
        switch self {
        case .jpeg: ["jpg", "jpeg"]
        case .png: ["png"]
        case .pdf: ["pdf"]
        case .gpx: ["gpx"]
        case .csv: ["csv"]
        case .plainText: ["txt", "log"]
        }
    }

    /// The media type to serve it with (always with `nosniff`).
    public var mediaType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .pdf: "application/pdf"
        case .gpx: "application/gpx+xml"
        case .csv: "text/csv"
        case .plainText: "text/plain"
        }
    }

    /// The type's name for people: "a PNG image".
    public var title: String {
        switch self {
        case .jpeg: "a JPEG photo"
        case .png: "a PNG image"
        case .pdf: "a PDF document"
        case .gpx: "a GPX trace"
        case .csv: "a CSV file"
        case .plainText: "a plain-text file"
        }
    }

    /// Whether the type is text, checked for UTF-8 and for markup that could run.
    public var isText: Bool { self == .gpx || self == .csv || self == .plainText }

    /// The type a file name ending (any case, no dot) stands for.
    public init?(extension ending: String) {
        guard let type = Self.allCases.first(where: { $0.extensions.contains(ending.lowercased()) }) else {
            return nil
        }
        self = type
    }
}
