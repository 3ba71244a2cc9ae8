import Foundation

/// Everything a reviewer can weigh about where the driver was for one package, without a map: each
/// scan the app recorded and the closest point of each of the driver's own traces, every one
/// measured from the address and set against the delivery window.
public struct DeliveryComparison: Sendable, Equatable {
    /// One position and what it says.
    public struct Reading: Sendable, Equatable {
        /// Where the position came from.
        public enum Source: Sendable, Equatable {
            /// A scan by the driver's app, by its id.
            case scan(id: String)
            /// The closest point of a trace the driver uploaded, by the file's name.
            case trace(name: String)
        }

        public var source: Source
        public var time: Date
        /// The time against the delivery window (`ScanComparison.timing`).
        public var timing: String
        public var comparison: ScanComparison

        /// A reading from its parts.
        public init(source: Source, time: Date, timing: String, comparison: ScanComparison) {
            self.source = source
            self.time = time
            self.timing = timing
            self.comparison = comparison
        }
    }

    public var package: PackageDelivery
    /// The app's scans in time order, then each trace's closest point, in the order the traces came.
    public var readings: [Reading]
    /// Traces with no timed point in the interval searched, by name: they say nothing about this package.
    public var tracesWithoutPoint: [String]
    /// The interval the traces were searched in, in words: around the delivery attempt, or the window.
    public var searched: String

    /// Compares `package`'s scans and the closest point of each of `traces` with its address under
    /// `rule`. Traces are searched within the rule's time tolerance of the delivery attempt, as scan
    /// compliance is judged; for a package with no attempt, over the whole delivery window.
    public static func compare(
        _ package: PackageDelivery, traces: [(name: String, points: [TracePoint])], rule: ScanRule
    ) -> DeliveryComparison {
        let radius = rule.radius(for: package)
        var readings = ScanComparison.scans(of: package, rule: rule).map { scan, comparison in
            Reading(
                source: .scan(id: scan.id), time: scan.time,
                timing: ScanComparison.timing(of: scan.time, window: package.window), comparison: comparison)
        }
        let around: Date
        let tolerance: TimeInterval
        let searched: String
        if let attempt = package.outcome?.attemptedAt {
            around = attempt
            tolerance = rule.toleranceSeconds
            searched =
                "within \(DriverText.duration(tolerance)) of the delivery attempt at \(DriverText.instant(attempt))"
        } else {
            around = package.window.start.addingTimeInterval(package.window.duration / 2)
            tolerance = package.window.duration / 2
            searched = "during the delivery window (no delivery attempt was recorded)"
        }
        var without: [String] = []
        for trace in traces {
            guard
                let found = ScanComparison.closestApproach(
                    of: trace.points, to: package.address, radiusMetres: radius, around: around, tolerance: tolerance),
                let time = found.point.time
            else {
                without.append(trace.name)
                continue
            }
            readings.append(
                Reading(
                    source: .trace(name: trace.name), time: time,
                    timing: ScanComparison.timing(of: time, window: package.window), comparison: found.comparison))
        }
        return DeliveryComparison(package: package, readings: readings, tracesWithoutPoint: without, searched: searched)
    }
}
