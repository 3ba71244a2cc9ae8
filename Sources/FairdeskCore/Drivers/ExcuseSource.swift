/// Who applied an excuse: a named lead, or the depot's own data (a weather feed, the depot's
/// dispatch log), which needs no person because the facts are the depot's, not the driver's.
public enum ExcuseSource: Sendable, Equatable, Codable {
    case lead(StaffMember)
    /// The name of the feed, shown to the driver: "depot dispatch log".
    case depotData(feed: String)

    /// Who applied it, in words: "Dana Lee (lead)" or "depot data: depot dispatch log".
    public var words: String {
        switch self {
        case .lead(let person): "\(person.name) (\(person.role.rawValue))"
        case .depotData(let feed): "depot data: \(feed)"
        }
    }
}
