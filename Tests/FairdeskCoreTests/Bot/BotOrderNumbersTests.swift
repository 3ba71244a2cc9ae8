import Testing

@testable import FairdeskCore

@Suite("Order numbers in messages")
struct BotOrderNumbersTests {
    @Test("references customers write are found and upper-cased")
    func found() {
        #expect(OrderNumbers.extract(from: "Where is my order 12345?") == ["12345"])
        #expect(OrderNumbers.extract(from: "status of #A-1234 please") == ["A-1234"])
        #expect(OrderNumbers.extract(from: "order fd-482913 and FD-482913 again") == ["FD-482913"])
        #expect(OrderNumbers.extract(from: "Is order #88231 out for delivery?") == ["88231"])
        #expect(OrderNumbers.extract(from: "my order number is 4482019") == ["4482019"])
        #expect(OrderNumbers.extract(from: "order FD 772310 where is it") == ["FD-772310"])
        #expect(OrderNumbers.extract(from: "(FD482913)") == ["FD482913"])
        #expect(OrderNumbers.extract(from: "Bestellung 55821 fehlt") == ["55821"])
        #expect(OrderNumbers.extract(from: "FD-1 and FD-2222222") == ["FD-2222222"])
    }

    @Test("times, amounts, durations and phone numbers are not orders")
    func notFound() {
        for text in [
            "stopped working after 3 months", "delivered at 14:02", "before 5pm", "call me on 07700 900123",
            "it cost £45.99", "2 weeks ago", "a size 10 instead of an 8", "PS5 controller", "COVID-19 delays",
        ] {
            #expect(OrderNumbers.extract(from: text).isEmpty, "\(text)")
        }
    }

    @Test("the classifier reads order numbers as one placeholder word")
    func masked() {
        let scan = OrderNumbers.scan("Where is FD-482913?")
        #expect(scan.masked == "Where is \(OrderNumbers.placeholder)")
    }
}
