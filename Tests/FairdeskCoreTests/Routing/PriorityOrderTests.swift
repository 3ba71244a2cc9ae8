import Foundation
import Testing

@testable import FairdeskCore

@Suite("Serving order")
struct PriorityOrderTests {
    let rules = RoutingRules(starvationSeconds: 3600, frustrationBonusSeconds: 900)

    func order(_ cases: [WaitingCase], at now: Date = minute(30)) -> [UUID] {
        Router.priorityOrder(cases, now: now, rules: rules).map(\.id)
    }

    @Test("premium customers are served before standard ones")
    func tierFirst() {
        let standard = chat(1, tier: 0, since: minute(0), due: minute(40))
        let premium = chat(2, tier: 10, since: minute(25), due: minute(90))
        #expect(order([standard, premium]) == [id(2), id(1)])
    }

    @Test("a standard case waiting past the starvation limit beats a fresh premium one")
    func starvation() {
        let standard = chat(1, tier: 0, since: minute(0))
        let premium = chat(2, tier: 10, since: minute(59))
        #expect(order([standard, premium], at: minute(59)) == [id(2), id(1)])
        #expect(order([standard, premium], at: minute(60)) == [id(1), id(2)])
        // Among starving cases the oldest goes first, whatever the tier.
        let olderStandard = chat(3, tier: 0, since: minute(-30))
        let starvingPremium = chat(4, tier: 10, since: minute(-10))
        #expect(order([standard, starvingPremium, olderStandard], at: minute(70)) == [id(3), id(4), id(1)])
    }

    @Test("within a tier the nearest deadline comes first, and cases without one last")
    func deadline() {
        let later = chat(1, since: minute(0), due: minute(50))
        let sooner = chat(2, since: minute(20), due: minute(40))
        let none = chat(3, since: minute(-20))
        #expect(order([none, later, sooner]) == [id(2), id(1), id(3)])
    }

    @Test("a frustrated customer counts as due fifteen minutes earlier")
    func frustration() {
        let calm = chat(1, since: minute(0), due: minute(45))
        let frustrated = chat(2, since: minute(10), due: minute(55), frustrated: true)
        #expect(order([calm, frustrated]) == [id(2), id(1)])
        let veryLate = chat(3, since: minute(10), due: minute(61), frustrated: true)
        #expect(order([calm, veryLate]) == [id(1), id(3)])
        // Without deadlines frustration counts as fifteen more minutes of waiting.
        let calmNoDue = chat(4, since: minute(0))
        let frustratedNoDue = chat(5, since: minute(10), frustrated: true)
        #expect(order([calmNoDue, frustratedNoDue]) == [id(5), id(4)])
    }

    @Test("equal cases go oldest first, then by id, whatever order they came in")
    func ties() {
        let cases = [chat(5, since: minute(3)), chat(2, since: minute(1)), chat(9, since: minute(1))]
        #expect(order(cases) == [id(2), id(9), id(5)])
        #expect(order(cases.reversed()) == [id(2), id(9), id(5)])
    }

    @Test("routing rules are checked, naming each field")
    func validation() throws {
        try RoutingRules().validate()
        do {
            try RoutingRules(starvationSeconds: 0, frustrationBonusSeconds: -5).validate()
            Issue.record("bad rules were accepted")
        } catch {
            #expect(error.problems.map(\.field) == ["starvationSeconds", "frustrationBonusSeconds"])
        }
    }
}
