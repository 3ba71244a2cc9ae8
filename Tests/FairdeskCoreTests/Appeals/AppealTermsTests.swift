import Foundation
import Testing

@testable import FairdeskCore

@Suite("Appeals: windows and deadlines by jurisdiction")
struct AppealTermsTests {
    let general = DriverFixture.policy()
    let seattle = DriverFixture.policy(["appeal_window_days": .number(30), "review_deadline_days": .number(10)])

    @Test("by default a driver has 14 days to appeal and the reviewer 14 days to answer")
    func defaults() {
        let terms = AppealTerms.forJurisdiction("FR", general: general, overrides: ["US-WA": seattle])
        #expect(terms.appealWindowDays == 14)
        #expect(terms.reviewDeadlineDays == 14)
        #expect(terms.appealCloses(decidedAt: AppealFixture.decidedAt) == DriverFixture.at(days: 34))
        #expect(AppealTerms.forJurisdiction(nil, general: nil, overrides: [:]) == .defaults)
    }

    @Test("a jurisdiction's own policy overrides the general one, whatever the case of its code")
    func override() {
        let terms = AppealTerms.forJurisdiction("us-wa", general: general, overrides: ["US-WA": seattle])
        #expect(terms.appealWindowDays == 30)
        #expect(terms.reviewDue(filedAt: DriverFixture.monday) == DriverFixture.at(days: 10))
    }

    @Test("an undecided appeal escalates the policy's number of days before the deadline, never before filing")
    func escalation() {
        let terms = AppealTerms(general)
        #expect(terms.escalateAt(filedAt: DriverFixture.monday) == DriverFixture.at(days: 11))
        let tight = AppealTerms(appealWindowDays: 14, reviewDeadlineDays: 2, escalationDays: 5)
        #expect(tight.escalateAt(filedAt: DriverFixture.monday) == DriverFixture.monday)
    }
}
