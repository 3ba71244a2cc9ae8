/// Something a conditionally reinstated driver must do, which Fairdesk tracks to completion.
public enum ReinstatementRequirement: Sendable, Equatable, Codable {
    /// A training module, by its id in the training system, and its title for the driver.
    case trainingModule(id: String, title: String)
    /// An on-time rate of at least `minimum` (0 to 1) over the next `blocks` worked blocks.
    case onTimeRate(minimum: Double, blocks: Int)

    /// The requirement as the driver reads it.
    public var words: String {
        switch self {
        case .trainingModule(_, let title):
            "complete the training module \"\(title)\""
        case .onTimeRate(let minimum, let blocks):
            "an on-time rate of at least \(DriverText.percent(minimum)) over the next "
                + DriverText.count(blocks, "worked block")
        }
    }
}
