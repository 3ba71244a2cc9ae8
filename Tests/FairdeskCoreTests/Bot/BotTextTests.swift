import Testing

@testable import FairdeskCore

@Suite("Bot text normalisation")
struct BotTextTests {
    @Test("case and accents fold away")
    func folding() {
        #expect(BotText.fold("Rückerstattung ÉTÉ") == "ruckerstattung ete")
        #expect(BotText.words("WHERE is My ORDER?") == ["where", "is", "my", "order"])
    }

    @Test("contractions expand, and the apostrophe tells i'd from id")
    func contractions() {
        #expect(BotText.words("this isn't helping") == ["this", "is", "not", "helping"])
        #expect(BotText.words("where's my parcel") == ["where", "is", "my", "parcel"])
        #expect(BotText.words("I'd like my photo ID") == ["i", "would", "like", "my", "photo", "id"])
        #expect(BotText.words("it’s late") == ["it", "is", "late"])
    }

    @Test("common misspellings and chat shorthand are fixed")
    func misspellings() {
        #expect(
            BotText.words("i havent recieved my pakage pls") == [
                "i", "have", "not", "received", "my", "package", "please",
            ])
        #expect(BotText.words("wheres my oder thx") == ["where", "is", "my", "order", "thanks"])
    }

    @Test("inflections meet on one stem")
    func stems() {
        for family in [
            ["deliver", "delivered", "delivering", "delivers"], ["move", "moved", "moving", "moves"],
            ["ship", "shipped", "shipping", "ships"], ["parcel", "parcels"], ["cancel", "cancelled", "canceled"],
            ["arrive", "arrived", "arriving", "arrives"], ["take", "taking"], ["charge", "charged", "charges"],
        ] {
            let stems = Set(family.map(BotText.stem))
            #expect(stems.count == 1, "\(family) stem to \(stems)")
        }
        // Short words keep their meaning: "note" must not become "not".
        #expect(BotText.stem("note") != BotText.stem("not"))
        #expect(BotText.stem("here") != BotText.stem("her"))
    }

    @Test("synonyms and a little German, French and Spanish meet on English terms")
    func synonyms() {
        let parcel = BotText.term("parcel")
        #expect(BotText.term("package") == parcel)
        #expect(BotText.term("Paket".lowercased()) == parcel)
        #expect(BotText.term("colis") == parcel)
        #expect(BotText.term("pedido") == BotText.term("order"))
        #expect(BotText.term("reembolso") == BotText.term("refund"))
        #expect(BotText.terms("send it back") == [BotText.term("return")])
        #expect(BotText.terms("money back") == [BotText.term("refund")])
    }
}
