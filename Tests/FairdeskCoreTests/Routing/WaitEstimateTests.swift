import Foundation
import Testing

@testable import FairdeskCore

@Suite("Expected wait for a person")
struct WaitEstimateTests {
    let now = Date(timeIntervalSince1970: 1_795_428_000)

    @Test("a free agent with nobody ahead means about a minute")
    func freeAgent() {
        let estimate = WaitEstimate(
            ahead: 0, agentsWithRoom: 1, agentsAvailable: 1, handleTime: 480, firstResponseDue: now + 3_600)
        #expect(estimate.expected(at: now) == 60)
    }

    @Test("busy agents work through the cases ahead at one per handle time each")
    func queue() {
        // 5 ahead plus this one, 1 agent with room takes the first, 2 agents share the other 5: 3 rounds.
        let estimate = WaitEstimate(
            ahead: 5, agentsWithRoom: 1, agentsAvailable: 2, handleTime: 480, firstResponseDue: nil)
        #expect(estimate.expected(at: now) == 1_440)
    }

    @Test("with nobody available the first-response target is the honest figure, and without one nothing is promised")
    func nobody() {
        let due = WaitEstimate(
            ahead: 3, agentsWithRoom: 0, agentsAvailable: 0, handleTime: 480, firstResponseDue: now + 7_200)
        #expect(due.expected(at: now) == 7_200)
        let none = WaitEstimate(ahead: 3, agentsWithRoom: 0, agentsAvailable: 0, handleTime: 480, firstResponseDue: nil)
        #expect(none.expected(at: now) == nil)
    }
}
