import Testing

@testable import FairdeskCore

@Suite("Phrase patterns")
struct BotPhrasePatternTests {
    @Test("alternatives and gaps match the way people phrase things")
    func gaps() {
        let pattern = PhrasePattern("talk|speak * to|with * person|human")
        #expect(pattern.matches("Can I speak with a real person?"))
        #expect(pattern.matches("i want to talk to an actual human"))
        #expect(!pattern.matches("the person at the door wanted to talk"))
        // A gap skips at most four words.
        #expect(!pattern.matches("talk about the delivery that went to the wrong person"))
    }

    @Test("words are read like messages: stems, contractions and synonyms")
    func normalised() {
        #expect(PhrasePattern("parcel * not * arrive").matches("My packages haven't arrived"))
        #expect(PhrasePattern("not * help").matches("this isn't helping"))
    }

    @Test("an anchored phrase must open the message; # is an order number")
    func anchorsAndOrders() {
        #expect(PhrasePattern("^ and").matches("and Apple Pay?"))
        #expect(!PhrasePattern("^ and").matches("shoes and socks"))
        #expect(PhrasePattern("where * #").matches("where is FD-482913"))
        #expect(!PhrasePattern("where * #").matches("where is my parcel"))
    }
}
