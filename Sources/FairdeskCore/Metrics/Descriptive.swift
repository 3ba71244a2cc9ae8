import Foundation

/// Averages and percentiles of durations and counts: handle time, first response, resolution.
///
/// Percentiles interpolate linearly between the two nearest order statistics (Hyndman and Fan's
/// type 7: h = (n − 1)·q), the default of NumPy, R and spreadsheets' PERCENTILE.INC and what
/// PostgreSQL's `percentile_cont` computes, so a report read from the database and one computed here
/// agree. The median is the 50th percentile by the same rule.
public enum Descriptive {
    /// The arithmetic mean; nil for no values.
    public static func mean(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }

    /// The middle value, or the mean of the two middle values; nil for no values.
    public static func median(_ values: [Double]) -> Double? {
        percentile(values, 0.5)
    }

    /// The q-th quantile (q from 0 to 1; 0.9 is the 90th percentile) by linear interpolation; nil for
    /// no values or q outside [0, 1].
    public static func percentile(_ values: [Double], _ q: Double) -> Double? {
        guard !values.isEmpty, q >= 0, q <= 1 else { return nil }
        let sorted = values.sorted()
        let position = Double(sorted.count - 1) * q
        let below = Int(position.rounded(.down))
        let above = min(below + 1, sorted.count - 1)
        let fraction = position - Double(below)
        return sorted[below] + fraction * (sorted[above] - sorted[below])
    }
}
