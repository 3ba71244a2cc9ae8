import Foundation

@testable import FairdeskCore

/// A decision to appeal against, made by the lead on day 20.
enum AppealFixture {
    static let decidedAt = DriverFixture.at(days: 20)

    static let decision = DriverDecision(
        id: "d1", proposalID: "prop-1", driverID: DriverFixture.driver, action: .deactivation,
        decider: DriverFixture.lead,
        statement: StatementOfReasons(
            clause: "2", grounds: ["scan_compliance"], evidence: ["p7"], text: "Scans far from the door."),
        decidedAt: decidedAt, effectiveAt: decidedAt, interimUntil: nil, policyVersion: 3)

    /// The appeal filed `days` after the decision under the default terms.
    static func appeal(filedDaysAfter days: Double = 2) throws -> Appeal {
        try AppealRules.file(
            against: decision, by: DriverFixture.driver, account: "I was at the door; my GPS trace shows it.",
            evidence: ["trace.gpx"], terms: .defaults, id: "a1", now: decidedAt.addingTimeInterval(days * 86_400))
    }
}
