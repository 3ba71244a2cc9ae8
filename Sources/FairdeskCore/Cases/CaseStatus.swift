/// Where a case stands. Moves between statuses follow ``CaseStatus/allowedMoves``; anything else is refused.
public enum CaseStatus: String, Sendable, Codable, CaseIterable {
    /// Arrived, nobody has answered yet.
    case new
    /// Someone is working on it.
    case open
    /// Waiting for the customer to answer.
    case pendingCustomer = "pending_customer"
    /// Waiting on another team or a supplier.
    case pendingInternal = "pending_internal"
    /// Answered; reopens if the customer writes again within the reopen window.
    case resolved
    /// Final. A new message from the customer starts a new case.
    case closed

    /// Statuses an agent can move a case to from this one.
    public var allowedMoves: Set<CaseStatus> {
        switch self {
        case .new: [.open, .pendingCustomer, .pendingInternal, .resolved]
        case .open: [.pendingCustomer, .pendingInternal, .resolved]
        case .pendingCustomer: [.open, .pendingInternal, .resolved]
        case .pendingInternal: [.open, .pendingCustomer, .resolved]
        case .resolved: [.open, .closed]
        case .closed: []
        }
    }

    /// Whether the case still needs work and belongs in an inbox.
    public var isActive: Bool {
        switch self {
        case .new, .open, .pendingCustomer, .pendingInternal: true
        case .resolved, .closed: false
        }
    }

    /// The statuses that appear in an inbox by default.
    public static let active: [CaseStatus] = allCases.filter(\.isActive)

    /// Checks a move an agent asked for.
    public func move(to target: CaseStatus) throws(CaseStatusError) -> CaseStatus {
        guard target != self else { throw .unchanged(self) }
        guard allowedMoves.contains(target) else { throw .illegalMove(from: self, to: target) }
        return target
    }

    /// The status a case takes when the customer writes to it, or `nil` when the message
    /// must start a new case instead (the case is closed).
    public var afterCustomerReply: CaseStatus? {
        switch self {
        case .new: .new
        case .open, .pendingCustomer, .pendingInternal, .resolved: .open
        case .closed: nil
        }
    }
}

/// Why a status move was refused, said so that the agent knows what to do instead.
public enum CaseStatusError: Error, Sendable, Equatable, CustomStringConvertible {
    case unchanged(CaseStatus)
    case illegalMove(from: CaseStatus, to: CaseStatus)

    public var description: String {
        switch self {
        case .unchanged(let status):
            return "the case is already \(status.rawValue)"
        case .illegalMove(let from, let to):
            if from == .closed {
                return "a closed case cannot change (asked for \(to.rawValue)); a new message starts a new case"
            }
            let allowed = from.allowedMoves.map(\.rawValue).sorted().joined(separator: ", ")
            return "cannot move a case from \(from.rawValue) to \(to.rawValue); allowed: \(allowed)"
        }
    }
}
