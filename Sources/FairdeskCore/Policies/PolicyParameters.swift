import Foundation

/// One value a policy version gives to code: a number, a word, or a table (e.g. survey reason -> who
/// is answerable).
///
/// It is coded as plain JSON: a number, a string, or an object of strings.
public enum ParameterValue: Sendable, Equatable, Codable, Hashable, CustomStringConvertible {
    /// A count, a window, a threshold: `14`, `0.95`.
    case number(Double)
    /// A word: `warn`.
    case text(String)
    /// Words by word: survey reason -> who is answerable.
    case table([String: String])

    /// Reads a JSON number, string or object of strings, in that order.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .text(text)
        } else if let table = try? container.decode([String: String].self) {
            self = .table(table)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "a parameter must be a number, a string or an object of strings")
        }
    }

    /// Writes the plain JSON value: a number, a string or an object of strings.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let number): try container.encode(number)
        case .text(let text): try container.encode(text)
        case .table(let table): try container.encode(table)
        }
    }

    /// The value as a person reads it: `14`, `0.95`, `"warn"`, or `a table`.
    public var description: String {
        switch self {
        case .number(let number): ParameterText.formatNumber(number)
        case .text(let text): "\"\(text.prefix(40))\""
        case .table: "a table"
        }
    }
}

/// The values a policy version gives to code, by name.
public typealias PolicyParameters = [String: ParameterValue]

extension Dictionary where Key == String, Value == ParameterValue {
    /// The number called `name`, if there is one.
    public func number(_ name: String) -> Double? {
        if case .number(let number) = self[name] { return number }
        return nil
    }

    /// The number called `name`, only if it is a whole number.
    public func integer(_ name: String) -> Int? {
        guard let number = number(name), number.rounded() == number, abs(number) < 9e15 else { return nil }
        return Int(number)
    }

    /// The word called `name`, if there is one.
    public func text(_ name: String) -> String? {
        if case .text(let text) = self[name] { return text }
        return nil
    }

    /// The table called `name`, if there is one.
    public func table(_ name: String) -> [String: String]? {
        if case .table(let table) = self[name] { return table }
        return nil
    }
}

/// What a policy is about; each kind has the parameters code reads from it.
public enum PolicyKind: String, Sendable, Codable, CaseIterable {
    /// Agent conduct and metrics.
    case agentConduct = "agent_conduct"
    /// Who each survey reason is put down to.
    case surveyAttribution = "survey_attribution"
    /// Coaching and improvement plans for agents.
    case improvementPlans = "improvement_plans"
    /// Driver standing and deactivation.
    case driverStanding = "driver_standing"
    /// When refunds, replacements and callbacks are due.
    case refundsReplacements = "refunds_replacements"
    /// Anything else; code reads no parameters from it, but an owner may set some.
    case other

    /// The kind's name for people: "Driver standing and deactivation".
    public var title: String {
        switch self {
        case .agentConduct: "Agent conduct and metrics"
        case .surveyAttribution: "Survey attribution"
        case .improvementPlans: "Improvement plans"
        case .driverStanding: "Driver standing and deactivation"
        case .refundsReplacements: "Refunds and replacements"
        case .other: "Other"
        }
    }
}

/// One parameter a kind of policy must set: its name, what code does with it, and the values it takes.
public struct ParameterSpec: Sendable {
    /// The values a parameter takes.
    public enum Rule: Sendable {
        /// A whole number in the range.
        case integer(ClosedRange<Int>)
        /// Any number in the range.
        case decimal(ClosedRange<Double>)
        /// One of these words.
        case choice([String])
        /// A table; `keys` nil means any key (lower-case words with _), each value one of `values`.
        case table(keys: [String]?, values: [String])
    }

    /// The name code reads it by: `appeal_window_days`.
    public var name: String
    /// One plain sentence: what code does with it, with its unit.
    public var help: String
    /// The values it takes.
    public var rule: Rule
    /// The starting value offered to an owner.
    public var suggested: ParameterValue
    /// What a table's keys stand for, in the rule's words: "a table of reason = …".
    public var keyName: String

    /// A parameter's spec; `keyName` only matters for tables.
    public init(name: String, help: String, rule: Rule, suggested: ParameterValue, keyName: String = "key") {
        self.name = name
        self.help = help
        self.rule = rule
        self.suggested = suggested
        self.keyName = keyName
    }

    /// The rule in words, to follow "must be": "a whole number from 1 to 90", "a decimal from 0 to 1",
    /// "one of: a, b", "a table of reason = agent|policy|product|delivery|other".
    public var ruleText: String {
        switch rule {
        case .integer(let range):
            "a whole number from \(range.lowerBound) to \(range.upperBound)"
        case .decimal(let range):
            "a decimal from \(ParameterText.formatNumber(range.lowerBound)) to "
                + ParameterText.formatNumber(range.upperBound)
        case .choice(let options):
            "one of: " + options.joined(separator: ", ")
        case .table(let keys, let values):
            "a table of \(keyName) = " + values.joined(separator: "|")
                + (keys.map { " for each \(keyName) of: " + $0.joined(separator: ", ") } ?? "")
        }
    }
}

/// The parameters one kind of policy sets, and the checks a version's parameters must pass.
public struct ParameterSchema: Sendable {
    /// The kind of policy it is for.
    public var kind: PolicyKind
    /// The parameters, each required, in the order a form shows them.
    public var specs: [ParameterSpec]
    /// For `other`: any parameter names are allowed, as long as each value is a number or a word.
    public var allowsAnyNames: Bool

    /// A schema from its parts.
    public init(kind: PolicyKind, specs: [ParameterSpec], allowsAnyNames: Bool = false) {
        self.kind = kind
        self.specs = specs
        self.allowsAnyNames = allowsAnyNames
    }

    /// The parameters code reads from a policy of `kind`.
    public static func forKind(_ kind: PolicyKind) -> ParameterSchema {
        switch kind {
        case .agentConduct:
            ParameterSchema(
                kind: kind,
                specs: [
                    ParameterSpec(
                        name: "minimum_responses_for_rank",
                        help: "Agents with fewer survey responses than this in the window are shown but not ranked.",
                        rule: .integer(1...1000), suggested: .number(30)),
                    ParameterSpec(
                        name: "confidence_level",
                        help: "How sure a difference between agents must be before a scorecard calls it real "
                            + "(0.95 means 95%).",
                        rule: .decimal(0.5...0.999), suggested: .number(0.95)),
                    ParameterSpec(
                        name: "dispute_window_days",
                        help: "Days an agent has to dispute a survey response or metric once it is shown to them.",
                        rule: .integer(1...90), suggested: .number(7)),
                    ParameterSpec(
                        name: "scorecard_window_days", help: "Days of history each scorecard covers.",
                        rule: .integer(7...365), suggested: .number(30)),
                ])
        case .surveyAttribution:
            ParameterSchema(
                kind: kind,
                specs: [
                    ParameterSpec(
                        name: "attribution",
                        help: "Who each survey reason is put down to; only reasons put down to the agent count "
                            + "against an agent.",
                        rule: .table(
                            keys: SurveyReason.allCases.map(\.rawValue), values: Attribution.allCases.map(\.rawValue)),
                        suggested: .table(SurveyReason.suggestedAttribution),
                        keyName: "reason"),
                    ParameterSpec(
                        name: "recovery_follow_up_hours",
                        help: "Hours within which a customer who gave a poor survey answer hears back from us.",
                        rule: .integer(1...168), suggested: .number(24)),
                ])
        case .improvementPlans:
            ParameterSchema(
                kind: kind,
                specs: [
                    ParameterSpec(
                        name: "coaching_sessions_per_week",
                        help: "Coaching sessions offered each week to an agent on an improvement plan.",
                        rule: .integer(1...14), suggested: .number(2)),
                    ParameterSpec(
                        name: "plan_weeks", help: "Weeks an improvement plan runs before its outcome is decided.",
                        rule: .integer(2...26), suggested: .number(6)),
                    ParameterSpec(
                        name: "answer_window_days",
                        help: "Days an agent has to answer a proposed plan in writing before it starts.",
                        rule: .integer(1...30), suggested: .number(5)),
                ])
        case .driverStanding:
            ParameterSchema(
                kind: kind,
                specs: [
                    ParameterSpec(
                        name: "metric_window_days", help: "Days of deliveries a driver's standing is worked out over.",
                        rule: .integer(7...180), suggested: .number(28)),
                    ParameterSpec(
                        name: "fantastic_on_time_min",
                        help: "The share of deliveries on time (0 to 1) a driver needs for Fantastic standing.",
                        rule: .decimal(0...1), suggested: .number(0.98)),
                    ParameterSpec(
                        name: "great_on_time_min",
                        help: "The share of deliveries on time (0 to 1) a driver needs for Great standing.",
                        rule: .decimal(0...1), suggested: .number(0.95)),
                    ParameterSpec(
                        name: "fair_on_time_min",
                        help: "The share of deliveries on time (0 to 1) a driver needs for Fair standing; below it "
                            + "standing is At risk.",
                        rule: .decimal(0...1), suggested: .number(0.90)),
                    ParameterSpec(
                        name: "warning_period_days",
                        help: "Days a driver has after a written warning to improve before deactivation can be "
                            + "considered.",
                        rule: .integer(1...60), suggested: .number(7)),
                    ParameterSpec(
                        name: "appeal_window_days", help: "Days a driver has to appeal a deactivation.",
                        rule: .integer(7...90), suggested: .number(14)),
                    ParameterSpec(
                        name: "review_deadline_days", help: "Days within which a reviewer must decide an appeal.",
                        rule: .integer(1...60), suggested: .number(14)),
                    ParameterSpec(
                        name: "interim_suspension_business_days",
                        help: "Business days an interim suspension may last before a decision is due.",
                        rule: .integer(1...30), suggested: .number(7)),
                    ParameterSpec(
                        name: "action_notice_days",
                        help: "Days between a decision on ordinary grounds and the day it takes effect, so the "
                            + "driver is told before it applies and may appeal meanwhile; a decision on an urgent "
                            + "ground (safety, fraud) takes effect at once.",
                        rule: .integer(0...60), suggested: .number(14)),
                    ParameterSpec(
                        name: "suspension_days_max",
                        help: "The most days a suspension or restriction may last; each decision states its own "
                            + "number of days within it. A deactivation has no end; an interim suspension lapses "
                            + "by its own rule.",
                        rule: .integer(1...365), suggested: .number(30)),
                    ParameterSpec(
                        name: "completion_rate_min",
                        help: "The share of packages (0 to 1) a driver must deliver to keep any standing above At "
                            + "risk; undeliverable for reasons outside the driver's control does not count.",
                        rule: .decimal(0...1), suggested: .number(0.97)),
                    ParameterSpec(
                        name: "scan_compliance_min",
                        help: "The share of deliveries (0 to 1) scanned within the address geofence at delivery "
                            + "time a driver needs to keep any standing above At risk.",
                        rule: .decimal(0...1), suggested: .number(0.95)),
                    ParameterSpec(
                        name: "missed_blocks_max",
                        help: "Missed or late-cancelled blocks in the window a driver may have and keep any "
                            + "standing above At risk.",
                        rule: .integer(0...20), suggested: .number(2)),
                    ParameterSpec(
                        name: "minimum_deliveries_for_tier",
                        help: "Deliveries in the window below which a driver is shown their numbers but given no "
                            + "tier, so a handful of late packages never puts a new driver At risk.",
                        rule: .integer(1...1000), suggested: .number(20)),
                    ParameterSpec(
                        name: "geofence_radius_m",
                        help: "Metres around a delivery address within which a scan counts, when the address "
                            + "sets no radius of its own.",
                        rule: .integer(10...1000), suggested: .number(50)),
                    ParameterSpec(
                        name: "scan_time_tolerance_minutes",
                        help: "Minutes before or after the recorded delivery time within which a scan counts.",
                        rule: .integer(0...120), suggested: .number(10)),
                    ParameterSpec(
                        name: "review_escalation_days",
                        help: "Days before an appeal's review deadline at which an undecided appeal is escalated.",
                        rule: .integer(1...30), suggested: .number(3)),
                    ParameterSpec(
                        name: "reason_kinds",
                        help: "The grounds a decision may cite, each urgent (may justify an interim suspension), "
                            + "ordinary (warning first) or forbidden (may never be cited); the grounds the law "
                            + "forbids are forbidden whatever this says.",
                        rule: .table(keys: nil, values: ["urgent", "ordinary", "forbidden"]),
                        suggested: .table(DecisionGrounds.suggestedKinds), keyName: "reason"),
                ])
        case .refundsReplacements:
            ParameterSchema(
                kind: kind,
                specs: [
                    ParameterSpec(
                        name: "refund_due_days", help: "Days within which an approved refund must be paid.",
                        rule: .integer(1...60), suggested: .number(5)),
                    ParameterSpec(
                        name: "replacement_due_days", help: "Days within which an approved replacement must be sent.",
                        rule: .integer(1...60), suggested: .number(7)),
                    ParameterSpec(
                        name: "callback_due_hours", help: "Hours within which a promised callback must be made.",
                        rule: .integer(1...168), suggested: .number(24)),
                ])
        case .other:
            ParameterSchema(kind: kind, specs: [], allowsAnyNames: true)
        }
    }

    /// The suggested values, for a new policy's first draft.
    public var suggested: PolicyParameters {
        Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0.suggested) })
    }

    /// The spec called `name`, if this kind has one.
    public func spec(_ name: String) -> ParameterSpec? { specs.first { $0.name == name } }

    /// Every problem at once, field "parameters.<name>" (or "parameters.<name>.<key>" for a table
    /// entry): unknown name ("is not a parameter of <kind title> policies; known: a, b"), missing
    /// ("is required: <ruleText>"), wrong type or out of range ("must be <ruleText> (got …)"). Then
    /// the rules between fields: an attribution table must not be empty, driver thresholds must
    /// not rise from fantastic to great to fair, and the grounds the law forbids stay forbidden. For
    /// `other`, names must be lower-case letters, digits and _, and each value a number or a non-empty
    /// word.
    public func validate(_ parameters: PolicyParameters) throws(ValidationFailure) {
        var checks = Checks()
        let known = Set(specs.map(\.name))
        for name in parameters.keys.sorted() where !known.contains(name) {
            let field = "parameters.\(name.prefix(60))"
            if allowsAnyNames {
                if !ParameterText.isName(name) {
                    checks.add(field, "must be named in lower-case letters, digits and _")
                }
                switch parameters[name]! {
                case .number(let number) where !number.isFinite:
                    checks.add(field, "must be a number or a word (got \(number))")
                case .text(let text) where text.trimmingCharacters(in: .whitespaces).isEmpty:
                    checks.add(field, "must be a number or a word (got an empty word)")
                case .table:
                    checks.add(field, "must be a number or a word (got a table)")
                default:
                    break
                }
            } else {
                checks.add(
                    field,
                    "is not a parameter of \(kind.title) policies; known: " + specs.map(\.name).joined(separator: ", "))
            }
        }
        var valid: Set<String> = []
        for spec in specs {
            let field = "parameters.\(spec.name)"
            guard let value = parameters[spec.name] else {
                checks.add(field, "is required: \(spec.ruleText)")
                continue
            }
            let before = checks.problems.count
            check(value, against: spec, field: field, checks: &checks)
            if checks.problems.count == before { valid.insert(spec.name) }
        }
        crossChecks(parameters, valid: valid, checks: &checks)
        try checks.finish()
    }

    private func check(_ value: ParameterValue, against spec: ParameterSpec, field: String, checks: inout Checks) {
        let mismatch = "must be \(spec.ruleText) (got \(value.description))"
        switch (spec.rule, value) {
        case (.integer(let range), .number(let number)):
            if !(number.rounded() == number && number >= Double(range.lowerBound)
                && number <= Double(range.upperBound))
            {
                checks.add(field, mismatch)
            }
        case (.decimal(let range), .number(let number)):
            if !(number.isFinite && range.contains(number)) { checks.add(field, mismatch) }
        case (.choice(let options), .text(let text)):
            if !options.contains(text) { checks.add(field, mismatch) }
        case (.table(let keys, let values), .table(let table)):
            for key in table.keys.sorted() {
                let entry = "\(field).\(key.prefix(60))"
                if let keys {
                    if !keys.contains(key) {
                        checks.add(
                            entry, "is not a \(spec.keyName) of \(spec.name); known: " + keys.joined(separator: ", "))
                    }
                } else if !ParameterText.isName(key) {
                    checks.add(entry, "must be named in lower-case letters, digits and _")
                }
                let entryValue = table[key]!
                if !values.contains(entryValue) {
                    checks.add(
                        entry, "must be one of: \(values.joined(separator: ", ")) (got \"\(entryValue.prefix(40))\")")
                }
            }
        default:
            checks.add(field, mismatch)
        }
    }

    private func crossChecks(_ parameters: PolicyParameters, valid: Set<String>, checks: inout Checks) {
        switch kind {
        case .surveyAttribution:
            if valid.contains("attribution"), let table = parameters.table("attribution") {
                let missing = SurveyReason.allCases.map(\.rawValue).filter { table[$0] == nil }
                if !missing.isEmpty {
                    checks.add(
                        "parameters.attribution",
                        "must put every survey reason down to someone; missing: " + missing.joined(separator: ", "))
                }
            }
        case .driverStanding:
            let order = ["fantastic_on_time_min", "great_on_time_min", "fair_on_time_min"]
            for (higher, lower) in zip(order, order.dropFirst()) {
                guard valid.contains(higher), valid.contains(lower), let top = parameters.number(higher),
                    let bottom = parameters.number(lower), bottom > top
                else { continue }
                checks.add(
                    "parameters.\(lower)", "must not exceed \(higher) (\(ParameterText.formatNumber(top)))")
            }
            // The law's forbidden grounds stay forbidden: a policy cannot make "hours worked" a reason.
            if valid.contains("reason_kinds"), let kinds = parameters.table("reason_kinds") {
                for ground in DecisionGrounds.alwaysForbidden where kinds[ground].map({ $0 != "forbidden" }) ?? false {
                    checks.add(
                        "parameters.reason_kinds.\(ground)",
                        "must be forbidden: \(DecisionGrounds.words(ground)) may never be a ground for action")
                }
            }
        default:
            break
        }
    }
}

/// Parameters as an owner types them in a form, one per line: `appeal_window_days = 14`; a table entry
/// is `attribution.wrong_item = delivery`; blank lines and lines starting with # are ignored. A value
/// that parses as a number is a number, otherwise text (trimmed, optional surrounding double quotes
/// removed; a quoted value is always text, so `"7"` is the word 7).
public enum ParameterText {
    /// The parameters written in `text`. Every problem is reported at once, on the field "parameters",
    /// each naming its line: "line 3 must look like name = value". Names are lower-case letters,
    /// digits and _; a name used both as a value and as a table, or set twice, is refused.
    public static func parse(_ text: String) throws(ValidationFailure) -> PolicyParameters {
        var checks = Checks()
        var parameters: PolicyParameters = [:]
        var firstLine: [String: Int] = [:]
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .components(separatedBy: "\n")
        for (offset, raw) in lines.enumerated() {
            let lineNumber = offset + 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                checks.add("parameters", "line \(lineNumber) must look like name = value")
                continue
            }
            let target = line[..<equals].trimmingCharacters(in: .whitespaces)
            let rawValue = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !target.isEmpty, !rawValue.isEmpty else {
                checks.add("parameters", "line \(lineNumber) must look like name = value")
                continue
            }
            let parts = target.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard parts.count <= 2, parts.allSatisfy(isName) else {
                checks.add(
                    "parameters",
                    "line \(lineNumber) must name a parameter in lower-case letters, digits and _, with one . "
                        + "before a table key (got \"\(target.prefix(40))\")")
                continue
            }
            let name = parts[0]
            let (value, quoted) = unquote(rawValue)
            if parts.count == 1 {
                if let first = firstLine[name] {
                    checks.add(
                        "parameters",
                        parameters.table(name) == nil
                            ? "line \(lineNumber) sets \(name) again (first set on line \(first))"
                            : "line \(lineNumber) gives \(name) a value, but line \(first) made it a table")
                    continue
                }
                let number = quoted ? nil : parseNumber(value)
                parameters[name] = number.map(ParameterValue.number) ?? .text(value)
                firstLine[name] = lineNumber
            } else {
                let key = parts[1]
                if let existing = parameters[name] {
                    guard case .table(var table) = existing else {
                        checks.add(
                            "parameters",
                            "line \(lineNumber) uses \(name) as a table, but line \(firstLine[name]!) gave it a value")
                        continue
                    }
                    if table[key] != nil {
                        checks.add("parameters", "line \(lineNumber) sets \(name).\(key) again")
                        continue
                    }
                    table[key] = value
                    parameters[name] = .table(table)
                } else {
                    parameters[name] = .table([key: value])
                    firstLine[name] = lineNumber
                }
            }
        }
        try checks.finish()
        return parameters
    }

    /// The parameters as an owner edits them: sorted by name, tables expanded to `name.key = value`,
    /// numbers without ".0" when whole. Words that would read back as something else (a number,
    /// empty, with edge spaces or quotes) are quoted. An empty table has no lines.
    public static func format(_ parameters: PolicyParameters) -> String {
        var lines: [String] = []
        for name in parameters.keys.sorted() {
            switch parameters[name]! {
            case .number(let number):
                lines.append("\(name) = \(formatNumber(number))")
            case .text(let text):
                lines.append("\(name) = \(formatWord(text))")
            case .table(let table):
                for key in table.keys.sorted() {
                    lines.append("\(name).\(key) = \(formatWord(table[key]!, quoteNumbers: false))")
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Whether `name` is a parameter name or table key: lower-case ASCII letters, digits and _.
    public static func isName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 60
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// A number as a person writes it: `14`, not `14.0`; `0.95`.
    public static func formatNumber(_ number: Double) -> String {
        if number.rounded() == number, abs(number) < 1e15 { return String(Int(number)) }
        return "\(number)"
    }

    /// A number written as digits with an optional sign, decimal point and exponent; not "inf" or hex.
    static func parseNumber(_ text: String) -> Double? {
        var scalars = Substring(text).unicodeScalars[...]
        if let sign = scalars.first, sign == "-" || sign == "+" { scalars = scalars.dropFirst() }
        let mantissa = scalars.prefix { ("0"..."9").contains($0) || $0 == "." }
        let digits = mantissa.filter { $0 != "." }.count
        guard digits > 0, mantissa.filter({ $0 == "." }).count <= 1 else { return nil }
        var rest = scalars.dropFirst(mantissa.count)
        if let mark = rest.first, mark == "e" || mark == "E" {
            rest = rest.dropFirst()
            if let sign = rest.first, sign == "-" || sign == "+" { rest = rest.dropFirst() }
            guard !rest.isEmpty, rest.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        } else if !rest.isEmpty {
            return nil
        }
        guard let number = Double(text), number.isFinite else { return nil }
        return number
    }

    private static func unquote(_ value: String) -> (String, Bool) {
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
            return (String(value.dropFirst().dropLast()), true)
        }
        return (value, false)
    }

    private static func formatWord(_ text: String, quoteNumbers: Bool = true) -> String {
        let needsQuotes =
            text.isEmpty || text != text.trimmingCharacters(in: .whitespaces) || text.hasPrefix("\"")
            || (quoteNumbers && parseNumber(text) != nil)
        return needsQuotes ? "\"\(text)\"" : text
    }
}
