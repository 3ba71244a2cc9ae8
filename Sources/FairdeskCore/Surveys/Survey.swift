import Foundation

/// Why a customer says a case was not solved: the short list they choose from.
public enum SurveyReason: String, Sendable, Codable, CaseIterable {
    case notSolved = "not_solved"
    case tookTooLong = "took_too_long"
    case hadToRepeat = "had_to_repeat"
    case agentUnhelpful = "agent_unhelpful"
    case disagreeWithPolicy = "disagree_with_policy"
    case productOrDelivery = "product_or_delivery"
    case other

    /// The words the customer sees.
    public var label: String {
        switch self {
        case .notSolved: "My problem is not solved"
        case .tookTooLong: "It took too long"
        case .hadToRepeat: "I had to repeat myself"
        case .agentUnhelpful: "The agent was unhelpful or rude"
        case .disagreeWithPolicy: "I disagree with the policy"
        case .productOrDelivery: "The product or the delivery was the problem"
        case .other: "Something else"
        }
    }

    /// Who each reason is put down to until a policy owner publishes otherwise: only what an agent
    /// controls is put down to the agent.
    public static let suggestedAttribution: [String: String] = [
        SurveyReason.notSolved.rawValue: Attribution.agent.rawValue,
        SurveyReason.tookTooLong.rawValue: Attribution.process.rawValue,
        SurveyReason.hadToRepeat.rawValue: Attribution.process.rawValue,
        SurveyReason.agentUnhelpful.rawValue: Attribution.agent.rawValue,
        SurveyReason.disagreeWithPolicy.rawValue: Attribution.policy.rawValue,
        SurveyReason.productOrDelivery.rawValue: Attribution.product.rawValue,
        SurveyReason.other.rawValue: Attribution.process.rawValue,
    ]
}

/// Who a dissatisfied answer is put down to. Only `agent` counts against agents.
public enum Attribution: String, Sendable, Codable, CaseIterable {
    case agent, policy, product, delivery, process
}

/// A customer's answer to "Did we solve your problem?".
public struct SurveyAnswer: Sendable, Equatable {
    public var solved: Bool
    public var reason: SurveyReason?
    public var comment: String?

    public init(solved: Bool, reason: SurveyReason?, comment: String?) {
        self.solved = solved
        self.reason = reason
        self.comment = comment
    }

    /// Reads an answer as a form or the API sent it: "yes" or "no"; a "no" needs one of the
    /// reasons; a comment is optional and at most 2,000 characters. Every problem at once.
    public static func parse(solved: String?, reason: String?, comment: String?) throws(ValidationFailure)
        -> SurveyAnswer
    {
        var checks = Checks()
        let answer = solved?.trimmingCharacters(in: .whitespaces).lowercased()
        var isSolved: Bool?
        switch answer {
        case "yes": isSolved = true
        case "no": isSolved = false
        case nil, "": checks.add("solved", "must be answered: yes or no")
        default: checks.add("solved", "must be yes or no (got \"\(answer!.prefix(20))\")")
        }
        var parsedReason: SurveyReason?
        let reasonText = reason?.trimmingCharacters(in: .whitespaces) ?? ""
        if !reasonText.isEmpty {
            parsedReason = SurveyReason(rawValue: reasonText)
            if parsedReason == nil {
                checks.add(
                    "reason",
                    "must be one of: " + SurveyReason.allCases.map(\.rawValue).joined(separator: ", ")
                        + " (got \"\(reasonText.prefix(40))\")")
            }
        } else if isSolved == false {
            checks.add("reason", "must be chosen when the problem was not solved, so we know what went wrong")
        }
        let text = comment?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let text, text.count > 2_000 {
            checks.add("comment", "must be at most 2000 characters (got \(text.count))")
        }
        try checks.finish()
        return SurveyAnswer(
            solved: isSolved!, reason: isSolved! ? nil : parsedReason, comment: text?.isEmpty == false ? text : nil)
    }
}

/// One agent's part in a case, from the case's timeline.
public struct HandlingPart: Sendable, Equatable {
    public var agentKey: String
    /// Messages, notes and calls the agent wrote on the case.
    public var entries: Int
    /// Seconds the agent owned the case.
    public var ownedSeconds: Double

    public init(agentKey: String, entries: Int, ownedSeconds: Double) {
        self.agentKey = agentKey
        self.entries = entries
        self.ownedSeconds = ownedSeconds
    }
}

/// Sharing an agent-attributed "no" among everyone who handled the case.
public enum AttributionShares {
    /// Each agent's share, adding up to 1: the average of their share of the entries and their
    /// share of the time the case was owned (when one of the two is unknown for everyone, the
    /// other alone decides; when both are, the agents share equally). Agents with no part are left
    /// out, so a "no" is never pinned on whoever held the case last.
    public static func split(_ parts: [HandlingPart]) -> [String: Double] {
        var merged: [String: HandlingPart] = [:]
        for part in parts {
            var current = merged[part.agentKey] ?? HandlingPart(agentKey: part.agentKey, entries: 0, ownedSeconds: 0)
            current.entries += max(0, part.entries)
            current.ownedSeconds += max(0, part.ownedSeconds)
            merged[part.agentKey] = current
        }
        let involved = merged.values.filter { $0.entries > 0 || $0.ownedSeconds > 0 }
        guard !involved.isEmpty else { return [:] }
        let totalEntries = Double(involved.map(\.entries).reduce(0, +))
        let totalSeconds = involved.map(\.ownedSeconds).reduce(0, +)
        var shares: [String: Double] = [:]
        for part in involved {
            let entryShare = totalEntries > 0 ? Double(part.entries) / totalEntries : nil
            let timeShare = totalSeconds > 0 ? part.ownedSeconds / totalSeconds : nil
            switch (entryShare, timeShare) {
            case (let entries?, let time?): shares[part.agentKey] = (entries + time) / 2
            case (let entries?, nil): shares[part.agentKey] = entries
            case (nil, let time?): shares[part.agentKey] = time
            case (nil, nil): shares[part.agentKey] = 1 / Double(involved.count)
            }
        }
        return shares
    }
}
