import Foundation

/// Finds what is new in a reply: the text above the quoted earlier message and the signature.
public enum ReplyText {
    /// The text without the quoted reply ("On … wrote:" and what follows, "> " lines, Outlook
    /// "-----Original Message-----" and "From: … Sent: …" blocks), without the signature ("-- " and the
    /// rest), without a mailing list's footer, without Outlook's "[cid:…]" image placeholders and without
    /// trailing "Sent from my iPhone" lines. The whole text when nothing would remain.
    /// A reply written below or between quoted lines keeps its own words: only the quote and its "On …
    /// wrote:" line go. Forwarded messages are kept: they are usually what the customer wants us to read.
    public static func newText(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        let (start, attributions) = quoteStart(lines)
        var kept = lines[..<start].enumerated().filter { !attributions.contains($0.offset) }.map(\.element)
        kept.removeAll(where: isImagePlaceholder)
        // Quoted lines, and the "… wrote:" line introducing them.
        var unquoted: [Substring] = []
        var inQuote = false
        for line in kept {
            guard line.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix(">") else {
                unquoted.append(line)
                inQuote = false
                continue
            }
            if inQuote { continue }
            inQuote = true
            while let last = unquoted.last, last.allSatisfy({ $0 == " " || $0 == "\t" }) { unquoted.removeLast() }
            if let last = unquoted.last, last.utf8.count <= 400, isAttribution(last) { unquoted.removeLast() }
            unquoted.append("")
        }
        kept = unquoted
        // The signature.
        if let dash = kept.firstIndex(where: { $0 == "-- " || $0 == "--" }) { kept = Array(kept[..<dash]) }
        // Trailing "Sent from my iPhone" lines.
        while let last = kept.last {
            let trimmed = last.trimmedSpaces.lowercased()
            if trimmed.isEmpty || mobileSignatures.contains(where: { trimmed.hasPrefix($0) }) {
                kept.removeLast()
            } else {
                break
            }
        }
        // At most one blank line in a row.
        var collapsed: [Substring] = []
        for line in kept where !(line.isEmpty && collapsed.last?.isEmpty == true) { collapsed.append(line) }
        let result = collapsed.joined(separator: "\n").trimmed
        return result.isEmpty ? text : result
    }

    private static let mobileSignatures = [
        "sent from my ", "sent from mail for windows", "sent from outlook", "sent from yahoo mail", "get outlook for ",
        "sent via ", "sent with proton mail", "von meinem ", "gesendet von meinem ", "envoyé de mon ",
        "enviado desde mi ", "inviato da ", "verstuurd vanaf mijn ",
    ]
    private static let attributionStarts = ["on ", "am ", "le ", "el ", "op ", "il ", "den ", "w dniu ", "em "]
    private static let attributionEnds = [
        "wrote:", "schrieb:", "a écrit :", "a écrit:", "escribió:", "schreef:", "ha scritto:", "skrev:", "napisał:",
        "escreveu:",
    ]
    private static let originalMarkers = [
        "original message", "ursprüngliche nachricht", "message d'origine", "mensaje original", "messaggio originale",
        "oorspronkelijk bericht",
    ]
    private static let fromLabels = ["from:", "*from:*", "von:", "de :", "de:", "van:", "da:"]
    private static let sentLabels = [
        "sent:", "*sent:*", "date:", "*date:*", "gesendet:", "datum:", "envoyé :", "envoyé:", "enviado:", "verzonden:",
        "inviato:",
    ]

    /// True for a short line like "Ana <a@example.com> wrote:" (or Gnus' "… writes:") that introduces a
    /// quote.
    private static func isAttribution(_ line: Substring) -> Bool {
        let lowered = line.lowercased().trimmedSpaces
        return lowered.hasSuffix(":")
            && (lowered.contains("wrote") || lowered.contains("writes") || lowered.contains("schrieb")
                || lowered.contains("écrit"))
    }

    /// True for a line that only holds Outlook's stand-in for an inline image: "[cid:image001.png@01DA…]".
    private static func isImagePlaceholder(_ line: Substring) -> Bool {
        let trimmed = line.trimmedSpaces
        return trimmed.hasPrefix("[cid:") && trimmed.hasSuffix("]") && !trimmed.dropFirst().contains("[")
    }

    /// True when the lines from `start` hold a quote ("> " lines, after any blank ones) followed by more
    /// words of the writer's own: a reply written below or between the quoted lines. A signature alone after
    /// the quote does not count.
    private static func hasTextAfterQuote(_ lowered: [String], from start: Int) -> Bool {
        var index = start
        while index < lowered.count && lowered[index].isEmpty { index += 1 }
        guard index < lowered.count, lowered[index].hasPrefix(">") else { return false }
        while index < lowered.count && (lowered[index].isEmpty || lowered[index].hasPrefix(">")) { index += 1 }
        return index < lowered.count && lowered[index] != "--"
    }

    /// The index of the first line of the quoted earlier message (the line count when there is none), and
    /// the lines of "On … wrote:" attributions above quotes that the writer answered below.
    private static func quoteStart(_ lines: [Substring]) -> (start: Int, attributions: Set<Int>) {
        var attributions: Set<Int> = []
        // Markers are short lines; of a long line only the start matters, which keeps this fast.
        let lowered = lines.map { line in
            (line.utf8.count > 400 ? line.prefix(100) : line).trimmedSpaces.lowercased()
        }
        for (index, line) in lowered.enumerated() {
            if lines[index].utf8.count > 400 { continue }
            if line.hasPrefix("-") && line.hasSuffix("-") && originalMarkers.contains(where: line.contains) {
                return (index, attributions)
            }
            if line.count >= 20 && line.allSatisfy({ $0 == "_" }) {
                let next = lowered[(index + 1)..<min(index + 3, lowered.count)]
                if next.contains(where: { candidate in fromLabels.contains(where: candidate.hasPrefix) }) {
                    return (index, attributions)
                }
                // A mailing list's footer, as Mailman writes it: "Users mailing list" under the line.
                if next.first?.contains("mailing list") == true { return (index, attributions) }
            }
            if fromLabels.contains(where: line.hasPrefix) {
                let block = lowered[(index + 1)..<min(index + 6, lowered.count)]
                if block.contains(where: { candidate in sentLabels.contains(where: candidate.hasPrefix) })
                    && block.contains(where: { $0.hasPrefix("to:") || $0.hasPrefix("subject:") || $0.hasPrefix("an:") })
                {
                    return (index, attributions)
                }
            }
            if attributionStarts.contains(where: line.hasPrefix) {
                var joined = ""
                for offset in 0..<3 where index + offset < lowered.count {
                    joined += (offset == 0 ? "" : " ") + lowered[index + offset]
                    if joined.count > 400 { break }
                    guard attributionEnds.contains(where: joined.hasSuffix) else { continue }
                    // Answered below the quote: drop the attribution, keep looking.
                    guard hasTextAfterQuote(lowered, from: index + offset + 1) else { return (index, attributions) }
                    attributions.formUnion(index...(index + offset))
                    break
                }
            }
        }
        return (lines.count, attributions)
    }
}
