import Testing

@testable import FairdeskCore

@Suite("Case status rules")
struct CaseStatusTests {
    @Test("an agent can resolve an open case and reopen a resolved one")
    func legalMoves() throws {
        #expect(try CaseStatus.open.move(to: .resolved) == .resolved)
        #expect(try CaseStatus.resolved.move(to: .open) == .open)
        #expect(try CaseStatus.resolved.move(to: .closed) == .closed)
    }

    @Test("a closed case cannot change, and the error says a new message starts a new case")
    func closedIsFinal() {
        for target in CaseStatus.allCases where target != .closed {
            #expect(throws: CaseStatusError.illegalMove(from: .closed, to: target)) {
                try CaseStatus.closed.move(to: target)
            }
        }
        let error = CaseStatusError.illegalMove(from: .closed, to: .open)
        #expect(error.description.contains("new message starts a new case"))
    }

    @Test("an illegal move names the allowed ones")
    func illegalMoveNamesAlternatives() {
        let error = CaseStatusError.illegalMove(from: .new, to: .closed)
        #expect(
            error.description
                == "cannot move a case from new to closed; allowed: open, pending_customer, pending_internal, resolved")
        #expect(throws: CaseStatusError.unchanged(.open)) { try CaseStatus.open.move(to: .open) }
    }

    @Test("a customer reply opens pending and resolved cases, keeps new ones new, and cannot touch closed ones")
    func customerReply() {
        #expect(CaseStatus.pendingCustomer.afterCustomerReply == .open)
        #expect(CaseStatus.resolved.afterCustomerReply == .open)
        #expect(CaseStatus.new.afterCustomerReply == .new)
        #expect(CaseStatus.closed.afterCustomerReply == nil)
    }

    @Test("only active statuses belong in the inbox")
    func activeStatuses() {
        #expect(CaseStatus.active == [.new, .open, .pendingCustomer, .pendingInternal])
    }
}
