import Foundation

/// The rules for an email that arrives: which case it belongs to and whether it may start one.
///
/// Threading follows what mail clients already do. A reply names the messages it answers in
/// `In-Reply-To` and `References`; Fairdesk remembers the `Message-ID` of every message it sent
/// and received, so a reply finds its case even when the customer changed the subject. When the
/// headers were lost (some clients and forwarding drop them), the case number Fairdesk puts in
/// every subject, "(case 1042)", is the second way back.
///
/// Loop protection: mail written by a machine (auto-replies, bounces, lists, bulk) never starts a
/// case and is never answered; a sender who writes more than a limit in an hour is held for an
/// admin to look at, so two robots answering each other cannot fill the queue.
public enum MailIntake {
    /// The case-number marker Fairdesk adds to the subject of everything it sends about a case.
    public static func subjectMarker(caseNumber: Int64) -> String { "(case \(caseNumber))" }

    /// The subject of a reply about a case: "Re: " once, the case's subject, the marker once.
    public static func replySubject(caseSubject: String, caseNumber: Int64) -> String {
        var subject = caseSubject
        while let range = subject.range(
            of: #"^\s*(re|fw|fwd|aw|sv|vs)\s*:\s*"#, options: [.regularExpression, .caseInsensitive])
        {
            subject.removeSubrange(range)
        }
        let marker = subjectMarker(caseNumber: caseNumber)
        if !subject.contains(marker) { subject += " " + marker }
        return "Re: " + subject
    }

    /// The case number in a subject: "(case 1042)", "[case #1042]" or "case #1042"; nil when there is none.
    public static func caseNumber(inSubject subject: String) -> Int64? {
        guard
            let range = subject.range(
                of: #"[\(\[]\s*case\s*#?\s*([0-9]{1,18})\s*[\)\]]|\bcase\s*#([0-9]{1,18})\b"#,
                options: [.regularExpression, .caseInsensitive])
        else { return nil }
        let digits = subject[range].filter(\.isNumber)
        return Int64(digits)
    }

    /// The message ids a reply points at, the one it answers first, then its references newest first,
    /// without repeats: the order in which to look for a known message.
    public static func threadCandidates(inReplyTo: [String], references: [String]) -> [String] {
        var seen: Set<String> = []
        var result: [String] = []
        for id in inReplyTo + references.reversed() where !id.isEmpty && seen.insert(id).inserted {
            result.append(id)
        }
        return Array(result.prefix(50))
    }

    /// The `References` of a reply Fairdesk sends: the case's messages in the order they were written,
    /// the latest 20 (mail clients need the first and the last; servers limit header length).
    public static func references(_ messageIDs: [String]) -> [String] {
        var seen: Set<String> = []
        let unique = messageIDs.filter { !$0.isEmpty && seen.insert($0).inserted }
        guard unique.count > 20 else { return unique }
        return [unique[0]] + unique.suffix(19)
    }

    /// What to do with an email.
    public enum Verdict: Sendable, Equatable {
        /// A person wrote: it joins its case or starts one.
        case file
        /// A machine wrote (an auto-reply, a bounce, a list): it may join the case it answers as an
        /// internal note, but it never starts a case, reopens one or gets an answer.
        case automatic(String)
        /// Kept for an admin to look at, not filed: a loop or a flood.
        case held(String)
    }

    /// Decides what to do with `mail`. `ourAddresses`: the addresses Fairdesk sends from, in lower
    /// case; `recentFromSender`: messages from the same sender in the last hour; `hourlyLimit`:
    /// how many a sender may write in an hour before the rest is held.
    public static func verdict(
        for mail: ParsedMail, ourAddresses: Set<String>, recentFromSender: Int, hourlyLimit: Int
    ) -> Verdict {
        guard let from = mail.from?.address.lowercased() else {
            return .held("the message has no readable sender (From)")
        }
        if ourAddresses.contains(from) {
            return .held("the message comes from Fairdesk's own address \(from): a mail loop")
        }
        if mail.isAutomatic {
            return .automatic(automaticReason(mail))
        }
        if recentFromSender >= hourlyLimit {
            return .held(
                "\(from) sent more than \(hourlyLimit) messages in an hour; held so a loop cannot flood the queue")
        }
        return .file
    }

    /// Why `mail` counts as written by a machine, in plain words.
    public static func automaticReason(_ mail: ParsedMail) -> String {
        let contentType = (mail.header("Content-Type") ?? "").lowercased()
        let from = (mail.from?.address ?? "").lowercased()
        if contentType.contains("multipart/report") || from.hasPrefix("mailer-daemon@") || from.hasPrefix("postmaster@")
        {
            return "a delivery failure report (bounce)"
        }
        if let submitted = mail.header("Auto-Submitted"), submitted.lowercased().hasPrefix("auto-replied") {
            return "an automatic reply (Auto-Submitted: auto-replied)"
        }
        if let submitted = mail.header("Auto-Submitted") {
            return "a message generated by a machine (Auto-Submitted: \(submitted))"
        }
        if mail.header("List-Id") != nil {
            return "a mailing-list message (List-Id: \(mail.header("List-Id") ?? ""))"
        }
        if let precedence = mail.header("Precedence") ?? mail.header("X-Precedence") {
            return "bulk mail (Precedence: \(precedence))"
        }
        return "an automatic reply"
    }
}
