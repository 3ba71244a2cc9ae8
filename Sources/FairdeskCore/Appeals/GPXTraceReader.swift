import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reads the points of a GPX file: track points, route points and waypoints, with their times.
///
/// Only `lat`, `lon` and `<time>` are read; elevation, names and extensions are ignored. External
/// entities are never resolved, so a file cannot make the server read other files.
public enum GPXTraceReader {
    /// The most points read from one file: a day at one point a second.
    public static let maximumPoints = 100_000

    /// The points of `data`, in file order, or the problems on `field` ("line 12: …"), at most ten.
    public static func points(from data: Data, field: String = "file") throws(ValidationFailure) -> [TracePoint] {
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = true
        let reader = Reader()
        parser.delegate = reader
        let parsed = parser.parse()
        var checks = Checks()
        if !parsed || parser.parserError != nil {
            checks.add(field, "must be well-formed GPX (XML error near line \(parser.lineNumber))")
        } else if reader.sawGPX && !reader.closedGPX {
            // Foundation on Linux reports a file cut off mid-way as parsed; the missing </gpx> shows it.
            checks.add(field, "must be well-formed GPX (the file ends before </gpx>)")
        } else if !reader.sawGPX {
            checks.add(field, "must be a GPX file with a <gpx> root element")
        }
        for problem in reader.problems.prefix(10) { checks.add(field, problem) }
        if reader.problems.count > 10 { checks.add(field, "has \(reader.problems.count - 10) more bad points") }
        if parsed, reader.sawGPX, reader.problems.isEmpty, reader.points.isEmpty {
            checks.add(field, "must contain at least one trkpt, rtept or wpt point")
        }
        try checks.finish()
        return reader.points
    }

    /// Collects points while the parser walks the file.
    private final class Reader: NSObject, XMLParserDelegate {
        var points: [TracePoint] = []
        var problems: [String] = []
        var sawGPX = false
        var closedGPX = false
        private var current: GeoPoint?
        private var currentLine = 0
        private var currentTime: Date?
        private var timeText: String?

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
        ) {
            switch elementName {
            case "gpx":
                sawGPX = true
            case "trkpt", "rtept", "wpt":
                currentLine = parser.lineNumber
                currentTime = nil
                if let lat = attributeDict["lat"].flatMap(Double.init),
                    let lon = attributeDict["lon"].flatMap(Double.init),
                    GeoPoint(latitude: lat, longitude: lon).isValid
                {
                    current = GeoPoint(latitude: lat, longitude: lon)
                } else {
                    current = nil
                    problems.append("line \(currentLine): a \(elementName) must have lat and lon on the Earth")
                }
            case "time" where current != nil:
                timeText = ""
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if timeText != nil { timeText! += string }
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?
        ) {
            switch elementName {
            case "gpx":
                closedGPX = true
            case "time":
                guard let text = timeText else { return }
                timeText = nil
                if let time = TraceTime.parse(text) {
                    currentTime = time
                } else {
                    problems.append("line \(parser.lineNumber): a time must be ISO 8601 (got \"\(text.prefix(40))\")")
                }
            case "trkpt", "rtept", "wpt":
                if let current {
                    if points.count < GPXTraceReader.maximumPoints {
                        points.append(TracePoint(time: currentTime, position: current))
                    } else if points.count == GPXTraceReader.maximumPoints {
                        problems.append("must have at most \(GPXTraceReader.maximumPoints) points")
                        parser.abortParsing()
                    }
                }
                current = nil
            default:
                break
            }
        }
    }
}
