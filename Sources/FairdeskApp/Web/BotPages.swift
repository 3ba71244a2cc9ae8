import FairdeskCore
import Foundation
import Vapor

/// `/reports/bot`: the bot's containment, escalations by reason and time-to-human for leads, as
/// figures, a chart by reason, and a week-by-week chart of containment and escalation.
struct BotPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(WebGuard(Role.supervisors)).get("reports", "bot", use: report)
    }

    struct ReportPage: Encodable {
        var layout: LayoutContext
        var from: String
        var to: String
        var report: BotReportDTO
        var containment: String
        var escalation: String
        var median: String
        var p90: String
        var reasons: [ReasonRow]
        var reasonChart: String
        var weekChart: String
        var hasConversations: Bool
        /// How long the oldest message waiting for the bot's answer has waited ("" when none waits).
        var oldestAwaiting: String
        var hasBacklog: Bool
    }

    struct ReasonRow: Encodable {
        var label: String
        var count: Int
        var rate: String
    }

    @Sendable func report(req: Request) async throws -> View {
        let to = PolicyPages.parseLocalInput(req.query[String.self, at: "to"] ?? "") ?? req.now
        let from =
            PolicyPages.parseLocalInput(req.query[String.self, at: "from"] ?? "")
            ?? to.addingTimeInterval(-28 * 86_400)
        let report = try await BotReports.build(from: from, to: to, now: req.now, on: req.db)
        // One report a week across the period, for the chart of rates over time.
        var weeks: [(start: Date, report: BotReportDTO)] = []
        var start = from
        while start < to, weeks.count < 26 {
            let end = min(start.addingTimeInterval(7 * 86_400), to)
            weeks.append((start, try await BotReports.figures(from: start, to: end, now: req.now, on: req.db)))
            start = end
        }
        return try await req.view.render(
            "bot-report",
            ReportPage(
                layout: LayoutContext(req, title: "Bot", current: .botReport), from: PolicyPages.localInput(from),
                to: PolicyPages.localInput(to), report: report, containment: Self.percent(report.containmentRate),
                escalation: Self.percent(report.escalationRate), median: Self.duration(report.timeToHumanMedianSeconds),
                p90: Self.duration(report.timeToHumanP90Seconds),
                reasons: report.byReason.map {
                    ReasonRow(label: $0.label, count: $0.count, rate: Self.percent($0.rate))
                },
                reasonChart: BotCharts.reasons(report.byReason), weekChart: BotCharts.weeks(weeks),
                hasConversations: report.conversations > 0,
                oldestAwaiting: report.oldestAwaitingSeconds.map { Self.duration($0) } ?? "",
                hasBacklog: report.awaitingAnswer > 0))
    }

    static func percent(_ rate: Double?) -> String {
        rate.map { String(format: "%.1f%%", $0 * 100) } ?? "no data yet"
    }

    /// "45 s", "3 min 20 s", "2 h 5 min".
    static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "no data yet" }
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total) s" }
        if total < 3600 { return "\(total / 60) min \(total % 60) s" }
        return "\(total / 3600) h \(total % 3600 / 60) min"
    }
}

/// The bot report's charts, drawn as inline SVG so the page needs no script.
enum BotCharts {
    /// A bar per hand-over reason.
    static func reasons(_ rows: [BotReportDTO.Reason]) -> String {
        guard let most = rows.map(\.count).max(), most > 0 else { return "" }
        let (width, labelWidth, bar) = (560, 230, 20)
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(rows.count * (bar + 8))\" role=\"img\" "
            + "aria-label=\"Hand-overs by reason\" class=\"chart\">"
        for (index, row) in rows.enumerated() {
            let y = index * (bar + 8)
            let w = Double(row.count) / Double(most) * Double(width - labelWidth - 40)
            svg += "<text x=\"0\" y=\"\(y + 15)\" font-size=\"13\">\(PromiseChart.escape(row.label))</text>"
            if row.count > 0 {
                svg +=
                    "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(max(1, Int(w)))\" height=\"\(bar)\" fill=\"#5b8def\">"
                    + "<title>\(row.count)</title></rect>"
            }
            svg += "<text x=\"\(labelWidth + Int(w) + 4)\" y=\"\(y + 15)\" font-size=\"12\">\(row.count)</text>"
        }
        return svg + "</svg>"
    }

    /// Containment and escalation rates week by week, as two lines over 0–100 %.
    static func weeks(_ weeks: [(start: Date, report: BotReportDTO)]) -> String {
        guard weeks.contains(where: { $0.report.conversations > 0 }) else { return "" }
        let (width, height, left, bottom) = (560.0, 220.0, 40.0, 30.0)
        let plotHeight = height - bottom - 10
        let step = weeks.count > 1 ? (width - left - 10) / Double(weeks.count - 1) : 0
        func point(_ index: Int, _ rate: Double) -> String {
            "\(Int(left + Double(index) * step)),\(Int(10 + plotHeight * (1 - rate)))"
        }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" "
            + "aria-label=\"Containment and escalation by week\" class=\"chart\">"
        for tick in [0, 50, 100] {
            let y = Int(10 + plotHeight * (1 - Double(tick) / 100))
            svg += "<line x1=\"\(Int(left))\" y1=\"\(y)\" x2=\"\(Int(width))\" y2=\"\(y)\" stroke=\"#ddd\"/>"
            svg += "<text x=\"0\" y=\"\(y + 4)\" font-size=\"11\">\(tick)%</text>"
        }
        let series: [(String, String, (BotReportDTO) -> Double?)] = [
            ("contained", "#4caf6d", { $0.containmentRate }), ("escalated", "#d9534f", { $0.escalationRate }),
        ]
        for (label, colour, value) in series {
            let points = weeks.enumerated().compactMap { index, week in value(week.report).map { point(index, $0) } }
            if points.count > 1 {
                svg +=
                    "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\">"
                    + "<title>\(label)</title></polyline>"
            }
            for p in points {
                let xy = p.split(separator: ",")
                svg += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3\" fill=\"\(colour)\"/>"
            }
        }
        let format = DateFormatter()
        format.dateFormat = "d MMM"
        format.timeZone = TimeZone(identifier: "UTC")
        for (index, week) in weeks.enumerated() where weeks.count <= 8 || index % 2 == 0 {
            svg +=
                "<text x=\"\(Int(left + Double(index) * step) - 14)\" y=\"\(Int(height) - 8)\" font-size=\"11\">"
                + "\(format.string(from: week.start))</text>"
        }
        svg += "<rect x=\"\(Int(width) - 190)\" y=\"\(Int(height) - 22)\" width=\"10\" height=\"10\" fill=\"#4caf6d\"/>"
        svg += "<text x=\"\(Int(width) - 176)\" y=\"\(Int(height) - 13)\" font-size=\"11\">contained</text>"
        svg += "<rect x=\"\(Int(width) - 100)\" y=\"\(Int(height) - 22)\" width=\"10\" height=\"10\" fill=\"#d9534f\"/>"
        svg += "<text x=\"\(Int(width) - 86)\" y=\"\(Int(height) - 13)\" font-size=\"11\">escalated</text>"
        return svg + "</svg>"
    }
}
