import Foundation
import Testing

@testable import FairdeskCore

@Suite("Demo data")
struct DemoDataTests {
    let anchor = Date(timeIntervalSince1970: 1_790_000_000)

    @Test("the same seed gives the same customers and cases, a different seed different ones")
    func deterministic() {
        let a = DemoData(seed: 7, anchor: anchor, customerCount: 100, queueCount: 3)
        let b = DemoData(seed: 7, anchor: anchor, customerCount: 100, queueCount: 3)
        let c = DemoData(seed: 8, anchor: anchor, customerCount: 100, queueCount: 3)
        #expect(a.customer(42) == b.customer(42))
        #expect(a.supportCase(99) == b.supportCase(99))
        #expect(a.caseID(5) == b.caseID(5))
        #expect(a.customer(42) != c.customer(42) || a.supportCase(42) != c.supportCase(42))
        #expect(a.caseID(5) != c.caseID(5))
        #expect((0..<50).allSatisfy { a.customerName($0) == a.customer($0).name })
        #expect((0..<50).allSatisfy { a.customer($0).nameKey == DemoData.fold(a.customer($0).name) })
        // Seeded ids sort in the order rows are written, so bulk inserts append to their indexes.
        #expect((0..<100).allSatisfy { a.caseID($0).uuidString < a.caseID($0 + 1).uuidString })
        #expect(a.childID(kind: 3, index: 7, part: 1).uuidString < a.childID(kind: 3, index: 7, part: 2).uuidString)
        // Seeded ids sort in the order rows are written, so bulk inserts append to their indexes.
        #expect((0..<100).allSatisfy { a.caseID($0).uuidString < a.caseID($0 + 1).uuidString })
        #expect(a.childID(kind: 3, index: 7, part: 1).uuidString < a.childID(kind: 3, index: 7, part: 2).uuidString)
    }

    @Test("cases spread over two years before the anchor; old ones are finished, recent ones are mixed")
    func spread() {
        let data = DemoData(seed: 1, anchor: anchor, customerCount: 500, queueCount: 3)
        let cases = (0..<2_000).map(data.supportCase)
        let twoYears: TimeInterval = 730 * 86_400
        #expect(cases.allSatisfy { $0.createdAt <= anchor && $0.createdAt >= anchor.addingTimeInterval(-twoYears) })
        #expect(cases.allSatisfy { $0.entries.allSatisfy { $0.at <= anchor } })
        let old = cases.filter { $0.createdAt < anchor.addingTimeInterval(-30 * 86_400) }
        #expect(old.allSatisfy { !$0.status.isActive })
        #expect(Set(cases.map(\.status)).count == CaseStatus.allCases.count)
        #expect(Set(cases.map(\.channel)).count >= 5)
        #expect(cases.allSatisfy { (0..<500).contains($0.customerIndex) })
    }

    @Test("every generated identity is valid, and email addresses are unique")
    func validIdentities() throws {
        let data = DemoData(seed: 3, anchor: anchor, customerCount: 1_000, queueCount: 3)
        var emails: Set<String> = []
        for index in 0..<1_000 {
            let person = data.customer(index)
            emails.insert(try Identity(kind: .email, raw: person.email).value)
            if let phone = person.phone { _ = try Identity(kind: .phone, raw: phone) }
            if let social = person.social { _ = try Identity(kind: .social, raw: social) }
        }
        #expect(emails.count == 1_000)
    }
}
