import FairdeskCore
import Foundation

/// The emails that tell people about a policy version: what changed, from when, and where to
/// read and acknowledge it.
struct PolicyMail {
    var publicURL: String
    var policy: PolicyRecord

    private func link(_ number: Int) -> String { publicURL + SitePath.policyVersion(policy.key, number).path }

    func publishedSubject(_ stored: StoredVersion) -> String {
        "Policy change: \(policy.title), version \(stored.number), applies from "
            + PageTime.text(stored.version.effectiveAt)
    }

    /// `previous`: the version before it that was not withdrawn, to compare with.
    func publishedBody(_ stored: StoredVersion, previous: Int?) -> String {
        var lines = [
            "Hello,", "",
            "\(policy.title), version \(stored.number), has been published. It applies from "
                + "\(PageTime.text(stored.version.effectiveAt)), and only to what happens from then on.",
            "", "What changed: \(stored.version.summary)", "", "Please read it and acknowledge it here:",
            link(stored.number),
        ]
        if let previous {
            lines += [
                "", "See exactly what changed since version \(previous):",
                publicURL + SitePath.policyCompare(policy.key).path + "?from=\(previous)&to=\(stored.number)",
            ]
        }
        lines += [
            "", "You receive this because this policy binds you (it binds \(stored.audience.summary)).", "",
            "Fairdesk",
        ]
        return lines.joined(separator: "\n")
    }

    func reminderBody(_ stored: StoredVersion, now: Date) -> String {
        [
            "Hello,", "",
            "You have not yet acknowledged \(policy.title), version \(stored.number), which "
                + (stored.version.effectiveAt > now ? "applies from " : "has applied since ")
                + "\(PageTime.text(stored.version.effectiveAt)).",
            "", "What changed: \(stored.version.summary)", "", "Please read it and acknowledge it here:",
            link(stored.number), "", "Fairdesk",
        ].joined(separator: "\n")
    }

    func withdrawnBody(_ stored: StoredVersion, reason: String) -> String {
        [
            "Hello,", "",
            "\(policy.title), version \(stored.number), which was to apply from "
                + "\(PageTime.text(stored.version.effectiveAt)), has been withdrawn. It will not apply.",
            "", "Why: \(reason)", "", "The policy as it stands:", publicURL + SitePath.policy(policy.key).path, "",
            "Fairdesk",
        ].joined(separator: "\n")
    }
}
