import FairdeskCore
import Foundation

/// The emails that tell a driver what was decided about them, in plain words with the link to the
/// records behind it.
enum DriverMail {
    /// A written warning: what was found, on what evidence, the way back, and the date to improve by.
    static func warning(_ warning: DriverWarning, name: String, citation: String, link: String) -> String {
        [
            "Hello \(name),", "",
            "This is a written warning under the driver standing policy (\(citation)). No action has been "
                + "taken against you, and none may be taken for this before the period to improve ends.",
            "", warning.text, "",
            "Your standing, with every delivery behind each number and the exact rule, is here:", link, "",
            "If a record is wrong or was outside your control (weather, a depot delay, a road closure, an app "
                + "outage, illness you reported in advance), tell your lead: it can be excused and left out.",
            "", "Fairdesk",
        ].joined(separator: "\n")
    }
}
