import Foundation

extension HandOverRules {
    /// The written summary an agent reads when a conversation reaches them: why the bot handed over,
    /// what the customer asked, and what the bot answered with its citations, so nobody asks the
    /// customer to repeat themselves.
    ///
    /// `turns` is the conversation up to and including the bot's hand-over turn; without one, the
    /// summary says the bot did not hand over (a person took the conversation on their own).
    public static func handOverSummary(turns: [BotTurn]) -> String {
        var lines: [String] = []
        let decision = turns.last(where: { $0.handOver != nil })?.handOver
        if let decision {
            let also = decision.reasons.dropFirst().map(\.label)
            var why = "Handed over: \(decision.reason.label)."
            if !also.isEmpty { why += " Also: \(also.joined(separator: ", "))." }
            lines.append(why)
            if let topic = decision.topic { lines.append("Topic: \(topic).") }
            lines.append(decision.detail)
        } else {
            lines.append("The bot did not hand over; a person took the conversation.")
        }
        let customerTurns = turns.filter { $0.speaker == .customer }
        var orders: [String] = []
        for number in turns.flatMap(\.orderNumbers) where !orders.contains(number) { orders.append(number) }
        if !orders.isEmpty { lines.append("Orders mentioned: \(orders.joined(separator: ", ")).") }
        if let first = customerTurns.first, let end = turns.last?.at {
            let minutes = Int((end.timeIntervalSince(first.at) / 60).rounded())
            lines.append(
                "\(customerTurns.count) customer message\(customerTurns.count == 1 ? "" : "s") over "
                    + (minutes < 1 ? "under a minute" : "\(minutes) minute\(minutes == 1 ? "" : "s")")
                    + " with the bot.")
        }
        lines.append("")
        var number = 0
        for turn in turns {
            switch turn.speaker {
            case .customer:
                number += 1
                var line = "\(number). Customer asked: \"\(oneLine(turn.text))\""
                if let intent = turn.intent {
                    line += " (read as \(intent.label)"
                    if let confidence = turn.confidence { line += ", confidence " + String(format: "%.2f", confidence) }
                    line += ")"
                }
                lines.append(line)
            case .bot:
                if turn.handOver != nil {
                    lines.append("   Bot handed over and told the customer: \"\(oneLine(turn.text))\"")
                } else {
                    var line = "   Bot answered: \"\(oneLine(turn.text))\""
                    if !turn.citations.isEmpty {
                        line += " [cites \(turn.citations.map(\.text).joined(separator: "; "))]"
                    }
                    lines.append(line)
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The text on one line, shortened to 300 characters so a long email does not bury the summary.
    static func oneLine(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > 300 ? String(flat.prefix(299)) + "…" : flat
    }
}
