import FairdeskCore
import Foundation
import Vapor

/// `/my/scorecard` (an agent's own), `/scorecards` (the team, for leads) and `/scorecards/{agentID}`.
struct ScorecardPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(WebGuard([.agent, .lead])).get("my", "scorecard", use: mine)
        let leads = routes.grouped(WebGuard(Role.supervisors))
        leads.get("scorecards", use: team)
        leads.get("scorecards", ":agentID", use: agent)
    }

    struct ItemRow: Encodable {
        var number: Int64
        var href: String
        var time: String
        var detail: String

        init(_ item: ScorecardDTO.Item) {
            number = item.caseNumber
            href = SitePath.caseView(item.caseId).path
            time = PageTime.text(item.at)
            detail = item.detail
        }
    }

    struct Figure: Encodable {
        var id: String
        var name: String
        var value: String
        /// How many contacts the figure opens, and the link that opens them (none when there are none).
        var count: Int
        var href: String?
        /// Whether it opens any.
        var opens: Bool

        init(id: String, name: String, value: String, count: Int, href: String? = nil) {
            (self.id, self.name, self.value, self.count, self.href, opens) = (id, name, value, count, href, href != nil)
        }
    }

    /// The contacts behind the figure opened, listed under the table.
    struct Behind: Encodable {
        var title: String
        var items: [ItemRow]
        var hasItems: Bool
    }

    struct ScorecardPage: Encodable {
        var layout: LayoutContext
        var heading: String
        var from: String
        var to: String
        var rules: String
        var figures: [Figure]
        var handle: [Figure]
        var behind: Behind?
        var opened: Bool
    }

    struct Period {
        var from: Date
        var to: Date

        init(_ req: Request) {
            to = PolicyPages.parseLocalInput(req.query[String.self, at: "to"] ?? "") ?? req.now
            from =
                PolicyPages.parseLocalInput(req.query[String.self, at: "from"] ?? "")
                ?? to.addingTimeInterval(-30 * 86_400)
        }
    }

    @Sendable func mine(req: Request) async throws -> View {
        try await render(req, agent: try await req.viewer().user, current: .myScorecard)
    }

    @Sendable func agent(req: Request) async throws -> View {
        try await render(req, agent: try await ScorecardController.agent(req), current: .teamScorecards)
    }

    /// The scorecard's figures; with `figure` (and for contacts `channel`) in the query, the contacts
    /// behind that figure listed under them. Each figure links to its own list.
    func render(_ req: Request, agent: User, current: SitePath) async throws -> View {
        let period = Period(req)
        let cards = Scorecards(db: req.db, now: req.now)
        let card = try await cards.scorecard(of: agent, from: period.from, to: period.to)
        let from = PolicyPages.localInput(period.from)
        let to = PolicyPages.localInput(period.to)
        func link(_ figure: ScorecardFigure, channel: String? = nil, count: Int) -> String? {
            guard count > 0 else { return nil }
            var query = URLComponents()
            query.queryItems =
                [
                    URLQueryItem(name: "from", value: from), URLQueryItem(name: "to", value: to),
                    URLQueryItem(name: "figure", value: figure.rawValue),
                ] + (channel.map { [URLQueryItem(name: "channel", value: $0)] } ?? [])
            return req.url.path + "?" + (query.percentEncodedQuery ?? "") + "#behind"
        }
        func rate(_ id: String, _ rate: ScorecardDTO.Rate) -> Figure {
            var value = rate.text
            if rate.pending > 0 { value += "; \(rate.pending) not counted yet" }
            let count = rate.trials + rate.pending
            return Figure(
                id: id, name: rate.figure.title, value: value, count: count, href: link(rate.figure, count: count))
        }
        var figures = card.contacts.map {
            Figure(
                id: "contacts-\($0.channel)",
                name: "Contacts on \($0.channel.replacingOccurrences(of: "_", with: " "))",
                value: "\($0.count)", count: $0.count, href: link(.contacts, channel: $0.channel, count: $0.count))
        }
        if figures.isEmpty {
            figures.append(Figure(id: "contacts", name: "Contacts", value: "none in this period", count: 0))
        }
        figures += [
            rate("fcr", card.firstContactResolution), rate("satisfaction", card.satisfaction),
            rate("sla", card.slaAttainment), rate("promises", card.promisesKept),
            Figure(
                id: "transfers", name: ScorecardFigure.transfers.title, value: "\(card.transfers)",
                count: card.transfers, href: link(.transfers, count: card.transfers)),
        ]
        let handle = card.handleTime.map { part in
            Figure(
                id: "handle-\(part.part)", name: part.part.replacingOccurrences(of: "_", with: " ").capitalized,
                value: part.median.map {
                    "median \(BotPages.duration($0)), average \(BotPages.duration(part.average))"
                } ?? "no calls", count: 0)
        }
        var behind: Behind?
        if let asked = req.query[String.self, at: "figure"], !asked.isEmpty {
            let figure = try ScorecardController.figure(asked)
            let channel = req.query[String.self, at: "channel"].flatMap { ContactChannel(rawValue: $0)?.rawValue }
            let items = try await cards.items(
                of: agent, figure: figure, channel: channel, from: period.from, to: period.to)
            behind = Behind(
                title: figure.title + (channel.map { " on \($0.replacingOccurrences(of: "_", with: " "))" } ?? ""),
                items: items.map(ItemRow.init), hasItems: !items.isEmpty)
        }
        let rules =
            "Rates show a \(Int((card.confidence * 100).rounded()))% Wilson interval and the number of responses; "
            + "below \(card.minimumSample) a rate is \"not enough data\" and is never ranked"
            + (card.policy.map { " (\($0))." } ?? " (no agent-conduct policy binds you; the suggested values apply).")
        return try await req.view.render(
            "scorecard",
            ScorecardPage(
                layout: LayoutContext(req, title: "Scorecard: \(agent.name)", current: current),
                heading: "Scorecard: \(agent.name)", from: from, to: to, rules: rules, figures: figures,
                handle: handle, behind: behind, opened: behind != nil))
    }

    struct TeamPage: Encodable {
        var layout: LayoutContext
        var from: String
        var to: String
        var team: TeamScorecardDTO
        var teamRate: String
        /// "95%".
        var level: String
        var rows: [TeamRow]
        var chart: String
        var hasDisputes: Bool
    }

    struct TeamRow: Encodable {
        var name: String
        var href: String
        var satisfaction: String
        var shrunk: String
        var verdict: String
        var reason: String
        var flagged: Bool
    }

    @Sendable func team(req: Request) async throws -> View {
        let period = Period(req)
        let team = try await Scorecards(db: req.db, now: req.now).team(from: period.from, to: period.to)
        let rows = team.agents.map { agent in
            TeamRow(
                name: agent.name, href: SitePath.agentScorecard(agent.agentId).path,
                satisfaction: agent.satisfaction.text,
                shrunk: agent.shrunk.map {
                    String(format: "%.1f%%", $0 * 100)
                        + (agent.shrunkLower.map { l in
                            String(format: " (%.1f%% to %.1f%%)", l * 100, (agent.shrunkUpper ?? l) * 100)
                        } ?? "")
                } ?? "no responses",
                verdict: agent.verdict.replacingOccurrences(of: "_", with: " "), reason: agent.reason,
                flagged: agent.flagged)
        }
        return try await req.view.render(
            "team-scorecards",
            TeamPage(
                layout: LayoutContext(req, title: "Team scorecards", current: .teamScorecards),
                from: PolicyPages.localInput(period.from), to: PolicyPages.localInput(period.to), team: team,
                teamRate: team.teamRate.map { String(format: "%.1f%%", $0 * 100) } ?? "no responses yet",
                level: "\(Int((team.confidence * 100).rounded()))%", rows: rows,
                chart: FunnelChart.svg(team), hasDisputes: !team.disputes.isEmpty))
    }
}

/// The funnel plot: each agent's satisfaction against their number of responses, with the team rate
/// and its 95% and 99.8% limits, drawn as inline SVG.
enum FunnelChart {
    static func svg(_ team: TeamScorecardDTO) -> String {
        guard let teamRate = team.teamRate, let most = team.limits.last?.trials else { return "" }
        let (width, height, left, bottom, top) = (600.0, 320.0, 48.0, 36.0, 12.0)
        let plotWidth = width - left - 16
        let plotHeight = height - bottom - top
        func x(_ n: Int) -> Double { left + Double(n) / Double(most) * plotWidth }
        func y(_ rate: Double) -> Double { top + (1 - rate) * plotHeight }
        func line(_ values: [(Int, Double)], _ colour: String, dashed: Bool) -> String {
            let points = values.map { String(format: "%.1f,%.1f", x($0.0), y($0.1)) }.joined(separator: " ")
            return "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\""
                + (dashed ? " stroke-dasharray=\"5 4\"" : "") + " points=\"\(points)\"/>"
        }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" "
            + "aria-label=\"Funnel plot of satisfaction against responses\" class=\"chart\">"
        for tick in [0, 25, 50, 75, 100] {
            let ty = y(Double(tick) / 100)
            svg += String(
                format: "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#eee\"/>", left, ty, width - 16,
                ty)
            svg += String(format: "<text x=\"4\" y=\"%.1f\" font-size=\"11\">%d%%</text>", ty + 4, tick)
        }
        svg += String(
            format: "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">responses (0 to %d)</text>",
            left + plotWidth / 2 - 50,
            height - 8, most)
        svg += line([(0, teamRate), (most, teamRate)], "#555", dashed: false)
        svg += line(team.limits.map { ($0.trials, $0.warningLower) }, "#e0a800", dashed: true)
        svg += line(team.limits.map { ($0.trials, $0.warningUpper) }, "#e0a800", dashed: true)
        svg += line(team.limits.map { ($0.trials, $0.controlLower) }, "#d9534f", dashed: true)
        svg += line(team.limits.map { ($0.trials, $0.controlUpper) }, "#d9534f", dashed: true)
        for agent in team.agents {
            guard
                let rate = agent.satisfaction.trials > 0
                    ? Double(agent.satisfaction.successes) / Double(agent.satisfaction.trials) : nil
            else { continue }
            svg += String(
                format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%@\"><title>%@: %d of %d</title></circle>",
                x(agent.satisfaction.trials), y(rate), agent.flagged ? "#d9534f" : "#5b8def",
                PromiseChart.escape(agent.name), agent.satisfaction.successes, agent.satisfaction.trials)
        }
        svg +=
            "<text x=\"\(Int(width) - 250)\" y=\"\(Int(top) + 12)\" font-size=\"11\" fill=\"#e0a800\">- - 95% limits</text>"
        svg +=
            "<text x=\"\(Int(width) - 150)\" y=\"\(Int(top) + 12)\" font-size=\"11\" fill=\"#d9534f\">- - 99.8% limits</text>"
        return svg + "</svg>"
    }
}
