import Foundation

/// An action decided by a named human, with the statement of reasons the driver receives.
public struct DriverDecision: Sendable, Equatable, Codable, Identifiable {
    public var id: String
    public var proposalID: String
    public var driverID: String
    public var action: ActionKind
    public var decider: StaffMember
    public var statement: StatementOfReasons
    public var decidedAt: Date
    /// When it takes effect; never before the driver is told, which is at `decidedAt`.
    public var effectiveAt: Date
    /// For an interim suspension: when it lapses unless a full decision follows.
    public var interimUntil: Date?
    /// For a suspension or restriction: when it ends, its number of days after `effectiveAt`.
    public var endsAt: Date?
    public var policyVersion: Int

    /// A decision from its parts; `DecisionRules.decide` builds one only when every rule holds.
    public init(
        id: String, proposalID: String, driverID: String, action: ActionKind, decider: StaffMember,
        statement: StatementOfReasons, decidedAt: Date, effectiveAt: Date, interimUntil: Date?, endsAt: Date? = nil,
        policyVersion: Int
    ) {
        self.id = id
        self.proposalID = proposalID
        self.driverID = driverID
        self.action = action
        self.decider = decider
        self.statement = statement
        self.decidedAt = decidedAt
        self.effectiveAt = effectiveAt
        self.interimUntil = interimUntil
        self.endsAt = endsAt
        self.policyVersion = policyVersion
    }

    /// Whether this is an interim suspension that must be followed by a full decision.
    public var isInterim: Bool { interimUntil != nil }

    /// Whether an interim suspension has run out at `now` without a full decision: the driver's
    /// access comes back then, because the suspension was only ever allowed to be temporary.
    public func interimHasLapsed(at now: Date) -> Bool {
        guard let interimUntil else { return false }
        return now >= interimUntil
    }
}
