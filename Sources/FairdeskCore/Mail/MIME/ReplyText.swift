import Foundation

/// Finds what is new in a reply: the text above the quoted earlier message and the signature.
public enum ReplyText {
    /// The text without the quoted reply ("On … wrote:" and what follows, "> " lines, Outlook
    /// "-----Original Message-----" and "From: … Sent: …" blocks), without the signature ("-- " and the
    /// rest) and without trailing "Sent from my iPhone" lines. The whole text when nothing would remain.
    /// Forwarded messages are kept: they are usually what the customer wants us to read.
    public static func newText(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        var kept = Array(lines[..<quoteStart(lines)])
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
            let trimmed = last.trimmingCharacters(in: .whitespaces).lowercased()
            if trimmed.isEmpty || mobileSignatures.contains(where: { trimmed.hasPrefix($0) }) {
                kept.removeLast()
            } else {
                break
            }
        }
        // At most one blank line in a row.
        var collapsed: [Substring] = []
        for line in kept where !(line.isEmpty && collapsed.last?.isEmpty == true) { collapsed.append(line) }
        let result = collapsed.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
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

    /// True for a short line like "Ana <a@example.com> wrote:" that introduces a quote.
    private static func isAttribution(_ line: Substring) -> Bool {
        let lowered = line.lowercased().trimmingCharacters(in: .whitespaces)
        return lowered.hasSuffix(":")
            && (lowered.contains("wrote") || lowered.contains("schrieb") || lowered.contains("écrit"))
    }

    /// The index of the first line of the quoted earlier message, or the line count when there is none.
    private static func quoteStart(_ lines: [Substring]) -> Int {
        // Markers are short lines; of a long line only the start matters, which keeps this fast.
        let lowered = lines.map { line in
            (line.utf8.count > 400 ? line.prefix(100) : line).trimmingCharacters(in: .whitespaces).lowercased()
        }
        for (index, line) in lowered.enumerated() {
            if lines[index].utf8.count > 400 { continue }
            if line.hasPrefix("-") && line.hasSuffix("-") && originalMarkers.contains(where: line.contains) {
                return index
            }
            if line.count >= 20 && line.allSatisfy({ $0 == "_" }) {
                let next = lowered[(index + 1)..<min(index + 3, lowered.count)]
                if next.contains(where: { candidate in fromLabels.contains(where: candidate.hasPrefix) }) {
                    return index
                }
            }
            if fromLabels.contains(where: line.hasPrefix) {
                let block = lowered[(index + 1)..<min(index + 6, lowered.count)]
                if block.contains(where: { candidate in sentLabels.contains(where: candidate.hasPrefix) })
                    && block.contains(where: { $0.hasPrefix("to:") || $0.hasPrefix("subject:") || $0.hasPrefix("an:") })
                {
                    return index
                }
            }
            if attributionStarts.contains(where: line.hasPrefix) {
                var joined = ""
                for offset in 0..<3 where index + offset < lowered.count {
                    joined += (offset == 0 ? "" : " ") + lowered[index + offset]
                    if joined.count > 400 { break }
                    if attributionEnds.contains(where: joined.hasSuffix) { return index }
                }
            }
        }
        return lines.count
    }
}
