import Foundation

/// The standard normal distribution: its cumulative probability and its inverse, which turn a
/// confidence level such as 0.95 into the z of an interval.
///
/// The inverse is Peter Acklam's rational approximation (relative error below 1.15e-9) followed by
/// one Halley step against `erfc`, which brings it to about 1e-15. Implemented here rather than
/// hard-coding 1.96 because the policy sets the confidence level and any level must work.
public enum StandardNormal {
    /// P(Z ≤ x).
    public static func cdf(_ x: Double) -> Double {
        // erfc keeps full precision in the lower tail, where 1 + erf(x) would cancel.
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// The x with P(Z ≤ x) = p; -infinity at 0, +infinity at 1, NaN outside [0, 1].
    public static func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        var x: Double
        if p < lowRegion {
            let q = (-2 * log(p)).squareRoot()
            x = tail(q)
        } else if p <= 1 - lowRegion {
            let q = p - 0.5
            let r = q * q
            let numerator = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            let denominator = ((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1
            x = numerator / denominator
        } else {
            let q = (-2 * log1p(-p)).squareRoot()
            x = -tail(q)
        }
        // One Halley step on cdf(x) - p: the rational form alone is good to 1e-9, this makes it ~1e-15.
        let error = cdf(x) - p
        let u = error * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }

    /// The z that leaves `(1 - confidence) / 2` in each tail: 1.959964 for 0.95, 3.090232 for 0.998.
    public static func twoSidedCritical(confidence: Double) -> Double {
        quantile(1 - (1 - confidence) / 2)
    }

    private static let lowRegion = 0.02425

    private static func tail(_ q: Double) -> Double {
        let numerator = ((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]
        let denominator = (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1
        return numerator / denominator
    }

    private static let a = [
        -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
        -3.066479806614716e+01, 2.506628277459239e+00,
    ]
    private static let b = [
        -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
        -1.328068155288572e+01,
    ]
    private static let c = [
        -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
        4.374664141464968e+00, 2.938163982698783e+00,
    ]
    private static let d = [
        7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00,
    ]
}
