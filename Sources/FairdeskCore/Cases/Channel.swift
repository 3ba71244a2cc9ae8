/// The way a message reached Fairdesk or left it. Every timeline entry carries one.
public enum ContactChannel: String, Sendable, Codable, CaseIterable {
    case email
    case chat
    case phone
    case social
    case webForm = "web_form"
    case bot
}

/// Which way a timeline entry travelled.
public enum Direction: String, Sendable, Codable, CaseIterable {
    /// From the customer to us.
    case inbound
    /// From us to the customer.
    case outbound
    /// Seen only by staff (notes, transfers, status changes).
    case `internal`
}

/// What a timeline entry records.
public enum EntryKind: String, Sendable, Codable, CaseIterable {
    case message
    case note
    case call
    case transfer
    case statusChange = "status_change"
    case merge
}
