import FairdeskCore
import Foundation
import Testing
import Vapor

@testable import FairdeskApp

@Suite("JSON written by hand says what the app's encoder says")
struct JSONTextTests {
    /// The JSON the app's own content encoder writes for `value`.
    func encoded(_ value: some Encodable) throws -> Data {
        var buffer = ByteBuffer()
        var headers = HTTPHeaders()
        try ContentConfiguration.global.requireEncoder(for: .json).encode(value, to: &buffer, headers: &headers)
        return Data(buffer.readableBytesView)
    }

    func parsed(_ data: Data) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: data) as? NSDictionary)
    }

    @Test("an inbound message's result, every combination of its flags")
    func inboundResult() throws {
        for flags in 0..<32 {
            let bit = { (index: Int) in flags & (1 << index) != 0 }
            var result = InboundResultDTO(
                customerId: UUID(), caseId: UUID(), caseNumber: Int64(flags) * 1_000_003, entryId: UUID(),
                customerCreated: bit(0), caseCreated: bit(1), caseReopened: bit(2), duplicate: bit(3))
            result.botAnswers = bit(4)
            var json = JSONText()
            result.write(to: &json)
            let written = try parsed(Data(json.bytes))
            #expect(written == (try parsed(try encoded(result))))
            #expect(written["botAnswers"] as? Bool == bit(4))
        }
    }

    func page(seed: UInt64) -> ListPage<CaseDTO> {
        var random = SeededRandom(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        // Instants before 1970, on leap days, at midnight, with fractions just under a second, far ahead.
        let instants: [Date] = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -1), Date(timeIntervalSince1970: -86_400.5),
            Date(timeIntervalSince1970: 951_782_400), Date(timeIntervalSince1970: 1_709_164_800.999_9),
            Date(timeIntervalSince1970: 1_795_500_038.876_21), Date(timeIntervalSince1970: 13_569_465_600),
            Date(timeIntervalSince1970: -2_208_988_800), Date(timeIntervalSince1970: 4_107_542_399.5),
        ]
        let subjects = [
            "Where is my order?", "He said \"soon\" \\ twice", "line one\nline two\r\n\ttabbed",
            "bell \u{7} and \u{1F}",
            "Café crème, 日本語, 🚚", "a/b </script>", "",
        ]
        let items = (0..<40).map { index -> CaseDTO in
            var row = DemoRow.make(index: index, random: &random)
            row.subject = pick(subjects)
            row.createdAt = pick(instants)
            row.updatedAt = Date(timeIntervalSince1970: Double(random.next() % 4_000_000_000) / 1.7)
            row.lastActivityAt = pick(instants)
            row.resolvedAt = random.next() % 2 == 0 ? nil : pick(instants)
            row.closedAt = random.next() % 3 == 0 ? pick(instants) : nil
            row.queueId = random.next() % 2 == 0 ? nil : UUID()
            row.ownerId = random.next() % 2 == 0 ? nil : UUID()
            return CaseDTO(row: row)
        }
        return ListPage(items: items, nextCursor: seed % 2 == 0 ? nil : "abc\"def")
    }

    enum DemoRow {
        static func make(index: Int, random: inout SeededRandom) -> SupportCase.Row {
            SupportCase.Row(
                id: UUID(), number: Int64(index) * 7_919, customerId: UUID(), subject: "", status: .open,
                channel: .email, queueId: nil, ownerId: nil, ownerCount: Int(random.next() % 5),
                bounceCount: Int(random.next() % 3), createdAt: Date(), updatedAt: Date(), lastActivityAt: Date(),
                resolvedAt: nil, closedAt: nil, tier: "standard", frustrated: false, withBot: false,
                firstResponseAt: nil, escalatedAt: nil)
        }
    }

    @Test("a page of cases: the same members and values, nil fields left out, for 20 random pages")
    func pagesMatch() throws {
        for seed in 1...20 {
            // setup
            let page = page(seed: UInt64(seed))
            // MUT
            var json = JSONText()
            page.write(to: &json)
            // validate
            let mine = try parsed(Data(json.bytes))
            #expect(mine == (try parsed(try encoded(page))), "seed \(seed)")
            let first = try #require((mine["items"] as? [NSDictionary])?.first)
            #expect((first["ownerId"] == nil) == (page.items[0].ownerId == nil))
        }
    }

    @Test("dates are written as the encoder writes them, to the second")
    func datesMatch() throws {
        struct Stamp: Encodable { var at: Date }
        var random = SeededRandom(seed: 5)
        for _ in 0..<2_000 {
            // setup: any instant from 1900 to 2100, with a fraction of a second
            let at = Date(timeIntervalSince1970: -2_208_988_800 + Double(random.next() % 6_311_390_400_000) / 1000)
            // MUT
            var json = JSONText()
            json.object { $0.field("at", at) }
            // validate
            #expect(
                String(decoding: json.bytes, as: UTF8.self)
                    == String(decoding: try encoded(Stamp(at: at)), as: UTF8.self))
        }
    }

    @Test("a case's owners are written with the case when it has them")
    func ownersWritten() throws {
        // setup
        var dto = page(seed: 3).items[0]
        dto.owners = [
            .init(userId: UUID(), queueId: nil, startedAt: Date(timeIntervalSince1970: 1_700_000_000)),
            .init(userId: nil, queueId: UUID(), startedAt: Date(timeIntervalSince1970: 1_700_000_100.5)),
        ]
        // MUT
        var json = JSONText()
        dto.write(to: &json)
        // validate
        #expect(try parsed(Data(json.bytes)) == (try parsed(try encoded(dto))))
    }

    @Test("UUIDs stored as text are read back in either case; anything else is refused")
    func uuidText() {
        for _ in 0..<200 {
            let id = UUID()
            #expect(ColumnReader.uuid(id.uuidString) == id)
            #expect(ColumnReader.uuid(id.uuidString.lowercased()) == id)
        }
        for bad in [
            "", "1824A7BD7DAF4C038AA5C29D0C6283FB", "1824A7BD-7DAF-4C03-8AA5-C29D0C6283F",
            "1824A7BD-7DAF-4C03-8AA5-C29D0C6283FBA",
            "1824A7BD-7DAF-4C03-8AA5-C29D0C6283FG", "1824A7BD+7DAF-4C03-8AA5-C29D0C6283FB",
        ] {
            #expect(ColumnReader.uuid(bad) == nil, "\(bad)")
        }
    }
}
