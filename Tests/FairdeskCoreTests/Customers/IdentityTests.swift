import Testing

@testable import FairdeskCore

@Suite("Identities")
struct IdentityTests {
    @Test("email addresses are lower-cased so one person is one customer")
    func emailNormalised() throws {
        #expect(try Identity(kind: .email, raw: "  Alice.Smith@Example.COM ").value == "alice.smith@example.com")
    }

    @Test(
        "malformed email addresses are refused with the rule",
        arguments: [
            "alice", "alice@", "@example.com", "alice@example", "al ice@example.com", "alice@@example.com",
            "alice@-example.com", ".alice@example.com", "alice..b@example.com", "alice@example.c",
        ])
    func badEmail(_ raw: String) {
        do {
            _ = try Identity(kind: .email, raw: raw, field: "from.value")
            Issue.record("\(raw) was accepted")
        } catch {
            #expect(
                error.problems == [
                    FieldProblem(field: "from.value", rule: "must be a valid email address, like name@example.com")
                ])
        }
    }

    @Test(
        "phone numbers become E.164",
        arguments: [
            ("+44 20 7946 0958", "+442079460958"), ("0044 (20) 7946-0958", "+442079460958"),
            ("+1.415.555.0100", "+14155550100"),
        ])
    func phoneNormalised(_ pair: (String, String)) throws {
        #expect(try Identity(kind: .phone, raw: pair.0).value == pair.1)
    }

    @Test(
        "phone numbers without a country code or with letters are refused",
        arguments: ["020 7946 0958", "+44 20 CALL ME", "+1234", "+0123456789"])
    func badPhone(_ raw: String) {
        #expect(throws: ValidationFailure.self) { try Identity(kind: .phone, raw: raw) }
    }

    @Test("social handles are network:handle, lower-cased, without the @")
    func social() throws {
        #expect(try Identity(kind: .social, raw: "Instagram:@Alice_B").value == "instagram:alice_b")
        #expect(throws: ValidationFailure.self) { try Identity(kind: .social, raw: "alice") }
    }

    @Test("chat visitor ids are opaque but bounded")
    func chat() throws {
        #expect(try Identity(kind: .chat, raw: "v_8f3a9c2d1e").value == "v_8f3a9c2d1e")
        #expect(throws: ValidationFailure.self) { try Identity(kind: .chat, raw: "short") }
        #expect(throws: ValidationFailure.self) { try Identity(kind: .chat, raw: "has spaces in it") }
    }
}
