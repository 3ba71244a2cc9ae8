import Foundation

/// The Beta(α, β) distribution of a rate: the prior and posterior of empirical-Bayes shrinkage.
///
/// Its cumulative probability is the regularized incomplete beta function, computed with the
/// continued fraction of Numerical Recipes (§6.4) and a Lanczos log-gamma; the quantile is found by
/// bisection, which is slow next to Newton's method but cannot diverge and costs microseconds.
public struct BetaDistribution: Sendable, Equatable {
    /// α: acts like a count of successes seen before the data.
    public let alpha: Double
    /// β: acts like a count of failures seen before the data.
    public let beta: Double

    /// Nil unless both shape parameters are positive and finite.
    public init?(alpha: Double, beta: Double) {
        guard alpha > 0, beta > 0, alpha.isFinite, beta.isFinite else { return nil }
        self.alpha = alpha
        self.beta = beta
    }

    /// α / (α + β).
    public var mean: Double { alpha / (alpha + beta) }

    /// P(X ≤ x), the regularized incomplete beta function I_x(α, β).
    public func cdf(_ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront =
            logGamma(alpha + beta) - logGamma(alpha) - logGamma(beta) + alpha * log(x) + beta * log1p(-x)
        let front = exp(logFront)
        // The continued fraction converges fast only on the side of the mean; use the symmetry
        // I_x(a, b) = 1 - I_{1-x}(b, a) on the other side.
        if x < (alpha + 1) / (alpha + beta + 2) {
            return front * continuedFraction(alpha, beta, x) / alpha
        }
        return 1 - front * continuedFraction(beta, alpha, 1 - x) / beta
    }

    /// The x with P(X ≤ x) = p, to about 1e-14; nil outside [0, 1].
    public func quantile(_ p: Double) -> Double? {
        guard p >= 0, p <= 1 else { return nil }
        if p == 0 { return 0 }
        if p == 1 { return 1 }
        var low = 0.0
        var high = 1.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if middle == low || middle == high { break }
            if cdf(middle) < p { low = middle } else { high = middle }
            if high - low < 1e-15 { break }
        }
        return (low + high) / 2
    }

    /// The central interval holding `confidence` of the probability, e.g. 2.5% to 97.5%.
    public func equalTailedInterval(confidence: Double) -> RateInterval? {
        guard confidence > 0, confidence < 1, let lower = quantile((1 - confidence) / 2),
            let upper = quantile(1 - (1 - confidence) / 2)
        else { return nil }
        return RateInterval(lower: lower, upper: upper, confidence: confidence)
    }

    private func continuedFraction(_ a: Double, _ b: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b
        let qap = a + 1
        let qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        // Large shapes (a prior worth a whole team's responses) need about √max(a, b) terms.
        for m in 1...20_000 {
            let m = Double(m)
            let m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            h *= step
            if abs(step - 1) < 1e-15 { break }
        }
        return h
    }
}

/// ln Γ(x) for x > 0 by the Lanczos approximation (g = 7, 9 terms), good to about 1e-15 relative.
/// Written out instead of calling the C library's `lgamma`, which writes a process-wide sign variable.
private func logGamma(_ x: Double) -> Double {
    if x < 0.5 {
        // Reflection keeps the series in the range where it is accurate.
        return log(Double.pi / abs(sin(Double.pi * x))) - logGamma(1 - x)
    }
    let coefficients = [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ]
    let z = x - 1
    var sum = coefficients[0]
    for index in 1..<coefficients.count {
        sum += coefficients[index] / (z + Double(index))
    }
    let t = z + 7.5
    return 0.5 * log(2 * Double.pi) + (z + 0.5) * log(t) - t + log(sum)
}
