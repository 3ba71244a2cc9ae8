import FairdeskCore
import Fluent
import Foundation
import Vapor

/// The leaders' report by day, month, quarter or year, split by tier and channel, read from the
/// rollups (see ``ReportRollups``) and never from the cases themselves.
enum ServiceReports {
    /// What a report was asked for: its unit and the days it covers (`to` included), from the query
    /// `unit`, `from` and `to` (dates like 2026-11-01). Bad values are refused naming the parameter.
    struct Request: Sendable {
        var unit: ReportUnit
        var from: LocalDate
        /// The last day covered.
        var to: LocalDate

        init(unit: ReportUnit, from: LocalDate, to: LocalDate) {
            self.unit = unit
            self.from = from
            self.to = to
        }

        init(_ req: Vapor.Request) throws {
            let unitText = req.query[String.self, at: "unit"] ?? ""
            guard let unit = unitText.isEmpty ? .month : ReportUnit(rawValue: unitText) else {
                throw ApiError.invalid(field: "unit", rule: "must be day, month, quarter or year")
            }
            func date(_ name: String) throws -> LocalDate? {
                guard let text = req.query[String.self, at: name], !text.isEmpty else { return nil }
                guard let day = LocalDate(text) else {
                    throw ApiError.invalid(field: name, rule: "must be a date like 2026-11-01")
                }
                return day
            }
            let today = LocalDate(req.now, in: req.fairdesk.config.timeZone)
            self.unit = unit
            self.to = try date("to") ?? today
            self.from = try date("from") ?? unit.defaultStart(endingOn: self.to)
            guard from <= to else { throw ApiError.invalid(field: "from", rule: "must not be after to") }
            var rows = 0
            var cursor = unit.start(of: from)
            while cursor <= to {
                rows += 1
                cursor = unit.next(after: cursor)
            }
            guard rows <= unit.maximumRows else {
                throw ApiError.invalid(
                    field: "from",
                    rule: "a report by \(unit.rawValue) covers at most \(unit.maximumRows) \(unit.rawValue)s; "
                        + "choose a later date or a longer unit")
            }
        }
    }

    static func build(_ request: Request, config: FairdeskConfig, on db: any Database) async throws
        -> ServiceReport
    {
        let unit = request.unit
        let from = unit.start(of: request.from)
        let to = unit.next(after: unit.start(of: request.to))
        let rollups = ReportRollups(db: db, timeZone: config.timeZone)
        let rows = try await rollups.rows(unit == .day ? .day : .month, from: from, to: to)
        return ServiceReport(unit: unit, from: from, to: to, rows: rows)
    }
}

/// A leaders' report as the API gives it.
struct ServiceReportDTO: Content {
    struct Interval: Content {
        var lower: Double
        var upper: Double
    }

    struct Rate: Content {
        var successes: Int
        var trials: Int
        var rate: Double?
        /// The 95% Wilson interval, when there is at least one trial.
        var interval95: Interval?

        init(_ proportion: Proportion) {
            successes = proportion.successes
            trials = proportion.trials
            rate = proportion.rate
            interval95 = proportion.wilsonInterval(confidence: 0.95).map { Interval(lower: $0.lower, upper: $0.upper) }
        }
    }

    struct Durations: Content {
        var count: Int
        var medianSeconds: Double?
        var p90Seconds: Double?
    }

    struct Complaint: Content {
        var reason: String
        var label: String
        var count: Int
    }

    struct Figures: Content {
        var casesOpened: Int
        var casesResolved: Int
        var satisfaction: Rate
        var complaints: [Complaint]
        var botEscalation: Rate
        var leadEscalation: Rate
        var firstResponse: Durations
        var resolution: Durations
        var slaAttainment: Rate
        var promisesKept: Rate
        var transfersPerResolvedCase: Double?

        init(_ figures: ReportFigures) {
            casesOpened = figures.count(.casesOpened)
            casesResolved = figures.count(.casesResolved)
            satisfaction = Rate(figures.satisfaction)
            complaints = figures.topComplaints.map {
                Complaint(reason: $0.reason, label: ServiceReportDTO.complaintLabel($0.reason), count: $0.count)
            }
            botEscalation = Rate(figures.botEscalation)
            leadEscalation = Rate(figures.leadEscalation)
            firstResponse = Durations(
                count: figures.firstResponseCount, medianSeconds: figures.firstResponseSeconds(quantile: 0.5),
                p90Seconds: figures.firstResponseSeconds(quantile: 0.9))
            resolution = Durations(
                count: figures.resolutionCount, medianSeconds: figures.resolutionSeconds(quantile: 0.5),
                p90Seconds: figures.resolutionSeconds(quantile: 0.9))
            slaAttainment = Rate(figures.slaAttainment)
            promisesKept = Rate(figures.promisesKept)
            transfersPerResolvedCase = figures.bouncesPerResolvedCase
        }
    }

    struct Split: Content {
        var key: String
        var figures: Figures
    }

    struct Period: Content {
        var period: String
        var start: String
        /// The last day of the period.
        var end: String
        var all: Figures
        var byTier: [Split]
        var byChannel: [Split]
    }

    var unit: String
    var from: String
    var to: String
    var timeZone: String
    var periods: [Period]
    var total: Figures

    init(_ report: ServiceReport, timeZone: TimeZone) {
        unit = report.unit.rawValue
        from = report.from.description
        to = report.to.adding(days: -1).description
        self.timeZone = timeZone.identifier
        periods = report.periods.map { period in
            Period(
                period: period.key, start: period.start.description, end: period.end.adding(days: -1).description,
                all: Figures(period.all),
                byTier: report.tiers.map { Split(key: $0, figures: Figures(period.byTier[$0] ?? ReportFigures())) },
                byChannel: report.channels.map {
                    Split(key: $0, figures: Figures(period.byChannel[$0] ?? ReportFigures()))
                })
        }
        total = Figures(report.total)
    }

    /// "Took too long" for "took_too_long"; unknown reasons as they are stored.
    static func complaintLabel(_ reason: String) -> String {
        SurveyReason(rawValue: reason)?.label ?? reason.replacingOccurrences(of: "_", with: " ")
    }
}

/// The report as CSV, one row per period and split (everyone, each tier, each channel), for
/// spreadsheets: rates as fractions, times in seconds.
enum ServiceReportCSV {
    static let header = [
        "period", "start", "end", "split", "value", "cases_opened", "cases_resolved", "survey_answers",
        "satisfaction_rate", "satisfaction_lower_95", "satisfaction_upper_95", "most_common_complaints",
        "bot_conversations", "bot_escalation_rate", "escalated_to_lead", "lead_escalation_rate",
        "first_responses", "first_response_median_seconds", "first_response_p90_seconds", "resolutions",
        "resolution_median_seconds", "resolution_p90_seconds", "sla_met", "sla_missed", "sla_attainment",
        "promises_kept", "promises_broken", "promises_kept_rate", "transfers_per_resolved_case",
    ]

    static func text(_ report: ServiceReportDTO) -> String {
        var lines = [header.joined(separator: ",")]
        for period in report.periods {
            let splits =
                [("all", "all", period.all)] + period.byTier.map { ("tier", $0.key, $0.figures) }
                + period.byChannel.map { ("channel", $0.key, $0.figures) }
            for (split, value, figures) in splits {
                lines.append(
                    ([period.period, period.start, period.end, split, value] + columns(figures)).map(field)
                        .joined(separator: ","))
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private static func columns(_ f: ServiceReportDTO.Figures) -> [String] {
        func number(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "" }
        func seconds(_ value: Double?) -> String { value.map { String(Int($0.rounded())) } ?? "" }
        return [
            String(f.casesOpened), String(f.casesResolved), String(f.satisfaction.trials), number(f.satisfaction.rate),
            number(f.satisfaction.interval95?.lower), number(f.satisfaction.interval95?.upper),
            f.complaints.prefix(3).map { "\($0.label) (\($0.count))" }.joined(separator: "; "),
            String(f.botEscalation.trials), number(f.botEscalation.rate), String(f.leadEscalation.successes),
            number(f.leadEscalation.rate), String(f.firstResponse.count), seconds(f.firstResponse.medianSeconds),
            seconds(f.firstResponse.p90Seconds), String(f.resolution.count), seconds(f.resolution.medianSeconds),
            seconds(f.resolution.p90Seconds), String(f.slaAttainment.successes),
            String(f.slaAttainment.trials - f.slaAttainment.successes), number(f.slaAttainment.rate),
            String(f.promisesKept.successes), String(f.promisesKept.trials - f.promisesKept.successes),
            number(f.promisesKept.rate), number(f.transfersPerResolvedCase),
        ]
    }

    /// Quotes a field when it holds a comma, quote or line break (RFC 4180), and defuses text a
    /// spreadsheet would run as a formula.
    static func field(_ text: String) -> String {
        var text = text
        if let first = text.first, "=+-@".contains(first), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { ",\"\r\n".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func response(_ report: ServiceReportDTO) -> Response {
        let response = Response(status: .ok, body: .init(string: text(report)))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(
            name: .contentDisposition,
            value: "attachment; filename=\"fairdesk-report-\(report.unit)-\(report.from)-to-\(report.to).csv\"")
        return response
    }
}
