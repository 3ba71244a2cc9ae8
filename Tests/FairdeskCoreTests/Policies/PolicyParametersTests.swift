import Foundation
import Testing

@testable import FairdeskCore

@Suite("Policy parameters")
struct PolicyParametersTests {
    /// The problems `validate` reports, as (field, rule) pairs; empty when it passes.
    func problems(_ kind: PolicyKind, _ parameters: PolicyParameters) -> [FieldProblem] {
        do {
            try ParameterSchema.forKind(kind).validate(parameters)
            return []
        } catch {
            return error.problems
        }
    }

    func driverParameters(_ changes: PolicyParameters) -> PolicyParameters {
        ParameterSchema.forKind(.driverStanding).suggested.merging(changes) { $1 }
    }

    @Test("each kind's suggested values pass its own checks", arguments: PolicyKind.allCases)
    func suggestedValuesValidate(kind: PolicyKind) throws {
        let schema = ParameterSchema.forKind(kind)
        try schema.validate(schema.suggested)
        #expect(schema.suggested.count == schema.specs.count)
        #expect(schema.allowsAnyNames == (kind == .other))
    }

    @Test("the schemas name exactly the parameters code reads")
    func schemaNames() {
        func names(_ kind: PolicyKind) -> [String] { ParameterSchema.forKind(kind).specs.map(\.name) }
        #expect(
            names(.agentConduct) == [
                "minimum_responses_for_rank", "confidence_level", "dispute_window_days", "scorecard_window_days",
            ])
        #expect(names(.surveyAttribution) == ["attribution", "recovery_follow_up_hours"])
        #expect(names(.improvementPlans) == ["coaching_sessions_per_week", "plan_weeks", "answer_window_days"])
        #expect(
            names(.driverStanding) == [
                "metric_window_days", "fantastic_on_time_min", "great_on_time_min", "fair_on_time_min",
                "warning_period_days", "appeal_window_days", "review_deadline_days",
                "interim_suspension_business_days", "action_notice_days", "suspension_days_max", "completion_rate_min",
                "scan_compliance_min",
                "missed_blocks_max",
                "minimum_deliveries_for_tier", "geofence_radius_m", "scan_time_tolerance_minutes",
                "review_escalation_days", "reason_kinds",
            ])
        #expect(names(.refundsReplacements) == ["refund_due_days", "replacement_due_days", "callback_due_hours"])
        #expect(names(.other).isEmpty)
        let driver = ParameterSchema.forKind(.driverStanding).suggested
        #expect(driver.integer("appeal_window_days") == 14)
        #expect(driver.number("fair_on_time_min") == 0.90)
        #expect(
            ParameterSchema.forKind(.surveyAttribution).suggested.table("attribution")?["agent_unhelpful"] == "agent")
        #expect(
            ParameterSchema.forKind(.surveyAttribution).suggested.table("attribution")?["took_too_long"] == "process")
        #expect(PolicyKind.driverStanding.title == "Driver standing and deactivation")
        #expect(PolicyKind(rawValue: "refunds_replacements") == .refundsReplacements)
    }

    @Test("rules read as words after 'must be'")
    func ruleText() {
        let schema = ParameterSchema.forKind(.surveyAttribution)
        #expect(
            schema.spec("attribution")?.ruleText
                == "a table of reason = agent|policy|product|delivery|process for each reason of: \(Self.reasons)")
        #expect(schema.spec("recovery_follow_up_hours")?.ruleText == "a whole number from 1 to 168")
        #expect(ParameterSchema.forKind(.driverStanding).spec("great_on_time_min")?.ruleText == "a decimal from 0 to 1")
        #expect(
            ParameterSchema.forKind(.agentConduct).spec("confidence_level")?.ruleText == "a decimal from 0.5 to 0.999")
        let choice = ParameterSpec(
            name: "mode", help: "How.", rule: .choice(["warn", "block"]), suggested: .text("warn"))
        #expect(choice.ruleText == "one of: warn, block")
        let keyed = ParameterSpec(
            name: "t", help: "T.", rule: .table(keys: ["a", "b"], values: ["x", "y"]), suggested: .table([:]))
        #expect(keyed.ruleText == "a table of key = x|y for each key of: a, b")
    }

    @Test("unknown, missing, out of range and wrong type are each named by field, all at once")
    func eachProblemNamed() {
        let found = problems(
            .refundsReplacements,
            ["refund_due_days": .number(0), "replacement_due_days": .text("a week"), "callbacks": .number(1)])
        #expect(
            found == [
                FieldProblem(
                    field: "parameters.callbacks",
                    rule: "is not a parameter of Refunds and replacements policies; known: refund_due_days, "
                        + "replacement_due_days, callback_due_hours"),
                FieldProblem(field: "parameters.refund_due_days", rule: "must be a whole number from 1 to 60 (got 0)"),
                FieldProblem(
                    field: "parameters.replacement_due_days",
                    rule: "must be a whole number from 1 to 60 (got \"a week\")"),
                FieldProblem(field: "parameters.callback_due_hours", rule: "is required: a whole number from 1 to 168"),
            ])
    }

    @Test("a whole number must be whole, and a decimal within its range")
    func numbers() {
        #expect(
            problems(
                .improvementPlans,
                [
                    "coaching_sessions_per_week": .number(2.5), "plan_weeks": .number(6),
                    "answer_window_days": .number(5),
                ])
                == [
                    FieldProblem(
                        field: "parameters.coaching_sessions_per_week",
                        rule: "must be a whole number from 1 to 14 (got 2.5)")
                ])
        #expect(
            problems(
                .agentConduct,
                ParameterSchema.forKind(.agentConduct).suggested.merging(["confidence_level": .number(1)]) { $1 })
                == [
                    FieldProblem(
                        field: "parameters.confidence_level", rule: "must be a decimal from 0.5 to 0.999 (got 1)")
                ])
        #expect(
            problems(
                .agentConduct,
                ParameterSchema.forKind(.agentConduct).suggested.merging(["scorecard_window_days": .table([:])]) { $1 })
                == [
                    FieldProblem(
                        field: "parameters.scorecard_window_days",
                        rule: "must be a whole number from 7 to 365 (got a table)")
                ])
    }

    @Test("driver thresholds must fall from fantastic to great to fair; the lower one is named")
    func driverThresholdOrder() {
        #expect(
            problems(.driverStanding, driverParameters(["great_on_time_min": .number(0.99)]))
                == [
                    FieldProblem(
                        field: "parameters.great_on_time_min", rule: "must not exceed fantastic_on_time_min (0.98)")
                ])
        #expect(
            problems(.driverStanding, driverParameters(["fair_on_time_min": .number(0.96)]))
                == [
                    FieldProblem(field: "parameters.fair_on_time_min", rule: "must not exceed great_on_time_min (0.95)")
                ])
        #expect(
            problems(
                .driverStanding,
                driverParameters(["great_on_time_min": .number(0.98), "fair_on_time_min": .number(0.98)])
            ).isEmpty)
    }

    static let reasons = SurveyReason.allCases.map(\.rawValue).joined(separator: ", ")

    @Test("a table value outside the allowed set, an unknown reason and a missing reason are refused")
    func attributionTable() {
        var table = SurveyReason.suggestedAttribution
        table["took_too_long"] = "driver"
        table["Wrong Item"] = "delivery"
        let bad: PolicyParameters = ["attribution": .table(table), "recovery_follow_up_hours": .number(24)]
        #expect(
            problems(.surveyAttribution, bad) == [
                FieldProblem(
                    field: "parameters.attribution.Wrong Item",
                    rule: "is not a reason of attribution; known: \(Self.reasons)"),
                FieldProblem(
                    field: "parameters.attribution.took_too_long",
                    rule: "must be one of: agent, policy, product, delivery, process (got \"driver\")"),
            ])
        table = SurveyReason.suggestedAttribution
        table["other"] = nil
        #expect(
            problems(.surveyAttribution, ["attribution": .table(table), "recovery_follow_up_hours": .number(24)])
                == [
                    FieldProblem(
                        field: "parameters.attribution",
                        rule: "must put every survey reason down to someone; missing: other")
                ])
        #expect(
            problems(.surveyAttribution, ["attribution": .text("agent"), "recovery_follow_up_hours": .number(24)])
                .map(\.rule).first?.hasPrefix("must be a table of reason = agent|policy|product|delivery|process")
                == true)
    }

    @Test("'other' policies take any lower-case names, each a number or a word, never a table")
    func otherKind() {
        #expect(problems(.other, ["max_items": .number(3), "tone": .text("warm")]).isEmpty)
        #expect(
            problems(.other, ["groups": .table(["a": "b"]), "Bad": .number(1), "blank": .text(" ")]) == [
                FieldProblem(field: "parameters.Bad", rule: "must be named in lower-case letters, digits and _"),
                FieldProblem(field: "parameters.blank", rule: "must be a number or a word (got an empty word)"),
                FieldProblem(field: "parameters.groups", rule: "must be a number or a word (got a table)"),
            ])
    }

    @Test("typed parameters read back as numbers, words and tables, and format back the same")
    func textRoundTrip() throws {
        let typed = """
            # Driver standing, spring review
            appeal_window_days = 14
            fantastic_on_time_min = 0.98

            tone = "warm"
            label = "7"
            attribution.wrong_item = delivery
            attribution.agent_rude = agent
            """
        let parameters = try ParameterText.parse(typed)
        #expect(
            parameters == [
                "appeal_window_days": .number(14), "fantastic_on_time_min": .number(0.98), "tone": .text("warm"),
                "label": .text("7"), "attribution": .table(["wrong_item": "delivery", "agent_rude": "agent"]),
            ])
        let formatted = ParameterText.format(parameters)
        #expect(
            formatted == """
                appeal_window_days = 14
                attribution.agent_rude = agent
                attribution.wrong_item = delivery
                fantastic_on_time_min = 0.98
                label = "7"
                tone = warm
                """)
        #expect(try ParameterText.parse(formatted) == parameters)
        let awkward: PolicyParameters = [
            "a": .number(-2.5), "b": .number(1e20), "c": .text(" padded "), "d": .text("\"quoted\""), "e": .text(""),
        ]
        #expect(try ParameterText.parse(ParameterText.format(awkward)) == awkward)
    }

    @Test("numbers are digits, not inf, nan or hex, which stay words")
    func numberSyntax() throws {
        let parsed = try ParameterText.parse("a = inf\nb = nan\nc = 0x10\nd = -3\ne = .5\nf = 1e3")
        #expect(parsed["a"] == .text("inf") && parsed["b"] == .text("nan") && parsed["c"] == .text("0x10"))
        #expect(parsed["d"] == .number(-3) && parsed["e"] == .number(0.5) && parsed["f"] == .number(1000))
    }

    @Test("each bad line is named by its number, all at once")
    func textErrors() {
        let typed = """
            appeal_window_days = 14

            appeal window
            Appeal = 3
            appeal_window_days = 15
            attribution.x = agent
            attribution = agent
            appeal_window_days.key = agent
            attribution.x = policy
            a.b.c = 1
            empty =
            """
        do {
            _ = try ParameterText.parse(typed)
            Issue.record("bad lines were accepted")
        } catch {
            #expect(error.problems.allSatisfy { $0.field == "parameters" })
            #expect(
                error.problems.map(\.rule) == [
                    "line 3 must look like name = value",
                    "line 4 must name a parameter in lower-case letters, digits and _, with one . before a table key "
                        + "(got \"Appeal\")",
                    "line 5 sets appeal_window_days again (first set on line 1)",
                    "line 7 gives attribution a value, but line 6 made it a table",
                    "line 8 uses appeal_window_days as a table, but line 1 gave it a value",
                    "line 9 sets attribution.x again",
                    "line 10 must name a parameter in lower-case letters, digits and _, with one . before a table key "
                        + "(got \"a.b.c\")",
                    "line 11 must look like name = value",
                ])
        }
    }

    @Test("parameters are coded as plain JSON values and read back the same")
    func jsonCoding() throws {
        let parameters: PolicyParameters = [
            "days": .number(14), "share": .number(0.95), "tone": .text("warm"), "digits": .text("14"),
            "attribution": .table(["late_delivery": "delivery"]),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(parameters), as: UTF8.self)
        let expected =
            #"{"attribution":{"late_delivery":"delivery"},"days":14,"digits":"14","share":0.95,"tone":"warm"}"#
        #expect(json == expected)
        #expect(try JSONDecoder().decode(PolicyParameters.self, from: Data(json.utf8)) == parameters)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(PolicyParameters.self, from: Data("{\"a\":[1,2]}".utf8))
        }
    }

    @Test("typed accessors read only values of their type")
    func accessors() {
        let parameters: PolicyParameters = ["whole": .number(7), "part": .number(7.5), "word": .text("7")]
        #expect(parameters.integer("whole") == 7)
        #expect(parameters.integer("part") == nil)
        #expect(parameters.number("part") == 7.5)
        #expect(parameters.number("word") == nil)
        #expect(parameters.text("word") == "7")
        #expect(parameters.text("whole") == nil)
        #expect(parameters.table("word") == nil)
        #expect(parameters.number("missing") == nil)
    }
}
