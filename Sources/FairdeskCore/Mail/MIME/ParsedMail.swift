import Foundation

/// An inbound email read into what Fairdesk needs: who wrote it, about what, the text, the attachments,
/// whether a machine sent it, and a list of everything that was wrong with it and how that was handled.
///
/// The parser never fails: for broken mail it fills in what it could read and says what it could not in
/// `problems`. The caller keeps the raw bytes, so nothing is lost.
public struct ParsedMail: Sendable, Equatable {
    /// All header fields of the message in their order, unfolded, with encoded words decoded.
    public var headers: [MailHeaderField] = []
    /// The first mailbox of the From header.
    public var from: MailAddress?
    public var to: [MailAddress] = []
    public var cc: [MailAddress] = []
    /// The first mailbox of the Reply-To header.
    public var replyTo: MailAddress?
    public var subject: String = ""
    public var date: Date?
    /// Without angle brackets.
    public var messageID: String?
    /// Message ids, without angle brackets.
    public var inReplyTo: [String] = []
    /// Message ids, without angle brackets, oldest first as the sender wrote them.
    public var references: [String] = []
    /// The best plain text: the text/plain parts if there are any, else the HTML turned into readable text.
    public var text: String = ""
    /// The HTML part, if any, as decoded text.
    public var html: String?
    /// `text` without the quoted earlier messages and without the signature; `text` itself when nothing
    /// would remain.
    public var newText: String = ""
    public var attachments: [MailAttachment] = []
    /// True for mail sent by a machine: auto-replies, bounces, mailing lists and bulk mail. Fairdesk must
    /// not answer these automatically.
    public var isAutomatic: Bool = false
    /// What was wrong and how it was handled, in plain words ("part 2: unknown charset x-foo, read as Latin-1").
    public var problems: [String] = []

    /// An empty mail, to be filled in.
    public init() {}

    /// The value of the first header with this name, in any case; nil when there is none.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// The values of all headers with this name, in any case, in their order.
    public func headers(named name: String) -> [String] {
        headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }
}

/// One header field of an inbound email: its name as written and its value, unfolded and decoded.
public struct MailHeaderField: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A file that came with an inbound email, or an inline image of its HTML.
public struct MailAttachment: Sendable, Equatable {
    /// Safe to use as a file name: no path separators, no control characters; "attachment-N" when the mail
    /// named none.
    public var filename: String
    /// Lower case, without parameters: "image/png".
    public var contentType: String
    /// For inline images referred to as "cid:…" in the HTML; without angle brackets.
    public var contentID: String?
    /// True when the mail asked to show the file inside the message rather than as a separate file.
    public var inline: Bool
    public var data: Data

    public init(filename: String, contentType: String, contentID: String? = nil, inline: Bool = false, data: Data) {
        self.filename = filename
        self.contentType = contentType
        self.contentID = contentID
        self.inline = inline
        self.data = data
    }
}
