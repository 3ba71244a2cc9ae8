import FairdeskCore
import Foundation
import Testing

@Suite("Promise rules")
struct PromiseRulesTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    let day: TimeInterval = 86_400

    func problems(_ draft: PromiseDraft) -> [String] {
        do {
            _ = try PromiseRules.check(draft, now: now)
            return []
        } catch {
            return error.problems.map { "\($0.field): \($0.rule)" }
        }
    }

    @Test("each kind of promise carries what makes it checkable")
    func kinds() throws {
        let refund = try PromiseRules.check(
            PromiseDraft(
                kind: .refund, amountMinor: 2499, currency: "gbp", description: "Refund for the jug",
                dueAt: now + 3 * day),
            now: now)
        #expect(refund.currency == "GBP")
        #expect(refund.headline == "Refund of 24.99 GBP")
        #expect(
            problems(PromiseDraft(kind: .refund, currency: "pounds", description: "x", dueAt: now + day)) == [
                "amountMinor: is required for a refund: the amount in minor units, like 2499 for 24.99",
                "currency: must be a three-letter currency code, like GBP or EUR",
            ])
        #expect(
            problems(PromiseDraft(kind: .replacement, item: " ", description: "x", dueAt: now + day))
                == ["item: must not be empty"])
        #expect(
            problems(PromiseDraft(kind: .callback, callbackAt: now + 2 * day, description: "x", dueAt: now + day))
                == ["callbackAt: must not be after the due date"])
        #expect(
            problems(PromiseDraft(kind: .investigation, amountMinor: 5, description: "", dueAt: now - 1)) == [
                "description: must not be empty", "amountMinor: is only for refunds", "dueAt: must be in the future",
            ])
        #expect(
            problems(PromiseDraft(kind: .other, description: "x", dueAt: now + 91 * day))
                == ["dueAt: must be within 90 days"])
    }

    @Test("the owner is reminded a day ahead, or half-way for short promises")
    func reminders() {
        #expect(PromiseRules.reminderAt(madeAt: now, dueAt: now + 5 * day) == now + 4 * day)
        #expect(PromiseRules.reminderAt(madeAt: now, dueAt: now + 3600 * 10) == now + 3600 * 5)
    }

    @Test("a promise is kept on time, kept late, broken, or still open")
    func outcomes() {
        let due = now + day
        #expect(PromiseRules.outcome(dueAt: due, keptAt: nil, now: now) == .open)
        #expect(PromiseRules.outcome(dueAt: due, keptAt: due - 1, now: now + 5 * day) == .keptOnTime)
        #expect(PromiseRules.outcome(dueAt: due, keptAt: due + 1, now: now + 5 * day) == .keptLate)
        #expect(PromiseRules.outcome(dueAt: due, keptAt: nil, now: due) == .broken)
        #expect(PromiseRules.money(5) == "0.05")
        #expect(PromiseRules.money(120_000) == "1200.00")
    }
}
