import Foundation

/// Durations kept as counts per bucket, so medians and 90th percentiles can be read from rollups
/// without keeping every case's time.
///
/// Bucket 0 holds anything under a minute; bucket k ≥ 1 holds [60·1.25^(k-1), 60·1.25^k) seconds,
/// up to the last bucket, which holds everything from about 90 days on. A percentile is read by
/// interpolating inside its bucket, so it is within a quarter of the true value, and in practice
/// much closer: the buckets are narrow where most times fall.
public enum DurationBuckets {
    public static let ratio = 1.25
    public static let last = 54

    /// The bucket `seconds` falls in; negative durations (clock skew) count as zero.
    public static func bucket(seconds: Double) -> Int {
        guard seconds >= 60 else { return 0 }
        let k = 1 + Int((log(seconds / 60) / log(ratio)).rounded(.down))
        return min(k, last)
    }

    /// The lower and upper end of a bucket, in seconds.
    public static func bounds(_ bucket: Int) -> (lower: Double, upper: Double) {
        if bucket <= 0 { return (0, 60) }
        return (60 * pow(ratio, Double(bucket - 1)), 60 * pow(ratio, Double(bucket)))
    }

    /// The `fraction` quantile (0.5 for the median) of the durations counted in `counts` (bucket →
    /// count), or nil when nothing was counted.
    public static func quantile(_ fraction: Double, of counts: [Int: Int]) -> Double? {
        let total = counts.values.reduce(0, +)
        guard total > 0 else { return nil }
        // The rank of the wanted value among `total` sorted values, as a position 0..<total.
        let rank = fraction * Double(total)
        var below = 0
        for bucket in counts.keys.sorted() {
            let count = counts[bucket]!
            guard count > 0 else { continue }
            if Double(below + count) >= rank {
                let (lower, upper) = bounds(bucket)
                let within = max(0, min(1, (rank - Double(below)) / Double(count)))
                return lower + (upper - lower) * within
            }
            below += count
        }
        return bounds(counts.keys.max()!).upper
    }
}
