/// A named person acting on a driver's record: a lead applying an excuse, a decider, a reviewer.
///
/// The name is kept with the act, because the driver is owed a human they can name.
public struct StaffMember: Sendable, Equatable, Hashable, Codable {
    public var id: String
    public var name: String
    public var role: Role

    /// A person with their id, name and role at the time they acted.
    public init(id: String, name: String, role: Role) {
        self.id = id
        self.name = name
        self.role = role
    }
}
