import FairdeskCore
import Fluent
import Foundation
import Vapor

/// A timeline entry as a page shows it.
struct EntryView: Encodable {
    struct File: Encodable {
        var name: String
        var href: String
        var size: String
    }

    var id: String
    var kind: String
    var label: String
    var channel: String
    /// `inbound`, `outbound` or `internal`: the page colours entries by it.
    var direction: String
    var author: String
    var body: String
    var iso: String
    var time: String
    var caseNumber: String?
    var caseHref: String
    /// Whether the entry belongs to another case of the same customer.
    var otherCase: Bool
    var call: String?
    var handoffNote: String?
    var files: [File]
    /// Leaf treats an empty list as true, so pages test this instead.
    var hasFiles: Bool
    var hasBody: Bool
    /// For staff: the page of the email the entry came from (headers, whole text, raw source).
    var original: String?
    /// For staff: what the mail parser found wrong with that email.
    var mailProblems: String?

    static func label(_ entry: TimelineEntry) -> String {
        switch entry.kind {
        case .message:
            entry.direction == .inbound
                ? "Customer wrote (\(entry.channel.rawValue))" : "Reply (\(entry.channel.rawValue))"
        case .note: "Internal note"
        case .call: entry.direction == .inbound ? "Call from the customer" : "Call to the customer"
        case .transfer: "Transfer"
        case .statusChange: "Status"
        case .merge: "Customers merged"
        }
    }

    static func duration(_ seconds: Int) -> String {
        seconds >= 60 ? "\(seconds / 60) min \(seconds % 60) s" : "\(seconds) s"
    }

    /// Builds views for `entries`, with their files and case numbers, as seen from `currentCase`;
    /// `staff` pages also link each email to its original.
    static func make(
        _ entries: [TimelineEntry], currentCase: UUID?, caseHref: (UUID) -> String, staff: Bool = false,
        on db: any Database
    ) async throws -> [EntryView] {
        let files = try await CaseQueries(db: db).attachments(of: entries)
        let caseIDs = Array(Set(entries.compactMap { $0.$supportCase.id }))
        let numbers = Dictionary(
            uniqueKeysWithValues: try await SupportCase.query(on: db).filter(\.$id ~~ caseIDs).all().map {
                ($0.id!, $0.number)
            })
        return entries.map { entry in
            let caseID = entry.$supportCase.id
            var call: String?
            if entry.kind == .call, let talk = entry.talkSeconds, let hold = entry.holdSeconds,
                let work = entry.afterCallWorkSeconds
            {
                call = "Talk \(duration(talk)), hold \(duration(hold)), after-call work \(duration(work))"
            }
            var handoff: String?
            var original: String?
            var mailProblems: String?
            if let details = entry.details,
                let decoded = try? JSONDecoder().decode([String: String].self, from: Data(details.utf8))
            {
                if entry.kind == .transfer { handoff = decoded["handoffNote"] }
                if staff, let email = decoded["inboundEmail"].flatMap(UUID.init(uuidString:)) {
                    original = SitePath.inboundEmail(email).path
                    mailProblems = decoded["mailProblems"]
                }
            }
            let attached = files[entry.id!] ?? []
            let body = handoff == nil ? entry.body : entry.body.components(separatedBy: ". Handoff note:").first ?? ""
            return EntryView(
                id: entry.id!.uuidString, kind: entry.kind.rawValue, label: label(entry),
                channel: entry.channel.rawValue,
                direction: entry.direction.rawValue, author: entry.authorLabel,
                body: body,
                iso: PageTime.iso(entry.occurredAt), time: PageTime.text(entry.occurredAt),
                caseNumber: caseID.flatMap { numbers[$0] }.map { "#\($0)" },
                caseHref: caseID.map(caseHref) ?? "", otherCase: caseID != nil && caseID != currentCase, call: call,
                handoffNote: handoff,
                files: attached.map {
                    File(
                        name: $0.filename,
                        href: SitePath.attachment(caseID: $0.$supportCase.id, attachmentID: $0.id!).path,
                        size: ByteCountFormatter.string(fromByteCount: $0.byteSize, countStyle: .file))
                }, hasFiles: !attached.isEmpty, hasBody: !body.isEmpty, original: original, mailProblems: mailProblems)
        }
    }

    /// The cursor just after the newest of `entries`, for live catch-up.
    static func cursor(after entries: [TimelineEntry], or fallback: Date) -> String {
        if let last = entries.max(by: { ($0.occurredAt, $0.id!.uuidString) < ($1.occurredAt, $1.id!.uuidString) }) {
            return PageCursor(at: last.occurredAt, id: last.id!).encoded
        }
        return PageCursor(at: fallback, id: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))).encoded
    }
}
