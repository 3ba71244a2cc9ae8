import FairdeskCore
import Foundation
import Vapor

/// What every page's layout shows: the title, who is logged in, the navigation for their role,
/// the CSRF token for forms, and a one-time notice from the last action.
struct LayoutContext: Encodable {
    struct Link: Encodable {
        var label: String
        var href: String
        var current: Bool
    }

    var title: String
    var userName: String?
    var userRole: String?
    var nav: [Link]
    var csrf: String
    var flash: String?
    var stylesheet = SitePath.stylesheet.path
    var script = SitePath.script.path
    var logout = SitePath.logout.path
    var login = SitePath.login.path
    var signup = SitePath.signup.path
    /// The live-updates socket, for pages that refresh themselves.
    var live: String?

    init(_ req: Request, title: String, current: SitePath? = nil, live: Bool = false) {
        self.title = title
        let user = req.auth.get(User.self)
        self.userName = user?.name
        self.userRole = user?.role.rawValue
        self.csrf = req.hasSession ? (req.session.data[SessionGuard.csrfKey] ?? "") : ""
        self.flash = req.hasSession ? req.session.data["flash"] : nil
        if req.hasSession { req.session.data["flash"] = nil }
        self.live = live ? SitePath.liveSocket.path : nil
        var links: [(String, SitePath)] = []
        switch user?.role {
        case .agent:
            links = [
                ("Inbox", .inbox), ("Knowledge", .knowledge), ("My scorecard", .myScorecard),
                ("My surveys", .mySurveys), ("My plans", .plans), ("Delivery claim", .newDeliveryDispute),
                ("Policies", .policies),
            ]
        case .lead:
            links = [
                ("Inbox", .inbox), ("Queues now", .queuesNow), ("Knowledge", .knowledge), ("Queues", .adminQueues),
                ("Users", .adminUsers), ("Service levels", .adminServiceLevels), ("Policies", .policies),
                ("Reports", .serviceReport), ("Promises", .promiseReport), ("Bot", .botReport),
                ("Scorecards", .teamScorecards), ("Plans", .plans), ("Survey disputes", .surveyDisputes),
                ("Drivers", .drivers), ("Appeals", .appeals), ("Delivery disputes", .deliveryDisputes),
            ]
        case .admin:
            links = [
                ("Inbox", .inbox), ("Queues now", .queuesNow), ("Users", .adminUsers), ("Queues", .adminQueues),
                ("Service levels", .adminServiceLevels), ("Policies", .policies), ("Reports", .serviceReport),
                ("Promises", .promiseReport),
                ("Bot", .botReport), ("Scorecards", .teamScorecards), ("Drivers", .drivers),
                ("Knowledge", .adminKnowledge), ("Jobs", .adminJobs), ("Mail", .adminMail),
                ("Webhooks", .adminWebhooks),
                ("Settings", .adminSettings),
            ]
        case .customer: links = [("My cases", .myCases), ("New case", .newCase)]
        case .driver: links = [("My standing", .myStanding), ("Policies", .policies)]
        case .reviewer:
            links = [
                ("Drivers", .drivers), ("Appeals", .appeals), ("Delivery disputes", .deliveryDisputes),
                ("Policies", .policies),
            ]
        case .policyOwner: links = [("Policies", .policies)]
        case nil: links = []
        }
        self.nav = links.map { Link(label: $0.0, href: $0.1.path, current: $0.1.path == current?.path) }
    }
}

/// A choice in a `<select>`.
struct SelectOption: Encodable {
    var value: String
    var label: String
    var selected: Bool

    init(_ value: String, _ label: String, selected: String?) {
        self.value = value
        self.label = label
        self.selected = value == selected
    }
}

/// What a form showed and what was wrong with it, so a refused form comes back as it was typed,
/// with each message next to its field.
struct FormState: Encodable {
    var values: [String: String] = [:]
    var errors: [String: String] = [:]
    /// Which form on the page the state belongs to (a page can hold several).
    var form: String = ""

    init() {}

    init(form: String, values: [String: String], problems: [FieldProblem]) {
        self.form = form
        self.values = values
        for problem in problems {
            let message = Self.sentence(problem.rule)
            errors[problem.field] = errors[problem.field].map { $0 + " " + message } ?? message
        }
    }

    /// "must not be empty" → "Must not be empty."
    static func sentence(_ rule: String) -> String {
        guard let first = rule.first else { return rule }
        let text = first.uppercased() + rule.dropFirst()
        return text.hasSuffix(".") ? text : text + "."
    }
}

/// Formats times for pages: UTC in the markup, turned into the reader's local time by fairdesk.js.
enum PageTime {
    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }

    static func text(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMM yyyy, HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}

extension Request {
    /// Leaves a one-line notice for the next page this session sees.
    func flash(_ message: String) {
        session.data["flash"] = message
    }
}
