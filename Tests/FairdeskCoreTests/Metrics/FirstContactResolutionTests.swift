import Foundation
import Testing

@testable import FairdeskCore

@Suite("First-contact resolution")
struct FirstContactResolutionTests {
    let start = Date(timeIntervalSince1970: 1_790_000_000)
    let ana = UUID(uuidString: "00000000-0000-0000-0000-00000000000A")!
    let ben = UUID(uuidString: "00000000-0000-0000-0000-00000000000B")!
    func day(_ days: Double) -> Date { start.addingTimeInterval(days * 86_400) }
    func id(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))! }
    func contact(_ n: Int, _ customer: UUID, _ issue: String, _ days: Double) -> FirstContactResolution.Contact {
        FirstContactResolution.Contact(id: id(n), customerID: customer, issueKey: issue, at: day(days))
    }

    @Test("a customer who comes back on the same issue within 7 days makes the first contact not resolved")
    func repeatWithinWeek() {
        let contacts = [contact(1, ana, "order-1", 0), contact(2, ana, "order-1", 3)]
        let outcomes = FirstContactResolution.outcomes(of: contacts, at: day(30))
        #expect(outcomes[id(1)] == .repeated(by: id(2)))
        #expect(outcomes[id(2)] == .resolved)
        #expect(FirstContactResolution.rate(of: contacts, at: day(30)) == Proportion(successes: 1, trials: 2))
    }

    @Test("another issue, another customer, or a return after 7 days does not count as a repeat")
    func notRepeats() {
        let contacts = [
            contact(1, ana, "order-1", 0), contact(2, ana, "order-2", 1), contact(3, ben, "order-1", 2),
            contact(4, ana, "order-1", 7.01),
        ]
        let outcomes = FirstContactResolution.outcomes(of: contacts, at: day(30))
        #expect(outcomes[id(1)] == .resolved)
        #expect(outcomes[id(2)] == .resolved)
        #expect(outcomes[id(3)] == .resolved)
        #expect(outcomes[id(4)] == .resolved)
    }

    @Test("a return exactly 7 days later is still within the window")
    func boundaryInclusive() {
        let outcomes = FirstContactResolution.outcomes(
            of: [contact(1, ana, "order-1", 0), contact(2, ana, "order-1", 7)], at: day(30))
        #expect(outcomes[id(1)] == .repeated(by: id(2)))
    }

    @Test("a contact less than 7 days old with no repeat yet is pending and left out of the rate")
    func pending() {
        let contacts = [contact(1, ana, "order-1", 0), contact(2, ben, "order-9", 25)]
        let outcomes = FirstContactResolution.outcomes(of: contacts, at: day(30))
        #expect(outcomes[id(2)] == .pending)
        #expect(FirstContactResolution.rate(of: contacts, at: day(30)) == Proportion(successes: 1, trials: 1))
    }

    @Test("contacts given out of order are judged in time order")
    func unordered() {
        let contacts = [contact(3, ana, "order-1", 5), contact(1, ana, "order-1", 0), contact(2, ana, "order-1", 2)]
        let outcomes = FirstContactResolution.outcomes(of: contacts, at: day(30))
        #expect(outcomes[id(1)] == .repeated(by: id(2)))
        #expect(outcomes[id(2)] == .repeated(by: id(3)))
        #expect(outcomes[id(3)] == .resolved)
    }
}
