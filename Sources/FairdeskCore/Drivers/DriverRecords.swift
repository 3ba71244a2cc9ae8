import Foundation

/// Everything recorded about one driver's work that standing is worked out from.
public struct DriverRecords: Sendable, Equatable, Codable {
    public var blocks: [DeliveryBlock]
    public var packages: [PackageDelivery]
    public var feedback: [CustomerFeedback]
    /// Excuses already checked by `Excuse.validate` when they were applied.
    public var excuses: [Excuse]
    /// "Delivered but not received" claims on the packages; only a finding a person recorded
    /// against the driver counts (`finding(against:)`).
    public var disputes: [DeliveryDispute]

    /// The records as loaded for one driver.
    public init(
        blocks: [DeliveryBlock] = [], packages: [PackageDelivery] = [], feedback: [CustomerFeedback] = [],
        excuses: [Excuse] = [], disputes: [DeliveryDispute] = []
    ) {
        self.blocks = blocks
        self.packages = packages
        self.feedback = feedback
        self.excuses = excuses
        self.disputes = disputes
    }

    /// The excuse covering a block, if any.
    public func excuse(forBlock id: String) -> Excuse? {
        excuses.first { $0.recordID == id }
    }

    /// The excuse covering a package: its own, or its block's.
    public func excuse(for package: PackageDelivery) -> Excuse? {
        excuses.first { $0.recordID == package.id } ?? excuse(forBlock: package.blockID)
    }

    /// The excuse covering feedback: its own, its package's, or that package's block's.
    public func excuse(for feedback: CustomerFeedback) -> Excuse? {
        if let own = excuses.first(where: { $0.recordID == feedback.id || $0.recordID == feedback.packageID }) {
            return own
        }
        guard let package = packages.first(where: { $0.id == feedback.packageID }) else { return nil }
        return excuse(forBlock: package.blockID)
    }

    /// The recorded finding against the driver on `package`, if a person made one: the package then
    /// counts as not completed. An open dispute, or a finding in the driver's favour, never counts.
    public func finding(against package: PackageDelivery) -> DeliveryDispute? {
        disputes.first { $0.packageID == package.id && $0.driverID == package.driverID && $0.countsAgainstDriver }
    }
}
