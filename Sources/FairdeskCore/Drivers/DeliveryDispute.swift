import Foundation

/// A customer's claim that a package recorded as delivered never arrived, with the finding
/// Fairdesk proposed on the evidence and, once a person has looked, their decision.
public struct DeliveryDispute: Sendable, Equatable, Codable, Identifiable {
    public var id: String
    public var driverID: String
    public var packageID: String
    public var openedAt: Date
    /// The person who opened it on the customer's behalf; they speak for the customer, so they never
    /// record the finding.
    public var claimant: StaffMember?
    public var proposed: DisputeAssessment
    /// Nil while the dispute is open.
    public var decision: DisputeDecision?

    /// A dispute from its parts.
    public init(
        id: String, driverID: String, packageID: String, openedAt: Date, claimant: StaffMember? = nil,
        proposed: DisputeAssessment, decision: DisputeDecision? = nil
    ) {
        self.id = id
        self.driverID = driverID
        self.packageID = packageID
        self.openedAt = openedAt
        self.claimant = claimant
        self.proposed = proposed
        self.decision = decision
    }

    /// Whether the dispute counts against the driver: only when a person recorded a finding
    /// against them. A proposal never does, whatever it says.
    public var countsAgainstDriver: Bool { decision?.finding == .againstDriver }
}
