/// What Fairdesk records about a driver, what for, what it does by itself and what only a person
/// may do: the information a platform owes a worker about its automated monitoring and decisions
/// (EU 2024/2831, Article 9), in plain words, with the numbers of the policy in force. The driver's
/// page shows it below the exact rule, and the standing API returns it; staff see the same text.
public struct DataNotice: Sendable, Equatable {
    public var policy: DriverPolicy

    public init(_ policy: DriverPolicy) { self.policy = policy }

    /// One paragraph per question: recorded, used for, decided by Fairdesk, decided by a person,
    /// never used, seen by whom.
    public var lines: [String] {
        [
            "What is recorded: the blocks you accept (their times, when you started, and any you missed or "
                + "cancelled, with how much notice); each package (its address and delivery window, every scan "
                + "with its time, GPS position and accuracy, the outcome, whether a photo was taken, and why it "
                + "could not be delivered); and customers' feedback on a delivery. Your position is stored only "
                + "from your scans, and from GPS traces you choose to send with an appeal.",
            "What it is used for: your on-time rate, completion rate, missed blocks and scan compliance over "
                + "the last \(DriverText.count(policy.metricWindowDays, "day")) set your tier, by the exact rule "
                + "shown with your standing. Customer feedback is shown to you and to leads but does not change your tier. Records "
                + "are also the evidence named in a warning, a decision or a disputed delivery.",
            "What Fairdesk does by itself: it works out your standing as records arrive; it leaves out records "
                + "the depot's own data show were outside your control (weather, depot delays); and when you fall "
                + "into At risk it sends you a written warning, with "
                + "\(DriverText.count(policy.warningPeriodDays, "day")) to improve.",
            "What only a person decides: any restriction, suspension or deactivation. A named lead or reviewer "
                + "decides, with written reasons citing the policy and the records relied on. A suspension or "
                + "restriction lasts at most \(DriverText.count(policy.suspensionDaysMax, "day")). " + takesEffect
                + " You may appeal within \(DriverText.count(policy.appealWindowDays, "day")) to "
                + "someone who did not decide, who answers in writing within "
                + "\(DriverText.count(policy.reviewDeadlineDays, "day")).",
            "Never a reason for any action: " + forbidden + ".",
            "Who sees it: you, and the company's leads, reviewers and admins. You can download all of it, as "
                + "JSON or CSV, from your standing page.",
        ]
    }

    private var takesEffect: String {
        let urgent = policy.urgentGrounds.map(DecisionGrounds.words)
        let except =
            urgent.isEmpty ? "" : ", except on urgent grounds (\(urgent.joined(separator: ", "))), which apply at once"
        return policy.actionNoticeDays == 0
            ? "It applies as soon as you are told."
            : "It applies \(DriverText.count(policy.actionNoticeDays, "day")) after you are told\(except)."
    }

    /// Every ground the law or the policy forbids, in words.
    private var forbidden: String {
        let policyOnly = policy.reasonKinds.filter { $0.value == "forbidden" }.keys.sorted()
        let all = DecisionGrounds.alwaysForbidden + policyOnly.filter { !DecisionGrounds.alwaysForbidden.contains($0) }
        return all.map(DecisionGrounds.words).joined(separator: ", ")
    }
}
