import FairdeskCore
import Foundation
import Vapor

/// One agent's scorecard for a period: `GET /api/v1/agents/me/scorecard` and
/// `GET /api/v1/agents/{agentID}/scorecard`. Every figure opens the contacts behind it:
/// `GET …/scorecard/items?figure=…` (``ScorecardItemsDTO``).
struct ScorecardDTO: Content {
    /// One contact, case, survey, clock or promise behind a figure.
    struct Item: Content {
        var caseId: UUID
        var caseNumber: Int64
        var at: Date
        /// What it was: "email", "kept on time", "No: rude", the handoff note…
        var detail: String
    }

    /// Contacts on one channel: the cases the agent answered there (`figure=contacts&channel=…`).
    struct Channel: Content {
        var channel: String
        var count: Int
    }

    /// One part of handle time over the agent's calls, in seconds.
    struct Duration: Content {
        /// `talk`, `hold` or `after_call_work`.
        var part: String
        var median: Double?
        var average: Double?
    }

    /// A rate with its counts, its Wilson interval, and whether there is enough data to show it.
    struct Rate: Content {
        var successes: Int
        var trials: Int
        var rate: Double?
        var lower: Double?
        var upper: Double?
        /// False below the policy's minimum sample: the rate is then not shown and never ranked.
        var enoughData: Bool
        /// "77.5% (95% interval 62.5% to 87.7%, 40 responses)" or "not enough data (12 responses; 30 needed)".
        var text: String
        /// Contacts not counted yet (a first-contact resolution less than 7 days old).
        var pending: Int
        /// The figure to ask for to open the contacts behind the rate: they are `trials + pending`.
        var figure: ScorecardFigure

        init(
            _ counts: Proportion, minimumSample: Int, confidence: Double, figure: ScorecardFigure, pending: Int = 0
        ) {
            let display = RateDisplay(counts, minimumSample: minimumSample, confidence: confidence)
            successes = counts.successes
            trials = counts.trials
            switch display {
            case .rate(let counts, let interval):
                rate = counts.rate
                lower = interval.lower
                upper = interval.upper
                enoughData = true
            case .notEnoughData:
                rate = nil
                lower = nil
                upper = nil
                enoughData = false
            }
            text = display.text
            self.figure = figure
            self.pending = pending
        }
    }

    var agentId: UUID
    var agentName: String
    var from: Date
    var to: Date
    /// The agent-conduct policy version the minimum sample and confidence come from, if one binds the agent.
    var policy: String?
    var minimumSample: Int
    var confidence: Double
    var contacts: [Channel]
    var contactsTotal: Int
    var calls: Int
    var handleTime: [Duration]
    var firstContactResolution: Rate
    var satisfaction: Rate
    var slaAttainment: Rate
    var promisesKept: Rate
    /// Transfers the agent made (`figure=transfers` lists them with the handoff note each carried).
    var transfers: Int
}

/// The contacts behind one figure of an agent's scorecard, oldest first:
/// `GET /api/v1/agents/me/scorecard/items` and `GET /api/v1/agents/{agentID}/scorecard/items`.
struct ScorecardItemsDTO: Content {
    var agentId: UUID
    var figure: ScorecardFigure
    /// For contacts: the channel they were narrowed to, if any.
    var channel: String?
    var from: Date
    var to: Date
    var items: [ScorecardDTO.Item]
}

/// The team's satisfaction side by side, for leads: `GET /api/v1/scorecards/team`.
struct TeamScorecardDTO: Content {
    struct Agent: Content {
        var agentId: UUID
        var name: String
        var team: String
        var satisfaction: ScorecardDTO.Rate
        /// The empirical-Bayes estimate: the agent's rate pulled towards the team's by as much as
        /// their few responses warrant.
        var shrunk: Double?
        var shrunkLower: Double?
        var shrunkUpper: Double?
        /// `below_team`, `within_team`, `above_team` or `not_enough_data`.
        var verdict: String
        var reason: String
        var flagged: Bool
    }
    struct Limit: Content {
        var trials: Int
        var warningLower: Double
        var warningUpper: Double
        var controlLower: Double
        var controlUpper: Double
    }
    struct Dispute: Content {
        var id: UUID
        var agentName: String
        var caseNumber: Int64
        var note: String
        var createdAt: Date
    }
    var from: Date
    var to: Date
    var policy: String?
    var minimumSample: Int
    var confidence: Double
    var teamRate: Double?
    var teamResponses: Int
    /// How the prior was fitted from the team, in words.
    var prior: String?
    var agents: [Agent]
    /// The funnel's 95% and 99.8% limits around the team rate, by number of responses.
    var limits: [Limit]
    /// Disputed attributions awaiting a lead's decision.
    var disputes: [Dispute]
}
