import Foundation
import Testing

@testable import FairdeskCore

@Suite("Assigning waiting cases")
struct AssignTests {
    let rules = RoutingRules()

    @Test("ten chats fill three agents exactly to their capacity")
    func spreadsByCapacity() {
        let agents = [agent(1, chats: 4), agent(2, chats: 4), agent(3, chats: 2)]
        let cases = (1...10).map { chat(100 + $0, since: minute(Double($0))) }
        let assignments = Router.assign(cases, to: agents, now: minute(30), rules: rules)
        #expect(assignments.count == 10)
        let perAgent = Dictionary(grouping: assignments, by: \.agentID).mapValues(\.count)
        #expect(perAgent == [id(1): 4, id(2): 4, id(3): 2])
        #expect(Set(assignments.map(\.caseID)).count == 10)
    }

    @Test("cases beyond everyone's capacity stay waiting")
    func neverExceedsCapacity() {
        let agents = [agent(1, chats: 3, load: 1), agent(2, chats: 2), agent(3, chats: 1, load: 1)]
        let cases = (1...10).map { chat(100 + $0, since: minute(Double($0))) }
        let assignments = Router.assign(cases, to: agents, now: minute(30), rules: rules)
        #expect(assignments.count == 4)
        let perAgent = Dictionary(grouping: assignments, by: \.agentID).mapValues(\.count)
        #expect(perAgent == [id(1): 2, id(2): 2])
        // The longest-waiting cases got the free places.
        #expect(Set(assignments.map(\.caseID)) == [id(101), id(102), id(103), id(104)])
    }

    @Test("work is dealt round the team rather than piled on one agent")
    func roundRobin() {
        let agents = [
            agent(1, chats: 5, idleSince: minute(2)), agent(2, chats: 5, idleSince: minute(1)), agent(3, chats: 5),
        ]
        let cases = (1...6).map { chat(100 + $0, since: minute(Double($0))) }
        let assignments = Router.assign(cases, to: agents, now: minute(30), rules: rules)
        // Everyone assigned in this run is idle since the same `now`, so the second round goes by id.
        #expect(assignments.map(\.agentID) == [id(3), id(2), id(1), id(1), id(2), id(3)])
        #expect(assignments[0].reason == "least loaded (0 open), idle longest")
    }

    @Test("a case nobody can take is skipped and later cases are still assigned")
    func skipsUnassignable() {
        let cases = [chat(1, skills: ["japanese"], since: minute(0)), chat(2, since: minute(5))]
        let assignments = Router.assign(cases, to: [agent(1)], now: minute(30), rules: rules)
        #expect(assignments == [Assignment(caseID: id(2), agentID: id(1), reason: "only eligible agent (0 open)")])
    }

    @Test("the premium case gets the last free place")
    func priorityDecidesTheLastPlace() {
        let cases = [chat(1, tier: 0, since: minute(0)), chat(2, tier: 10, since: minute(20))]
        let assignments = Router.assign(cases, to: [agent(1, chats: 1)], now: minute(30), rules: rules)
        #expect(assignments.map(\.caseID) == [id(2)])
    }
}
