import Testing

@testable import FairdeskCore

@Suite("Who may see a case")
struct CaseAccessTests {
    let facts = CaseAccess.Facts(customerKey: "cust-1", queueKey: "billing", ownerKey: "agent-2")

    func viewer(_ role: Role, user: String = "u", customer: String? = nil, queues: Set<String> = [])
        -> CaseAccess.Viewer
    {
        CaseAccess.Viewer(role: role, userKey: user, customerKey: customer, queueKeys: queues)
    }

    @Test("an agent sees cases in their queues and cases they own, and no others")
    func agents() {
        #expect(CaseAccess.canRead(facts, by: viewer(.agent, queues: ["billing"])))
        #expect(CaseAccess.canRead(facts, by: viewer(.agent, user: "agent-2", queues: ["general"])))
        #expect(!CaseAccess.canRead(facts, by: viewer(.agent, queues: ["general"])))
    }

    @Test("a customer sees only their own cases, and cannot work on them as staff")
    func customers() {
        #expect(CaseAccess.canRead(facts, by: viewer(.customer, customer: "cust-1")))
        #expect(!CaseAccess.canRead(facts, by: viewer(.customer, customer: "cust-2")))
        #expect(!CaseAccess.canWorkOn(facts, by: viewer(.customer, customer: "cust-1")))
    }

    @Test("leads and admins see everything; drivers, reviewers and policy owners see no cases")
    func others() {
        #expect(CaseAccess.canRead(facts, by: viewer(.lead)))
        #expect(CaseAccess.canRead(facts, by: viewer(.admin)))
        for role in [Role.driver, .reviewer, .policyOwner] {
            #expect(!CaseAccess.canRead(facts, by: viewer(role, queues: ["billing"])))
        }
    }
}
