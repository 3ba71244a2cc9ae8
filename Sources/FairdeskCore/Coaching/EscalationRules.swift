import Foundation

/// The rule that keeps the company's side of an improvement plan: no warning while coaching it
/// promised is still owed, unless a lead overrides with a recorded reason.
public enum EscalationRules {
    /// Whether `plan` may escalate to `level` at `now`.
    ///
    /// Refused before the plan starts, and refused while the tally owes sessions (see `CoachingTally`:
    /// sessions the agent missed are not owed) unless `override` carries a non-blank reason from
    /// someone other than the agent. An override is used only when it is needed, so a plan whose
    /// coaching was delivered never records one.
    public static func canEscalate(
        _ plan: ImprovementPlan, to level: EscalationLevel, at now: Date, override: EscalationOverride? = nil
    ) -> EscalationDecision {
        let tally = CoachingTally(plan: plan, at: now)
        func decision(_ allowed: Bool, _ reason: String, override: EscalationOverride? = nil) -> EscalationDecision {
            EscalationDecision(allowed: allowed, level: level, reason: reason, tally: tally, override: override)
        }
        if now < plan.startsAt {
            return decision(false, "The plan has not started yet, so it cannot escalate to \(level.label).")
        }
        if tally.isDelivered {
            return decision(
                true,
                "The coaching promised so far was delivered (\(tally.summary)), so the plan may escalate to "
                    + "\(level.label).")
        }
        let owed = "The coaching promised was not delivered (\(tally.summary))"
        guard let override else {
            return decision(
                false,
                "\(owed), so the plan cannot escalate to \(level.label) until the coaching is held or a lead "
                    + "overrides with a written reason.")
        }
        let reason = override.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if reason.isEmpty {
            return decision(false, "\(owed), and the override gives no reason; an override must say why.")
        }
        if override.leadID == plan.agentID {
            return decision(false, "\(owed), and the agent on the plan cannot override for themselves.")
        }
        return decision(
            true, "\(owed), but a lead overrode with this reason: \(reason)", override: override)
    }
}
