import Testing

@testable import FairdeskCore

@Suite("Speller")
struct BotSpellerTests {
    let speller = Speller(vocabulary: [
        "refund", "warranty", "delivery", "changing", "hanging", "banging", "arrive", "parcel",
    ])

    @Test("one slip from a known word is corrected")
    func corrects() {
        #expect(speller.correct("refnud") == "refund")  // swapped
        #expect(speller.correct("warrenty") == "warranty")  // changed
        #expect(speller.correct("delivry") == "delivery")  // missing
        #expect(speller.correct("parcell") == "parcel")  // added
    }

    @Test("known words, their inflections, short words and ambiguous slips are left alone")
    func leavesAlone() {
        #expect(speller.correct("hanging") == "hanging")
        #expect(speller.correct("arrives") == "arrives")
        #expect(speller.correct("cat") == "cat")
        #expect(speller.correct("ranging") == "ranging")  // one slip from both "banging" and "hanging"
        #expect(speller.correct("xylophone") == "xylophone")
    }
}
