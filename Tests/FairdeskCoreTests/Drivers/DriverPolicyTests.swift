import Foundation
import Testing

@testable import FairdeskCore

@Suite("Drivers: the driver policy's parameters")
struct DriverPolicyTests {
    @Test("a policy cannot make a ground the law forbids into an ordinary one")
    func forbiddenStaysForbidden() {
        var parameters = ParameterSchema.forKind(.driverStanding).suggested
        var kinds = DecisionGrounds.suggestedKinds
        kinds["hours_worked"] = "ordinary"
        kinds["customer_ratings"] = "forbidden"
        parameters["reason_kinds"] = .table(kinds)
        do {
            try ParameterSchema.forKind(.driverStanding).validate(parameters)
            Issue.record("a policy making hours worked a ground was accepted")
        } catch {
            #expect(
                error.problems == [
                    FieldProblem(
                        field: "parameters.reason_kinds.hours_worked",
                        rule: "must be forbidden: hours worked may never be a ground for action")
                ])
        }
    }

    @Test("a ground's kind must be urgent, ordinary or forbidden")
    func kindWords() {
        var parameters = ParameterSchema.forKind(.driverStanding).suggested
        parameters["reason_kinds"] = .table(["safety": "urgentish"])
        #expect(throws: ValidationFailure.self) { try ParameterSchema.forKind(.driverStanding).validate(parameters) }
    }

    @Test("a version published before the new parameters existed reads the suggested values, and says so")
    func olderVersion() {
        let old: PolicyParameters = [
            "metric_window_days": .number(21), "fantastic_on_time_min": .number(0.99),
            "great_on_time_min": .number(0.96), "fair_on_time_min": .number(0.92), "warning_period_days": .number(7),
            "appeal_window_days": .number(30), "review_deadline_days": .number(14),
            "interim_suspension_business_days": .number(5),
        ]
        let policy = DriverPolicy(old, version: 1)
        #expect(policy.metricWindowDays == 21)
        #expect(policy.appealWindowDays == 30)
        #expect(policy.completionRateMin == 0.97)
        #expect(policy.defaulted.contains("completion_rate_min"))
        #expect(policy.defaulted.contains("reason_kinds"))
        #expect(!policy.defaulted.contains("appeal_window_days"))
        #expect(policy.isUrgent("fraud"))
        #expect(policy.isForbidden("organising"))
        #expect(!policy.isUrgent("on_time_rate"))
    }
}

@Suite("Drivers: what Fairdesk tells a driver it records and decides")
struct DataNoticeTests {
    @Test("the notice gives the policy's own numbers, the urgent exceptions and every forbidden ground")
    func numbersFromPolicy() {
        var parameters = ParameterSchema.forKind(.driverStanding).suggested
        parameters["metric_window_days"] = .number(21)
        parameters["warning_period_days"] = .number(10)
        parameters["appeal_window_days"] = .number(30)
        parameters["review_deadline_days"] = .number(7)
        parameters["action_notice_days"] = .number(1)
        var kinds = DecisionGrounds.suggestedKinds
        kinds["customer_ratings"] = "forbidden"
        parameters["reason_kinds"] = .table(kinds)
        let lines = DataNotice(DriverPolicy(parameters)).lines
        #expect(lines.count == 6)
        #expect(lines[0].contains("Your position is stored only from your scans"))
        #expect(lines[1].contains("over the last 21 days set your tier"))
        #expect(lines[1].contains("Customer feedback is shown to you and to leads but does not change your tier"))
        #expect(lines[2].contains("a written warning, with 10 days to improve"))
        #expect(
            lines[3].contains(
                "It applies 1 day after you are told, except on urgent grounds (fraud, licensing, safety), which apply "
                    + "at once. You may appeal within 30 days to someone who did not decide, who answers in writing "
                    + "within 7 days."))
        #expect(
            lines[4]
                == "Never a reason for any action: declining offers, hours worked, using appeal process, complaining, "
                + "organising, offline data, customer ratings.")
    }

    @Test("with no notice in the policy, the driver reads that a decision applies as soon as they are told")
    func noNotice() {
        var parameters = ParameterSchema.forKind(.driverStanding).suggested
        parameters["action_notice_days"] = .number(0)
        #expect(DataNotice(DriverPolicy(parameters)).lines[3].contains("It applies as soon as you are told."))
        #expect(DataNotice(.suggested).lines[3].contains("It applies 14 days after you are told"))
    }
}
