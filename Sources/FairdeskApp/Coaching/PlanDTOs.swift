import FairdeskCore
import Foundation
import Vapor

/// An improvement plan as the agent on it and the leads see it.
struct PlanDTO: Content {
    struct Goal: Content {
        var metric: String
        var target: Double
        /// `at_least` or `at_most`.
        var direction: String
        var from: Date
        var to: Date
    }
    struct Session: Content {
        var id: UUID
        var scheduledAt: Date
        /// `scheduled`, `held` or `missed`.
        var status: String
        var heldAt: Date?
        var notes: String?
        /// `lead` or `agent`.
        var missedBy: String?
        var comments: [Comment]
    }
    struct Comment: Content {
        var text: String
        var at: Date
    }
    /// Coaching delivered against promised, as of now.
    struct Tally: Content {
        var promised: Int
        var held: Int
        var missedByLead: Int
        var missedByAgent: Int
        var scheduled: Int
        var owed: Int
        var delivered: Bool
        var summary: String
    }
    struct Event: Content {
        var kind: String
        var by: String
        var text: String
        var level: String?
        var overrideReason: String?
        var at: Date
    }
    var id: UUID
    var agentId: UUID
    var agentName: String
    var leadId: UUID
    var leadName: String
    var startsAt: Date
    var endsAt: Date
    var weeks: Int
    var sessionsPerWeek: Int
    var policy: String
    var goals: [Goal]
    var sessions: [Session]
    var tally: Tally
    var events: [Event]
}

struct PlanRequest: Content {
    struct Goal: Content {
        var metric: String?
        var target: Double?
        var direction: String?
        var from: Date?
        var to: Date?
    }
    var agentId: UUID?
    var startsAt: Date?
    var goals: [Goal]?
}

struct SessionRequest: Content {
    var scheduledAt: Date?
}

struct SessionOutcomeRequest: Content {
    /// Held: the lead's notes.
    var notes: String?
    /// Missed: `lead` or `agent`.
    var missedBy: String?
}

struct PlanTextRequest: Content {
    var text: String?
}

struct EscalationRequest: Content {
    /// `written_warning` or `final_warning`.
    var level: String?
    var reason: String?
    /// Needed only while coaching is owed: why the plan escalates anyway.
    var overrideReason: String?
}
