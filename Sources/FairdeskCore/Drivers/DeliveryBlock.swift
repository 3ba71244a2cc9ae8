import Foundation

/// A scheduled stretch of work a driver accepted, and what became of it.
public struct DeliveryBlock: Sendable, Equatable, Codable, Identifiable {
    public var id: String
    public var driverID: String
    /// When the block was scheduled to start; standing places it in the window by this instant.
    public var scheduledStart: Date
    public var scheduledEnd: Date
    public var status: BlockStatus
    /// When the driver actually started, if they did.
    public var startedAt: Date?

    /// A block as the depot recorded it.
    public init(
        id: String, driverID: String, scheduledStart: Date, scheduledEnd: Date, status: BlockStatus,
        startedAt: Date? = nil
    ) {
        self.id = id
        self.driverID = driverID
        self.scheduledStart = scheduledStart
        self.scheduledEnd = scheduledEnd
        self.status = status
        self.startedAt = startedAt
    }
}
