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
