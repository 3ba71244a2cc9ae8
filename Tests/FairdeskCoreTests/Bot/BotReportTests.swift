import Foundation
import Testing

@testable import FairdeskCore

@Suite("Bot report")
struct BotReportTests {
    let now = Date(timeIntervalSince1970: 1_795_428_000)
    let day = 86_400.0

    @Test("containment counts settled conversations without a repeat contact, and waits 7 days to judge")
    func containment() {
        let report = BotReport(
            [
                .init(state: .resolved, resolvedAt: now - 10 * day),
                .init(state: .resolved, resolvedAt: now - 9 * day, repeatContact: true),
                .init(state: .resolved, resolvedAt: now - 1 * day),
                .init(state: .withBot),
                .init(state: .humanJoined),
                .init(
                    state: .handedOver, reasons: [.frustration, .repeatedQuestion], handedOverAt: now - day,
                    firstHumanAt: now - day + 300),
            ], now: now)
        #expect(report.contained == 1)
        #expect(report.resolvedThenRepeated == 1)
        #expect(report.resolvedTooRecent == 1)
        // Known outcomes: 6 less the open one and the recent one.
        #expect(report.containmentRate == 1.0 / 4.0)
        #expect(report.escalationRate == 1.0 / 6.0)
        #expect(report.byReason.first?.reason == .frustration)
        #expect(report.byReason.first?.count == 1)
        #expect(report.byReason.count == HandOverDecision.Reason.allCases.count)
    }

    @Test("time-to-human is the nearest-rank median and 90th percentile of answered hand-overs")
    func timeToHuman() {
        let waits: [TimeInterval] = [10, 20, 30, 40, 50, 60, 70, 80, 90, 1_000]
        let items = waits.map {
            BotReport.Conversation(
                state: .handedOver, reasons: [.personRequested], handedOverAt: now, firstHumanAt: now + $0)
        }
        let report = BotReport(
            items + [.init(state: .handedOver, reasons: [.lowConfidence], handedOverAt: now)], now: now)
        #expect(report.timeToHumanMedian == 50)
        #expect(report.timeToHumanP90 == 90)
        #expect(report.answeredHandOvers == 10)
        #expect(report.waitingForHuman == 1)
        #expect(BotReport(Array(items.prefix(1)), now: now).timeToHumanP90 == 10)
        #expect(BotReport([], now: now).containmentRate == nil)
    }
}
