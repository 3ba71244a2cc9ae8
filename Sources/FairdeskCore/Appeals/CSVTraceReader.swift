import Foundation

/// Reads a GPS trace written as CSV: a header naming `time`, `lat` and `lon` (in any order, other
/// columns ignored; `latitude`, `longitude`, `timestamp` also understood), then one point a line.
///
/// Fields are split on commas without quoting, which is how GPS loggers write numbers and ISO times.
public enum CSVTraceReader {
    /// The points of `text`, in file order, or the problems on `field` ("line 3 …"), at most ten.
    public static func points(from text: String, field: String = "file") throws(ValidationFailure) -> [TracePoint] {
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .components(separatedBy: "\n").enumerated().map { ($0.offset + 1, $0.element) }
            .filter { !$0.1.trimmingCharacters(in: .whitespaces).isEmpty }
        guard !lines.isEmpty else { throw ValidationFailure(field: field, rule: "must have a header time,lat,lon") }
        let (_, headerLine) = lines.removeFirst()
        let header = headerLine.replacingOccurrences(of: "\u{FEFF}", with: "").split(
            separator: ",", omittingEmptySubsequences: false
        ).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func column(_ names: [String]) -> Int? { header.firstIndex(where: names.contains) }
        guard let timeColumn = column(["time", "timestamp"]), let latColumn = column(["lat", "latitude"]),
            let lonColumn = column(["lon", "lng", "longitude"])
        else {
            throw ValidationFailure(
                field: field,
                rule: "must start with a header naming time, lat and lon (got \"\(headerLine.prefix(60))\")")
        }
        var points: [TracePoint] = []
        var problems: [String] = []
        for (number, line) in lines {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard fields.count > max(timeColumn, latColumn, lonColumn) else {
                problems.append("line \(number) must have a time, lat and lon")
                continue
            }
            guard let time = TraceTime.parse(fields[timeColumn]) else {
                problems.append("line \(number) must have an ISO 8601 time (got \"\(fields[timeColumn].prefix(40))\")")
                continue
            }
            guard let lat = Double(fields[latColumn]), let lon = Double(fields[lonColumn]),
                GeoPoint(latitude: lat, longitude: lon).isValid
            else {
                problems.append("line \(number) must have a lat and lon on the Earth")
                continue
            }
            points.append(TracePoint(time: time, position: GeoPoint(latitude: lat, longitude: lon)))
            if points.count > GPXTraceReader.maximumPoints {
                problems.append("must have at most \(GPXTraceReader.maximumPoints) points")
                break
            }
        }
        var checks = Checks()
        for problem in problems.prefix(10) { checks.add(field, problem) }
        if problems.count > 10 { checks.add(field, "has \(problems.count - 10) more bad lines") }
        if problems.isEmpty, points.isEmpty { checks.add(field, "must contain at least one point") }
        try checks.finish()
        return points
    }
}
