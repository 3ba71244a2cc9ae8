import FairdeskCore
import Foundation
import Testing

@Suite("Survey answers and attribution")
struct SurveyTests {
    func problems(_ solved: String?, _ reason: String?, _ comment: String? = nil) -> [String] {
        do {
            _ = try SurveyAnswer.parse(solved: solved, reason: reason, comment: comment)
            return []
        } catch {
            return error.problems.map { "\($0.field): \($0.rule)" }
        }
    }

    @Test("a no needs a reason from the list; a yes needs none")
    func answers() throws {
        #expect(
            try SurveyAnswer.parse(solved: "yes", reason: nil, comment: " ")
                == SurveyAnswer(solved: true, reason: nil, comment: nil))
        #expect(
            try SurveyAnswer.parse(solved: "no", reason: "took_too_long", comment: "Three days")
                == SurveyAnswer(solved: false, reason: .tookTooLong, comment: "Three days"))
        #expect(
            problems("no", nil) == [
                "reason: must be chosen when the problem was not solved, so we know what went wrong"
            ])
        #expect(problems("no", "rude")[0].hasPrefix("reason: must be one of: not_solved, took_too_long"))
        #expect(problems(nil, nil) == ["solved: must be answered: yes or no"])
        #expect(problems("maybe", nil) == ["solved: must be yes or no (got \"maybe\")"])
        #expect(
            problems("yes", nil, String(repeating: "x", count: 2001)) == [
                "comment: must be at most 2000 characters (got 2001)"
            ])
        // A reason sent with a yes is dropped: a solved case is not put down to anyone.
        #expect(try SurveyAnswer.parse(solved: "yes", reason: "other", comment: nil).reason == nil)
    }

    @Test("the starting attribution puts only what agents control down to agents")
    func suggested() {
        #expect(SurveyReason.suggestedAttribution.count == SurveyReason.allCases.count)
        #expect(SurveyReason.suggestedAttribution["agent_unhelpful"] == "agent")
        #expect(SurveyReason.suggestedAttribution["disagree_with_policy"] == "policy")
        #expect(SurveyReason.suggestedAttribution["took_too_long"] == "process")
    }

    @Test("an agent-attributed no is shared by everyone who handled the case, by entries and time")
    func shares() {
        let shares = AttributionShares.split([
            HandlingPart(agentKey: "first", entries: 3, ownedSeconds: 3_000),
            HandlingPart(agentKey: "last", entries: 1, ownedSeconds: 1_000),
            HandlingPart(agentKey: "watcher", entries: 0, ownedSeconds: 0),
        ])
        #expect(shares == ["first": 0.75, "last": 0.25])
        let mixed = AttributionShares.split([
            HandlingPart(agentKey: "a", entries: 1, ownedSeconds: 0),
            HandlingPart(agentKey: "b", entries: 1, ownedSeconds: 600),
        ])
        #expect(mixed["a"] == 0.25)
        #expect(mixed["b"] == 0.75)
        #expect(abs(mixed.values.reduce(0, +) - 1) < 1e-9)
        #expect(AttributionShares.split([HandlingPart(agentKey: "x", entries: 0, ownedSeconds: 0)]).isEmpty)
        #expect(
            AttributionShares.split([
                HandlingPart(agentKey: "a", entries: 2, ownedSeconds: 0),
                HandlingPart(agentKey: "a", entries: 2, ownedSeconds: 0),
            ]) == ["a": 1])
    }
}
