import Foundation
import Testing

@testable import FairdeskCore

@Suite("Choosing an agent")
struct ChooseAgentTests {
    @Test("an agent who is away or offline gets nothing")
    func availability() {
        for availability in [AgentAvailability.away, .offline] {
            #expect(Router.chooseAgent(for: chat(1), among: [agent(1, availability: availability)]) == nil)
        }
        #expect(Router.chooseAgent(for: chat(1), among: [agent(1)])?.agentID == id(1))
    }

    @Test("a case in a queue goes only to members of that queue; a case without one to anyone")
    func queueMembership() {
        let billing = id(900)
        let outsider = agent(1, queues: [id(901)])
        let member = agent(2, queues: [billing, id(901)])
        #expect(Router.chooseAgent(for: chat(1, queue: billing), among: [outsider]) == nil)
        #expect(Router.chooseAgent(for: chat(1, queue: billing), among: [outsider, member])?.agentID == id(2))
        #expect(Router.chooseAgent(for: chat(1), among: [outsider])?.agentID == id(1))
    }

    @Test("an agent needs every required skill")
    func skills() {
        let german = agent(1, skills: ["german"])
        let both = agent(2, skills: ["german", "refunds", "vip"])
        #expect(Router.chooseAgent(for: chat(1, skills: ["german", "refunds"]), among: [german]) == nil)
        #expect(
            Router.chooseAgent(for: chat(1, skills: ["german", "refunds"]), among: [german, both])?.agentID == id(2))
        #expect(Router.chooseAgent(for: chat(1), among: [agent(3)])?.agentID == id(3))
    }

    @Test("an agent at capacity on the channel, or with no capacity for it, gets nothing more")
    func capacity() {
        #expect(Router.chooseAgent(for: chat(1), among: [agent(1, chats: 2, load: 2)]) == nil)
        #expect(!agent(1, chats: 2, load: 2).canTake(chat(1)))
        var freed = agent(1, chats: 2, load: 2)
        freed.load[.chat] = 1
        #expect(freed.canTake(chat(1)))
        #expect(Router.chooseAgent(for: chat(1), among: [agent(1, chats: 2, load: 1)])?.agentID == id(1))
        var phoneOnly = agent(2)
        phoneOnly.capacity = [.phone: 1]
        #expect(Router.chooseAgent(for: chat(1), among: [phoneOnly]) == nil)
        // A busy email inbox does not block a free chat slot.
        var mixed = agent(3, chats: 1)
        mixed.capacity[.email] = 5
        mixed.load[.email] = 5
        #expect(Router.chooseAgent(for: chat(1), among: [mixed])?.agentID == id(3))
    }

    @Test("the least loaded agent gets the case, counting every channel")
    func leastLoaded() {
        var emailHeavy = agent(1, load: 0)
        emailHeavy.capacity[.email] = 10
        emailHeavy.load[.email] = 4
        let agents = [emailHeavy, agent(2, load: 2), agent(3, load: 1, idleSince: minute(30))]
        let choice = Router.chooseAgent(for: chat(1), among: agents)
        #expect(choice?.agentID == id(3))
        #expect(choice?.reason == "least loaded (1 open)")
    }

    @Test("among equally loaded agents the one idle longest gets it, then the smallest id")
    func idleLongest() {
        let agents = [
            agent(1, load: 1, idleSince: minute(20)), agent(2, load: 1, idleSince: minute(5)), agent(3, load: 2),
        ]
        let choice = Router.chooseAgent(for: chat(1), among: agents)
        #expect(choice?.agentID == id(2))
        #expect(choice?.reason == "least loaded (1 open), idle longest")

        let twins = [agent(7, idleSince: minute(5)), agent(4, idleSince: minute(5))]
        #expect(Router.chooseAgent(for: chat(1), among: twins)?.agentID == id(4))
        #expect(Router.chooseAgent(for: chat(1), among: twins.reversed())?.agentID == id(4))
    }

    @Test("a returning customer goes back to their agent when that agent can take them")
    func returningAgent() {
        let previous = agent(9, load: 2, idleSince: minute(50))
        let agents = [agent(1), previous]
        let back = Router.chooseAgent(for: chat(1, returningTo: id(9)), among: agents)
        #expect(back?.agentID == id(9))
        #expect(back?.reason == "returning customer's agent")

        // Full, away, or missing a skill this case needs: the next best agent takes it.
        let blocked: [(previous: AgentSnapshot, skills: Set<String>)] = [
            (agent(9, load: 3), []), (agent(9, availability: .away), []), (agent(9), ["vip"]),
        ]
        for (previous, skills) in blocked {
            let waiting = chat(1, skills: skills, returningTo: id(9))
            let fallback = Router.chooseAgent(for: waiting, among: [agent(1, skills: ["vip"]), previous])
            #expect(fallback?.agentID == id(1))
            #expect(fallback?.reason == "only eligible agent (0 open); previous agent could not take it")
        }
    }

    @Test("among 10,000 agents the choice follows the rules (speed is measured by `fairdesk bench routing`)")
    func tenThousandAgents() {
        let queue = id(900_000)
        let agents = (0..<10_000).map { number in
            agent(
                number, queues: number % 3 == 0 ? [queue] : [id(900_001)], skills: number % 2 == 0 ? ["german"] : [],
                chats: 4, load: number % 5, idleSince: minute(Double(number % 97)))
        }
        let waiting = chat(1, queue: queue, skills: ["german"])
        let choice = Router.chooseAgent(for: waiting, among: agents)
        // Load 0, idle since minute 0: number % 6 == 0, % 5 == 0, % 97 == 0 -> the smallest is 0.
        #expect(choice?.agentID == id(0))
    }
}
