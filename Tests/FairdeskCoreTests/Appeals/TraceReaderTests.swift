import Foundation
import Testing

@testable import FairdeskCore

@Suite("Appeals: GPS traces from GPX and CSV")
struct TraceReaderTests {
    func problems(_ body: () throws(ValidationFailure) -> [TracePoint]) -> [String] {
        do {
            _ = try body()
            return []
        } catch {
            return error.problems.map(\.rule)
        }
    }

    @Test("a GPX file's track points and waypoints are read with their times, namespaces and all")
    func gpx() throws {
        let text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <gpx xmlns="http://www.topografix.com/GPX/1/1" version="1.1" creator="phone">
              <wpt lat="52.5201" lon="13.4050"><name>Door</name></wpt>
              <trk><trkseg>
                <trkpt lat="52.5190" lon="13.4040"><ele>34</ele><time>2026-05-05T11:29:00Z</time></trkpt>
                <trkpt lat="52.5200" lon="13.4049"><time>2026-05-05T11:30:07.250Z</time></trkpt>
              </trkseg></trk>
            </gpx>
            """
        let points = try GPXTraceReader.points(from: Data(text.utf8))
        #expect(points.count == 3)
        #expect(points[0].time == nil)
        #expect(points[0].position == GeoPoint(latitude: 52.5201, longitude: 13.4050))
        #expect(points[1].time == ISO8601DateFormatter().date(from: "2026-05-05T11:29:00Z"))
        #expect(points[2].position.longitude == 13.4049)
        #expect(abs(points[2].time!.timeIntervalSince(DriverFixture.at(days: 1, hours: 11.5)) - 7.25) < 0.001)
    }

    @Test("a GPX point off the Earth or with a bad time is named by its line")
    func gpxProblems() {
        let text =
            "<gpx>\n<trkpt lat=\"95\" lon=\"13\"/>\n<trkpt lat=\"52\" lon=\"13\"><time>noon</time></trkpt>\n</gpx>"
        #expect(
            problems { () throws(ValidationFailure) in try GPXTraceReader.points(from: Data(text.utf8)) } == [
                "line 2: a trkpt must have lat and lon on the Earth",
                "line 3: a time must be ISO 8601 (got \"noon\")",
            ])
    }

    @Test("a file that is not GPX is refused")
    func notGPX() {
        #expect(
            problems { () throws(ValidationFailure) in try GPXTraceReader.points(from: Data("<gpx><trkpt".utf8)) }
                .first?.hasPrefix("must be well-formed GPX") == true)
        #expect(
            problems { () throws(ValidationFailure) in try GPXTraceReader.points(from: Data("<kml></kml>".utf8)) }
                == ["must be a GPX file with a <gpx> root element"])
        #expect(
            problems { () throws(ValidationFailure) in try GPXTraceReader.points(from: Data("<gpx></gpx>".utf8)) }
                == ["must contain at least one trkpt, rtept or wpt point"])
    }

    @Test("a CSV trace is read by its header, in any column order, other columns ignored")
    func csv() throws {
        let text =
            "lat, lon ,accuracy,time\r\n52.52,13.405,8,2026-05-05T11:30:00Z\r\n\r\n52.5201,13.4051,5,2026-05-05T11:31:00+02:00\r\n"
        let points = try CSVTraceReader.points(from: text)
        #expect(points.count == 2)
        #expect(points[0].position == GeoPoint(latitude: 52.52, longitude: 13.405))
        #expect(points[1].time == ISO8601DateFormatter().date(from: "2026-05-05T09:31:00Z"))
    }

    @Test("bad CSV lines are each named by number; a missing header is refused")
    func csvProblems() {
        let text =
            "time,lat,lon\n2026-05-05T11:30:00Z,52.52,13.405\nyesterday,52.52,13.405\n2026-05-05T11:32:00Z,52.52\n"
            + "2026-05-05T11:33:00Z,152.52,13.405\n"
        #expect(
            problems { () throws(ValidationFailure) in try CSVTraceReader.points(from: text) } == [
                "line 3 must have an ISO 8601 time (got \"yesterday\")",
                "line 4 must have a time, lat and lon",
                "line 5 must have a lat and lon on the Earth",
            ])
        #expect(
            problems { () throws(ValidationFailure) in try CSVTraceReader.points(from: "52.52,13.405\n") } == [
                "must start with a header naming time, lat and lon (got \"52.52,13.405\")"
            ])
    }
}
