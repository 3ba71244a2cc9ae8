import Testing

@testable import FairdeskCore

@Suite("Transfer rules")
struct TransferRulesTests {
    let rules = TransferRules(minimumNoteLength: 20, maximumOwners: 2)

    func check(
        _ note: String?, to target: TransferRules.Target = .agent(ownerKey: "b"), owners: Set<String> = ["a"],
        supervisor: Bool = false
    ) throws(ValidationFailure) -> String {
        try rules.check(
            note: note, target: target, currentOwnerKey: "a", currentQueueKey: "q1", previousOwnerKeys: owners,
            mayExceedOwnerCap: supervisor)
    }

    @Test("a transfer without a handoff note is refused, naming the field")
    func noteRequired() {
        for note in [nil, "", "   \n "] {
            #expect(throws: ValidationFailure.self) { try check(note) }
            do { _ = try check(note) } catch {
                #expect(error.problems.first?.field == "handoffNote")
                #expect(error.problems.first?.rule.contains("what was tried") == true)
            }
        }
    }

    @Test("a note shorter than the configured minimum is refused with the count")
    func noteTooShort() {
        do {
            _ = try check("see above")
            Issue.record("a 9-character note was accepted")
        } catch {
            #expect(
                error.problems == [
                    FieldProblem(
                        field: "handoffNote",
                        rule: "must be at least 20 characters (got 9): say what is known and what was tried")
                ])
        }
    }

    @Test("a good note is accepted and trimmed")
    func goodNote() throws {
        #expect(
            try check("  Refund approved, waiting on warehouse confirmation.  ")
                == "Refund approved, waiting on warehouse confirmation.")
    }

    @Test("past the owner cap only a supervisor may bring in a new owner")
    func ownerCap() throws {
        let note = "Customer needs a billing specialist for the duplicate charge."
        #expect(throws: ValidationFailure.self) { try check(note, to: .agent(ownerKey: "c"), owners: ["a", "b"]) }
        #expect(try check(note, to: .agent(ownerKey: "c"), owners: ["a", "b"], supervisor: true) == note)
        // Handing back to someone who already owned it adds no new owner.
        #expect(try check(note, to: .agent(ownerKey: "b"), owners: ["a", "b"]) == note)
    }

    @Test("transferring to the current owner is refused")
    func sameOwner() {
        #expect(throws: ValidationFailure.self) {
            try check("A long enough handoff note for the test.", to: .agent(ownerKey: "a"))
        }
    }
}
