import Foundation

/// Rates written for people in decisions and explanations: one decimal, a % sign, the same in every locale.
enum Percent {
    /// 0.7312 → "73.1%".
    static func text(_ rate: Double) -> String {
        String(format: "%.1f%%", rate * 100)
    }

    /// A confidence level as people say it: 0.95 → "95%", 0.998 → "99.8%".
    static func level(_ confidence: Double) -> String {
        let percent = confidence * 100
        if abs(percent - percent.rounded()) < 1e-9 { return "\(Int(percent.rounded()))%" }
        return String(format: "%g%%", percent)
    }
}
