import Foundation

/// Events other systems can subscribe to with an outbound webhook.
public enum WebhookEvent: String, Sendable, Codable, CaseIterable {
    case caseCreated = "case.created"
    case caseResolved = "case.resolved"
    /// A promise to a customer came due without being kept.
    case promiseDue = "promise.due"
    case surveyAnswered = "survey.answered"
    /// A decision about a driver's standing, made by a named person.
    case driverDecision = "driver.decision"

    /// What the event means, for the admin choosing events.
    public var meaning: String {
        switch self {
        case .caseCreated: "a case was opened, on any channel"
        case .caseResolved: "a case was marked resolved"
        case .promiseDue: "a promise to a customer came due and was not kept"
        case .surveyAnswered: "a customer answered a satisfaction survey"
        case .driverDecision: "a person decided about a driver's standing (warning, restriction, appeal outcome)"
        }
    }

    /// Reads a list of event names separated by spaces or commas; names every unknown one.
    public static func parseList(_ text: String, field: String = "events") throws(ValidationFailure) -> [WebhookEvent] {
        let names = text.split(whereSeparator: { $0 == " " || $0 == "," || $0.isNewline }).map(String.init)
        var events: [WebhookEvent] = []
        var unknown: [String] = []
        for name in names {
            if let event = WebhookEvent(rawValue: name) {
                if !events.contains(event) { events.append(event) }
            } else {
                unknown.append(name)
            }
        }
        let known = allCases.map(\.rawValue).joined(separator: ", ")
        if !unknown.isEmpty {
            throw ValidationFailure(
                field: field,
                rule: "must name only known events (\(known)); unknown: \(unknown.joined(separator: ", "))")
        }
        if events.isEmpty { throw ValidationFailure(field: field, rule: "must name at least one event (\(known))") }
        return events
    }
}

/// The rules for an endpoint's address.
public enum WebhookURL {
    /// An absolute http or https URL with a host and no user or password in it.
    public static func check(_ text: String, field: String = "url") throws(ValidationFailure) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
            ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else {
            throw ValidationFailure(field: field, rule: "must be an absolute http:// or https:// address")
        }
        if url.user != nil || url.password != nil {
            throw ValidationFailure(
                field: field, rule: "must not hold a user or password; deliveries are signed with the endpoint's secret"
            )
        }
        if trimmed.count > 2000 { throw ValidationFailure(field: field, rule: "must be at most 2000 characters") }
        return trimmed
    }
}
