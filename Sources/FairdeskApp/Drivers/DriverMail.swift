import FairdeskCore
import Foundation

/// The emails that tell a driver what was decided about them, in plain words with the link to the
/// records behind it.
enum DriverMail {
    /// A written warning: what was found, on what evidence, the way back, and the date to improve by.
    static func warning(_ warning: DriverWarning, name: String, citation: String, link: String) -> String {
        [
            "Hello \(name),", "",
            "This is a written warning under the driver standing policy (\(citation)). No action has been "
                + "taken against you, and none may be taken for this before the period to improve ends.",
            "", warning.text, "",
            "Your standing, with every delivery behind each number and the exact rule, is here:", link, "",
            "If a record is wrong or was outside your control (weather, a depot delay, a road closure, an app "
                + "outage, illness you reported in advance), tell your lead: it can be excused and left out.",
            "", "Fairdesk",
        ].joined(separator: "\n")
    }

    /// A warning withdrawn: which one, and why it no longer stands.
    static func withdrawn(text: String, issuedAt: Date, reason: String, name: String, link: String) -> String {
        [
            "Hello \(name),", "",
            "The written warning you were given on \(PageTime.text(issuedAt)) is withdrawn. \(reason) "
                + "It no longer counts: no action may rest on it.",
            "", "The warning was:", text, "", "Your standing is here:", link, "", "Fairdesk",
        ].joined(separator: "\n")
    }

    /// A decision: what, from when, who decided, the statement of reasons, and how and until when
    /// to appeal.
    static func decision(
        _ decision: DriverDecision, name: String, citation: String, appealUntil: Date, reviewDays: Int, link: String
    ) -> String {
        var lines = [
            "Hello \(name),", "",
            "\(decision.decider.name) (\(decision.decider.role.rawValue)) has decided a \(decision.action.rawValue) "
                + "of your account under \(citation), clause \(decision.statement.clause), from "
                + "\(PageTime.text(decision.effectiveAt)).",
        ]
        if let ends = decision.endsAt {
            lines.append("It ends on \(PageTime.text(ends)).")
        }
        if let interim = decision.interimUntil {
            lines.append(
                "This is an interim suspension: it ends on \(PageTime.text(interim)) unless a full decision follows.")
        }
        lines += [
            "", "The reasons: \(decision.statement.text)", "",
            "Grounds: " + decision.statement.grounds.map(DecisionGrounds.words).joined(separator: ", "),
            "The records relied on: " + decision.statement.evidence.joined(separator: ", "), "",
            "You may appeal until \(PageTime.text(appealUntil)), with your account and your own evidence (GPS "
                + "traces, timestamps, photos). A different person reviews it and answers in writing within "
                + "\(reviewDays) days.",
            "", "Your standing and this decision:", link, "", "Fairdesk",
        ]
        return lines.joined(separator: "\n")
    }
}

extension DriverMail {
    /// An appeal received: who reviews it and by when the written answer is due.
    static func appealFiled(_ appeal: Appeal, name: String, link: String) -> String {
        [
            "Hello \(name),", "",
            "We have received your appeal. "
                + (appeal.reviewer.map { "\($0.name), who did not make the original decision, reviews it." }
                    ?? "A reviewer who did not make the original decision will be assigned."),
            "You will have a written, reasoned answer by \(PageTime.text(appeal.reviewDueAt)).", "",
            "Having appealed is never held against you.", "",
            "Your standing and your appeal are here:", link, "", "Fairdesk",
        ].joined(separator: "\n")
    }

    /// The reviewer's answer: the outcome, the reasons in the reviewer's words, and any requirements.
    static func appealDecided(
        _ resolution: AppealResolution, requirements: [String], cleared: [String] = [], name: String, link: String
    ) -> String {
        var lines = [
            "Hello \(name),", "",
            "\(resolution.reviewer.name) (\(resolution.reviewer.role.rawValue)) has decided your appeal: "
                + "\(resolution.outcome.title).", "", "Reasons:", resolution.reasons,
        ]
        if case .conditionallyReinstated(_, let dueBy) = resolution.outcome {
            lines += ["", "Your access is restored on these conditions, to be met by \(PageTime.text(dueBy)):"]
            lines += requirements.map { "- " + $0 }
        }
        if !cleared.isEmpty {
            let when =
                resolution.outcome == .reinstated
                ? "no longer count" : "will no longer count, once the conditions are met,"
            lines += [
                "",
                "These records the decision relied on \(when) against you: " + cleared.joined(separator: ", ") + ".",
            ]
        }
        lines += ["", "Your standing and the appeal are here:", link, "", "Fairdesk"]
        return lines.joined(separator: "\n")
    }
}

extension DriverMail {
    /// Every condition of a reinstatement met: the appeal is closed as reinstated.
    static func conditionsMet(_ progress: [RequirementProgress], name: String, link: String) -> String {
        ([
            "Hello \(name),", "",
            "You have met every condition of your reinstatement, so your appeal is closed as "
                + "reinstated:",
        ]
            + progress.map { "- \($0.requirement.words): \($0.note)" }
            + ["", "Your standing and the appeal are here:", link, "", "Fairdesk"]).joined(separator: "\n")
    }

    /// The conditions went back to a person: why, who answers and by when; nothing is taken meanwhile.
    static func conditionsBackToReview(note: String, reviewer: String?, due: Date, name: String, link: String)
        -> String
    {
        [
            "Hello \(name),", "",
            "The conditions of your reinstatement have gone back to "
                + (reviewer.map { "\($0), a reviewer," } ?? "a reviewer") + " because " + note + ".", "",
            "This is not a decision against you and nothing is taken from you in the meantime. A written, "
                + "reasoned answer is due by \(PageTime.text(due)); you may add evidence to your appeal until then.",
            "", "Your standing and the appeal are here:", link, "", "Fairdesk",
        ].joined(separator: "\n")
    }

    /// A training module the conditions require was recorded as completed.
    static func trainingRecorded(title: String, by person: String, name: String, link: String) -> String {
        [
            "Hello \(name),", "",
            "\(person) has recorded the training module \"\(title)\" as completed for the conditions of your "
                + "reinstatement.", "",
            "Your standing and how each condition stands are here:", link, "", "Fairdesk",
        ].joined(separator: "\n")
    }
}

extension DriverMail {
    /// An interim suspension ran out without a full decision: it has ended by itself.
    static func interimLapsed(until: Date, decider: String, name: String, link: String) -> String {
        [
            "Hello \(name),", "",
            "The interim suspension \(decider) decided was allowed only until \(PageTime.text(until)), unless a "
                + "full decision followed. None did, so it has ended and you can take offers again.", "",
            "It stays on your page, marked as lapsed; you may still appeal it while its appeal window is open.", "",
            "Your standing:", link, "", "Fairdesk",
        ].joined(separator: "\n")
    }
}

extension DriverMail {
    /// A claim opened about one of the driver's deliveries: what the customer says, what the
    /// evidence shows, that nothing counts yet, and how to give their side.
    static func disputeOpened(
        packageID: String, account: String, proposed: DisputeAssessment, name: String, link: String
    ) -> String {
        ([
            "Hello \(name),", "",
            "A customer says package \(packageID) was recorded as delivered but never arrived. This is not a "
                + "strike: nothing counts against you unless a lead or reviewer, having looked at the delivery "
                + "evidence, records a finding against you.", "", "What the customer says: \(account)", "",
            "What the delivery evidence shows:",
        ]
            + proposed.reasons.map { "- " + $0 }
            + [
                "",
                "You can give your side, in your own words, on your standing page before the finding is "
                    + "recorded; the person deciding reads it.",
                link, "", "Fairdesk",
            ]).joined(separator: "\n")
    }

    /// A finding against the driver on a customer's "delivered but not received" claim: who found
    /// it and why, the evidence, what it counts toward, and how to answer it.
    static func disputeFinding(_ dispute: DeliveryDispute, name: String, citation: String, link: String) -> String {
        guard let decision = dispute.decision else { return "" }
        return
            ([
                "Hello \(name),", "",
                "A customer said package \(dispute.packageID) was delivered but never received. "
                    + "\(decision.decidedBy.name) (\(decision.decidedBy.role.rawValue)) has looked at the delivery "
                    + "evidence and recorded a finding against you on \(PageTime.text(decision.decidedAt)), under "
                    + "\(citation).", "",
                "Their reasons: \(decision.reason)", "", "The delivery evidence:",
            ]
            + dispute.proposed.reasons.dropLast().map { "- " + $0 }
            + [
                "",
                "What it means: this package now counts as not completed in your completion rate. It is not an "
                    + "action against your account. A written warning always comes before any action; if a "
                    + "decision is ever made that relies on this package, you can appeal it within the appeal "
                    + "window, with your account and your own evidence (GPS traces, timestamps, photos), and a "
                    + "different person reviews it.",
                "If the finding is wrong, or the package was outside your control, tell your lead: the record can "
                    + "be excused and left out.", "",
                "Your standing, with this dispute and the evidence behind it:", link, "", "Fairdesk",
            ]).joined(separator: "\n")
    }
}
