import Foundation

/// First-contact resolution: a contact counts as resolved first time when the same customer does not
/// come back about the same issue within the window (7 days unless told otherwise).
///
/// A contact is judged only once its window has passed: a contact from yesterday with no repeat yet
/// is still open, not a success, or every report would flatter the last week.
public enum FirstContactResolution {
    /// The week the issue names: a repeat within 7 days means the first contact did not resolve it.
    public static let defaultWindow: TimeInterval = 7 * 86_400

    /// One contact: who, about what, when.
    public struct Contact: Sendable, Equatable, Hashable {
        /// The contact's own id (a message, call or chat), to list the contacts behind the number.
        public var id: UUID
        /// The customer, resolved across channels, so an email and a later call are the same person.
        public var customerID: UUID
        /// What the contact is about: the case, or an issue key linking cases about one problem.
        public var issueKey: String
        /// When the contact began.
        public var at: Date

        public init(id: UUID, customerID: UUID, issueKey: String, at: Date) {
            self.id = id
            self.customerID = customerID
            self.issueKey = issueKey
            self.at = at
        }
    }

    /// What became of one contact.
    public enum Outcome: Sendable, Equatable, Hashable {
        /// No repeat contact within the window: resolved first time.
        case resolved
        /// The customer came back about the same issue; the id of the first such repeat.
        case repeated(by: UUID)
        /// The window has not yet passed and no repeat has come: not counted either way yet.
        case pending
    }

    /// The outcome of every contact, by contact id.
    ///
    /// A repeat is a later contact (strictly later in time; the boundary is inclusive, so exactly
    /// `window` later is a repeat) by the same customer on the same issue key. Each contact is judged
    /// on its own: the repeat itself is resolved first time if nothing follows it within its window.
    public static func outcomes(
        of contacts: [Contact], at now: Date, window: TimeInterval = defaultWindow
    ) -> [UUID: Outcome] {
        struct Thread: Hashable {
            var customerID: UUID
            var issueKey: String
        }
        let threads = Dictionary(grouping: contacts) { Thread(customerID: $0.customerID, issueKey: $0.issueKey) }
        var result: [UUID: Outcome] = [:]
        result.reserveCapacity(contacts.count)
        for thread in threads.values {
            let ordered = thread.sorted { ($0.at, $0.id.uuidString) < ($1.at, $1.id.uuidString) }
            for (index, contact) in ordered.enumerated() {
                // The first contact strictly later in time; ties are the same moment, not a repeat.
                let next = ordered[(index + 1)...].first { $0.at > contact.at }
                if let next, next.at.timeIntervalSince(contact.at) <= window {
                    result[contact.id] = .repeated(by: next.id)
                } else if now.timeIntervalSince(contact.at) < window {
                    result[contact.id] = .pending
                } else {
                    result[contact.id] = .resolved
                }
            }
        }
        return result
    }

    /// The FCR rate's counts: resolved first time out of all contacts whose outcome is known. Pending
    /// contacts are left out of both counts.
    public static func rate(of contacts: [Contact], at now: Date, window: TimeInterval = defaultWindow) -> Proportion {
        let all = outcomes(of: contacts, at: now, window: window).values
        let resolved = all.filter { $0 == .resolved }.count
        let known = all.filter { $0 != .pending }.count
        return Proportion(successes: resolved, trials: known)!
    }
}
