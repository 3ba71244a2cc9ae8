import FairdeskCore
import Foundation
import Vapor

/// `/reports`: the leaders' report as a newspaper would print it (one row per month, quarter, year or
/// day: satisfaction, the most common complaints, the share escalated, response and resolution
/// times, SLA attainment, promises kept, transfers), with charts drawn as SVG, the same table by
/// tier and by channel, and a CSV download (`/reports/service.csv`).
struct ReportPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let leaders = routes.grouped(WebGuard(Role.supervisors))
        leaders.get("reports", use: page)
        leaders.get("reports", "service.csv", use: csv)
    }

    struct Row: Encodable {
        var period: String
        var split: String
        var cases: Int
        var resolved: Int
        var satisfaction: String
        var complaints: String
        var botEscalation: String
        var leadEscalation: String
        var firstResponse: String
        var resolution: String
        var sla: String
        var promises: String
        var transfers: String
    }

    struct Page: Encodable {
        var layout: LayoutContext
        var units: [SelectOption]
        var from: String
        var to: String
        var timeZone: String
        var csv: String
        var rows: [Row]
        var total: Row
        var byTier: [Row]
        var byChannel: [Row]
        var satisfactionChart: String
        var escalationChart: String
        var timesChart: String
    }

    @Sendable func page(req: Request) async throws -> View {
        let report = try await ReportController.dto(req)
        let labels = report.periods.map(\.period)
        var query = "unit=\(report.unit)&from=\(report.from)&to=\(report.to)"
        query = query.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? query
        return try await req.view.render(
            "service-report",
            Page(
                layout: LayoutContext(req, title: "Reports", current: .serviceReport),
                units: ReportUnit.allCases.map {
                    SelectOption($0.rawValue, $0.rawValue.capitalized, selected: report.unit)
                },
                from: report.from, to: report.to, timeZone: report.timeZone,
                csv: SitePath.serviceReportCSV.path + "?" + query,
                rows: report.periods.map { Self.row($0.period, "", $0.all) },
                total: Self.row("All", "", report.total),
                byTier: report.periods.flatMap { period in
                    period.byTier.map { Self.row(period.period, $0.key, $0.figures) }
                },
                byChannel: report.periods.flatMap { period in
                    period.byChannel.map { Self.row(period.period, $0.key, $0.figures) }
                },
                satisfactionChart: ReportChart.lines(
                    labels: labels, title: "Satisfaction by period",
                    series: [("satisfied", "#4caf6d", report.periods.map { $0.all.satisfaction.rate })], percent: true),
                escalationChart: ReportChart.lines(
                    labels: labels, title: "Escalations by period",
                    series: [
                        ("bot to a person", "#5b8def", report.periods.map { $0.all.botEscalation.rate }),
                        ("to a lead", "#d9534f", report.periods.map { $0.all.leadEscalation.rate }),
                    ], percent: true),
                timesChart: ReportChart.lines(
                    labels: labels, title: "First response, hours",
                    series: [
                        (
                            "median", "#5b8def",
                            report.periods.map { $0.all.firstResponse.medianSeconds.map { $0 / 3600 } }
                        ),
                        (
                            "90th percentile", "#e0a030",
                            report.periods.map { $0.all.firstResponse.p90Seconds.map { $0 / 3600 } }
                        ),
                    ], percent: false)))
    }

    @Sendable func csv(req: Request) async throws -> Response {
        ServiceReportCSV.response(try await ReportController.dto(req))
    }

    static func row(_ period: String, _ split: String, _ f: ServiceReportDTO.Figures) -> Row {
        Row(
            period: period, split: split, cases: f.casesOpened, resolved: f.casesResolved,
            satisfaction: rate(f.satisfaction, showCount: true),
            complaints: f.complaints.prefix(3).map { "\($0.label) (\($0.count))" }.joined(separator: ", "),
            botEscalation: rate(f.botEscalation, showCount: false),
            leadEscalation: rate(f.leadEscalation, showCount: false),
            firstResponse: times(f.firstResponse), resolution: times(f.resolution),
            sla: rate(f.slaAttainment, showCount: false), promises: rate(f.promisesKept, showCount: false),
            transfers: f.transfersPerResolvedCase.map { String(format: "%.2f", $0) } ?? "–")
    }

    /// "82.4% (n = 1,204)"; "–" when nothing was counted.
    static func rate(_ rate: ServiceReportDTO.Rate, showCount: Bool) -> String {
        guard let value = rate.rate else { return "–" }
        let percent = String(format: "%.1f%%", value * 100)
        return showCount ? "\(percent) (n = \(rate.trials))" : "\(percent) of \(rate.trials)"
    }

    /// "1 h 5 min / 9 h 40 min": median and 90th percentile.
    static func times(_ durations: ServiceReportDTO.Durations) -> String {
        guard let median = durations.medianSeconds, let p90 = durations.p90Seconds else { return "–" }
        return "\(duration(median)) / \(duration(p90))"
    }

    /// "45 s", "12 min", "3 h 20 min", "2 d 4 h".
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total) s" }
        if total < 3_600 { return "\(total / 60) min" }
        if total < 2 * 86_400 { return "\(total / 3_600) h \(total % 3_600 / 60) min" }
        return "\(total / 86_400) d \(total % 86_400 / 3_600) h"
    }
}

/// Line charts of figures over the report's periods, drawn as inline SVG so the page needs no script.
enum ReportChart {
    /// One line per series over `labels`; a gap where a period has no value. `percent` draws rates
    /// (0...1) on a 0–100% scale; otherwise the scale runs from 0 to the largest value.
    static func lines(labels: [String], title: String, series: [(String, String, [Double?])], percent: Bool) -> String {
        let values = series.flatMap { $0.2.compactMap { $0 } }
        guard !labels.isEmpty, !values.isEmpty else { return "" }
        let top = percent ? 1 : max(values.max()! * 1.1, 0.1)
        let (width, height, left, bottom) = (640.0, 240.0, 48.0, 46.0)
        let plotHeight = height - bottom - 10
        let step = labels.count > 1 ? (width - left - 16) / Double(labels.count - 1) : 0
        func x(_ index: Int) -> Int { Int(left + Double(index) * step) }
        func y(_ value: Double) -> Int { Int(10 + plotHeight * (1 - value / top)) }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" "
            + "aria-label=\"\(PromiseChart.escape(title))\" class=\"chart\">"
        for tick in 0...4 {
            let value = top * Double(tick) / 4
            let label = percent ? "\(tick * 25)%" : String(format: value < 10 ? "%.1f" : "%.0f", value)
            svg +=
                "<line x1=\"\(Int(left))\" y1=\"\(y(value))\" x2=\"\(Int(width))\" y2=\"\(y(value))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"0\" y=\"\(y(value) + 4)\" font-size=\"11\">\(label)</text>"
        }
        for (name, colour, points) in series {
            var run: [String] = []
            func flush() {
                if run.count > 1 {
                    svg +=
                        "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(run.joined(separator: " "))\"/>"
                }
                run = []
            }
            for (index, value) in points.enumerated() {
                guard let value else {
                    flush()
                    continue
                }
                run.append("\(x(index)),\(y(value))")
                let shown = percent ? String(format: "%.1f%%", value * 100) : String(format: "%.2f", value)
                svg +=
                    "<circle cx=\"\(x(index))\" cy=\"\(y(value))\" r=\"3\" fill=\"\(colour)\">"
                    + "<title>\(PromiseChart.escape(labels[index])): \(PromiseChart.escape(name)) \(shown)</title></circle>"
            }
            flush()
        }
        let every = max(1, labels.count / 8)
        for (index, label) in labels.enumerated() where index % every == 0 {
            svg +=
                "<text x=\"\(x(index) - 18)\" y=\"\(Int(height) - 26)\" font-size=\"11\">\(PromiseChart.escape(label))</text>"
        }
        var legendX = Int(left)
        for (name, colour, _) in series {
            svg += "<rect x=\"\(legendX)\" y=\"\(Int(height) - 14)\" width=\"10\" height=\"10\" fill=\"\(colour)\"/>"
            svg +=
                "<text x=\"\(legendX + 14)\" y=\"\(Int(height) - 5)\" font-size=\"11\">\(PromiseChart.escape(name))</text>"
            legendX += 24 + name.count * 7
        }
        return svg + "</svg>"
    }
}
