import FairdeskCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@testable import FairdeskApp

/// Packages whose evidence a claim is judged on.
extension TestFairdesk {
    /// Twenty good deliveries in block B1 two days ago, then `extra` packages in the same block.
    func disputeRecords(_ extra: [Records.Package]) async throws {
        try await postRecords(workedBlock("B1", daysAgo: 2, count: 20))
        try await postRecords(Records(blocks: nil, packages: extra, feedback: nil))
    }

    /// A package of block B1 delivered at 10 minutes into its hour-long window two days ago, scanned
    /// `north` metres north of the door, with `photo`.
    func disputedPackage(_ id: String, north: Double = 0, photo: String? = nil, kind: String = "delivered")
        -> Records.Package
    {
        let windowStart = clock.now.addingTimeInterval(-2 * 86_400 + 3 * 3600)
        let at = windowStart.addingTimeInterval(600)
        let metresPerDegree = GeoPoint.earthRadiusMetres * .pi / 180
        let scan = Records.Position(latitude: 51.5 + north / metresPerDegree, longitude: -0.12)
        return Records.Package(
            id: id, blockId: "B1", address: Records.Position(latitude: 51.5, longitude: -0.12),
            geofenceRadiusMetres: nil, windowStart: windowStart, windowEnd: windowStart.addingTimeInterval(3600),
            scans: [Records.Scan(id: "S1", time: at, position: scan, accuracyMetres: 5)],
            outcome: Records.Outcome(
                kind: kind, at: at, photoId: photo, reason: kind == "undeliverable" ? "damaged" : nil))
    }

    /// The fields an error response names.
    func problemFields(_ response: TestingHTTPResponse) throws -> [String] {
        try decode(ErrorBody.self, response).problems.map(\.field)
    }

    /// Opens a claim on `package` as `person` (the agent by default).
    func openDispute(
        _ package: String, as person: Person? = nil, account: String = "The parcel was not on my doorstep.",
        customer: UUID? = nil
    ) async throws -> TestingHTTPResponse {
        try await send(
            .POST, "api/v1/drivers/\(driver.id)/disputes", as: person ?? agent,
            json: DeliveryDisputeRequest(packageId: package, account: account, customerId: customer?.uuidString))
    }

    /// Subjects and bodies of the email Fairdesk wrote of `kind`.
    func mails(_ kind: String) async throws -> [(subject: String, body: String)] {
        struct Mail: Decodable {
            var subject: String
            var body: String
        }
        return try await (app.db as! any SQLDatabase).raw(
            "SELECT subject, body FROM outbound_emails WHERE kind = \(bind: kind) ORDER BY created_at"
        ).all(decoding: Mail.self).map { ($0.subject, $0.body) }
    }

    func decideDispute(_ id: UUID, _ finding: String?, reason: String?, as person: Person? = nil) async throws
        -> TestingHTTPResponse
    {
        try await send(
            .POST, "api/v1/drivers/disputes/\(id)/finding", as: person ?? lead,
            json: DisputeFindingRequest(finding: finding, reason: reason))
    }
}

@Suite("Driver disputes: delivered but not received")
struct DeliveryDisputeTests {
    @Test("a claim gets a proposed finding and counts nothing until a person records a finding against the driver")
    func flow() async throws {
        try await TestFairdesk.with { fd in
            // setup: the package was scanned 1.2 km from the door, with no photo
            try await DemoPolicies.seed(on: fd.app.db, now: fd.clock.now.addingTimeInterval(-30 * 86_400))
            try await fd.disputeRecords([fd.disputedPackage("X1", north: 1200)])
            let reviewer = try await fd.extraPerson("rev@example.com", "Ray Reviewer", .reviewer)
            let spec = try OpenAPITests.spec()

            // MUT: an agent opens the claim for the customer
            let opened = try await fd.openDispute("X1", customer: fd.customer.customerID)

            // validate: proposed against the driver, with reasons, but nothing counts yet
            #expect(opened.status == .created, "\(opened.body.string)")
            try OpenAPITests.expectValid(opened, "post", "/api/v1/drivers/{userID}/disputes", spec: spec)
            let dispute = try fd.decode(DeliveryDisputeDTO.self, opened)
            #expect(dispute.proposedFinding == "against_driver")
            #expect(
                dispute.proposedReasons[0].contains("1.2 km north of the address (±5 m), outside the 50 m geofence"))
            #expect(dispute.proposedReasons[1].contains("in the window, 10 min after it opened"))
            #expect(dispute.proposedReasons[2] == "No delivery photo was taken.")
            #expect(dispute.state == "open" && !dispute.countsAgainstDriver)
            #expect(dispute.openedBy == "Alex Agent (agent)")
            #expect(dispute.customerName == "Casey Customer")
            #expect(dispute.policy == "driver-standing v1")
            #expect(try await fd.standing().metric("completion")?.against == [])
            #expect(try await fd.standing().metric("completion")?.counted.contains("X1") == true)

            // The driver reads it, without the customer's identity.
            let mine = try await fd.send(.GET, "api/v1/drivers/\(fd.driver.id)/disputes", as: fd.driver)
            try OpenAPITests.expectValid(mine, "get", "/api/v1/drivers/{userID}/disputes", spec: spec)
            let listed = try fd.decode([DeliveryDisputeDTO].self, mine)
            #expect(listed.map(\.id) == [dispute.id])
            #expect(listed[0].customerId == nil && listed[0].customerName == nil)
            #expect(listed[0].account == "The parcel was not on my doorstep.")

            // The driver is told at once, and gives their side, once.
            let told = try await fd.mails("driver_dispute_opened")
            #expect(
                told.map(\.subject) == ["A customer says package X1 did not arrive: nothing counts against you yet"])
            #expect(told.first?.body.contains("What the customer says: The parcel was not on my doorstep.") == true)
            #expect(told.first?.body.contains("1.2 km north of the address") == true)
            let answerPath = "api/v1/drivers/disputes/\(dispute.id)/answer"
            let side = DisputeAnswerRequest(account: "I left it with the neighbour at number 12, as the note asked.")
            #expect(try await fd.send(.POST, answerPath, as: fd.lead, json: side).status == .forbidden)
            let otherDriver = try await fd.extraPerson("other@example.com", "Olu Other", .driver)
            #expect(try await fd.send(.POST, answerPath, as: otherDriver, json: side).status == .notFound)
            let blank = try await fd.send(.POST, answerPath, as: fd.driver, json: DisputeAnswerRequest(account: ""))
            #expect(try fd.problemFields(blank) == ["account"])
            let answered = try await fd.send(.POST, answerPath, as: fd.driver, json: side)
            #expect(answered.status == .ok, "\(answered.body.string)")
            try OpenAPITests.expectValid(answered, "post", "/api/v1/drivers/disputes/{disputeID}/answer", spec: spec)
            #expect(try fd.decode(DeliveryDisputeDTO.self, answered).driverAccount == side.account)
            #expect(try await fd.send(.POST, answerPath, as: fd.driver, json: side).status == .conflict)

            // A second claim on the same package is refused.
            let again = try await fd.openDispute("X1", as: fd.lead)
            #expect(again.status == .conflict)
            #expect(try fd.problemFields(again) == ["packageId"])

            // Only a lead or reviewer records a finding, with a reason.
            #expect(
                try await fd.decideDispute(dispute.id, "against_driver", reason: "x", as: fd.agent).status == .forbidden
            )
            #expect(
                try await fd.decideDispute(dispute.id, "against_driver", reason: "x", as: fd.driver).status
                    == .forbidden)
            let noReason = try await fd.decideDispute(dispute.id, "against_driver", reason: " ")
            #expect(noReason.status == .unprocessableEntity)
            #expect(try fd.problemFields(noReason) == ["reason"])
            let badFinding = try await fd.decideDispute(dispute.id, "guilty", reason: "Scan far away")
            #expect(try fd.problemFields(badFinding) == ["finding"])
            #expect(try await fd.mails("driver_dispute").isEmpty)

            // MUT: the reviewer records the finding against the driver
            let decided = try await fd.decideDispute(
                dispute.id, "against_driver", reason: "The only scan was 1.2 km away and there is no photo.",
                as: reviewer)

            // validate: it counts now, the driver is told, and everything is audited
            #expect(decided.status == .ok, "\(decided.body.string)")
            try OpenAPITests.expectValid(decided, "post", "/api/v1/drivers/disputes/{disputeID}/finding", spec: spec)
            let found = try fd.decode(DeliveryDisputeDTO.self, decided)
            #expect(found.finding == "against_driver" && found.countsAgainstDriver)
            #expect(found.decidedBy == "Ray Reviewer (reviewer)")
            let standing = try await fd.standing()
            #expect(standing.metric("completion")?.against == ["X1"])
            #expect(standing.metric("on_time")?.against == [])
            #expect(standing.disputes.first?.finding == "against_driver")
            let line = try #require(standing.records.first { $0.id == "X1" })
            #expect(line.description.contains("found against the driver by Ray Reviewer (reviewer)"))
            #expect(line.description.contains("so it counts as not completed"))
            // The standing kept per day counted the finding in, as counting every record again does.
            let days = try await StandingCounterTests.expectAgreement(fd, "after the finding")
            #expect(days.values.map { $0[.completion].against }.reduce(0, +) == 1)
            let mail = try await fd.mails("driver_dispute")
            #expect(mail.count == 1)
            #expect(mail.first?.subject == "A finding against you on package X1 (driver-standing v1)")
            #expect(mail.first?.body.contains("The only scan was 1.2 km away and there is no photo.") == true)
            #expect(mail.first?.body.contains("1.2 km north of the address") == true)
            #expect(mail.first?.body.contains("you can appeal it within the appeal window") == true)
            let audit = try await AuditEntry.query(on: fd.app.db)
                .filter(\.$action ~~ ["driver.dispute_opened", "driver.dispute_answered", "driver.dispute_decided"])
                .sort(\.$sequence).all()
            #expect(
                audit.map(\.action) == ["driver.dispute_opened", "driver.dispute_answered", "driver.dispute_decided"])
            #expect(
                audit.map(\.actorLabel) == ["Alex Agent (agent)", "Dee Driver (driver)", "Ray Reviewer (reviewer)"])
            #expect(audit.allSatisfy { $0.policyVersion == "driver-standing v1" })
            #expect(audit.last?.reason == "The only scan was 1.2 km away and there is no photo.")
            #expect(audit.last?.details.contains("against_driver") == true)

            // A finding is recorded once.
            let twice = try await fd.decideDispute(dispute.id, "driver_not_at_fault", reason: "Changed my mind")
            #expect(twice.status == .conflict)

            // The driver's export carries the dispute and the finding.
            let export = try await fd.send(.GET, "api/v1/drivers/\(fd.driver.id)/export", as: fd.driver)
            try OpenAPITests.expectValid(export, "get", "/api/v1/drivers/{userID}/export", spec: spec)
            #expect(try fd.decode(DriverExportDTO.self, export).disputes.map(\.id) == [dispute.id])
            let csv = try await fd.send(.GET, "api/v1/drivers/\(fd.driver.id)/export.csv", as: fd.driver)
            #expect(csv.body.string.contains("\r\nfinding,\(dispute.id),"))
            #expect(csv.body.string.contains("against the driver (counts as not completed)"))
            #expect(csv.body.string.contains("driver.dispute_decided"))
            #expect(csv.body.string.contains("I left it with the neighbour at number 12"))
        }
    }

    @Test("a finding in the driver's favour, or inconclusive, never counts and sends no email")
    func favourable() async throws {
        try await TestFairdesk.with { fd in
            // setup
            try await fd.disputeRecords([
                fd.disputedPackage("G1", photo: "photo-g1"), fd.disputedPackage("F1", north: 1200),
            ])
            let good = try fd.decode(DeliveryDisputeDTO.self, try await fd.openDispute("G1"))
            let reviewer = try await fd.extraPerson("rev@example.com", "Ray Reviewer", .reviewer)
            let far = try fd.decode(DeliveryDisputeDTO.self, try await fd.openDispute("F1", as: fd.lead))
            #expect(good.proposedFinding == "driver_not_at_fault")
            #expect(good.evidence.scanAtDoor && good.evidence.photo && good.evidence.inWindow)
            #expect(far.proposedFinding == "against_driver")

            // MUT: the lead confirms one, and changes the other's proposal
            let kept = try await fd.decideDispute(
                good.id, "driver_not_at_fault", reason: "Scan at the door and a photo.")
            // The lead opened F1 for the customer, so a reviewer judges it.
            let own = try await fd.decideDispute(far.id, "inconclusive", reason: "Mine")
            #expect(try fd.problemFields(own) == ["decidedBy"])
            var leadPages = WebSession(fd)
            _ = try await leadPages.logIn("lead@example.com")
            let page = try await leadPages.get("drivers/disputes/\(far.id)").body.string
            #expect(page.contains(#"id="not-yours""#) && !page.contains(#"id="finding-form""#))
            let changed = try await fd.decideDispute(
                far.id, "inconclusive", reason: "The customer's neighbour had it; the scan was a GPS glitch.",
                as: reviewer)

            // validate
            #expect(kept.status == .ok && changed.status == .ok)
            #expect(try fd.decode(DeliveryDisputeDTO.self, changed).finding == "inconclusive")
            #expect(try fd.decode(DeliveryDisputeDTO.self, changed).proposedFinding == "against_driver")
            #expect(try await fd.standing().metric("completion")?.against == [])
            #expect(try await fd.mails("driver_dispute").isEmpty)
            #expect(try await fd.mails("driver_dispute_opened").count == 2)
            let list = try await fd.send(.GET, "api/v1/drivers/disputes", as: fd.lead)
            try OpenAPITests.expectValid(list, "get", "/api/v1/drivers/disputes", spec: try OpenAPITests.spec())
            let all = try fd.decode(DeliveryDisputeListDTO.self, list)
            #expect(all.open.isEmpty && all.decided.count == 2)
        }
    }

    @Test("bad claims are refused naming the field; unknown packages and disputes are 404; roles are checked")
    func refusals() async throws {
        try await TestFairdesk.with { fd in
            // setup
            try await fd.disputeRecords([fd.disputedPackage("R1", kind: "returned")])

            // MUT + validate
            #expect(try await fd.openDispute("NOPE").status == .notFound)
            let returned = try await fd.openDispute("R1")
            #expect(returned.status == .unprocessableEntity)
            #expect(try fd.problemFields(returned) == ["packageId"])
            #expect(returned.body.string.contains("was returned to the depot"))
            let empty = try await fd.send(
                .POST, "api/v1/drivers/\(fd.driver.id)/disputes", as: fd.agent,
                json: DeliveryDisputeRequest(packageId: "B1-P1", account: "", customerId: "not-an-id"))
            #expect(empty.status == .unprocessableEntity)
            #expect(try fd.problemFields(empty).sorted() == ["account", "customerId"])
            let unknownCustomer = try await fd.openDispute("B1-P1", customer: UUID())
            #expect(try fd.problemFields(unknownCustomer) == ["customerId"])
            let noPackage = try await fd.send(
                .POST, "api/v1/drivers/\(fd.driver.id)/disputes", as: fd.agent,
                json: DeliveryDisputeRequest(packageId: nil, account: nil, customerId: nil))
            #expect(try fd.problemFields(noPackage).sorted() == ["account", "packageId"])
            #expect(
                try await fd.send(
                    .POST, "api/v1/drivers/\(fd.agent.id)/disputes", as: fd.agent,
                    json: DeliveryDisputeRequest(packageId: "B1-P1", account: "x", customerId: nil)
                ).status == .notFound)
            #expect(try await fd.openDispute("B1-P1", as: fd.driver).status == .forbidden)
            let reviewer = try await fd.extraPerson("rev@example.com", "Ray Reviewer", .reviewer)
            #expect(try await fd.openDispute("B1-P1", as: reviewer).status == .forbidden)
            #expect(try await fd.decideDispute(UUID(), "inconclusive", reason: "x").status == .notFound)
            #expect(try await fd.count("delivery_disputes") == 0)
            #expect(
                try await AuditEntry.query(on: fd.app.db).filter(\.$action == "driver.dispute_opened").count() == 0)

            // Another driver reads neither the list nor the dispute about this one.
            let opened = try fd.decode(DeliveryDisputeDTO.self, try await fd.openDispute("B1-P1"))
            let other = try await fd.extraPerson("other@example.com", "Olu Other", .driver)
            #expect(
                try await fd.send(.GET, "api/v1/drivers/\(fd.driver.id)/disputes", as: other).status == .forbidden)
            #expect(try await fd.send(.GET, "api/v1/drivers/disputes/\(opened.id)", as: other).status == .notFound)
            #expect(try await fd.send(.GET, "api/v1/drivers/disputes/\(opened.id)", as: fd.driver).status == .ok)
            #expect(try await fd.send(.GET, "api/v1/drivers/disputes", as: fd.driver).status == .forbidden)
            #expect(try await fd.send(.GET, "api/v1/drivers/disputes", as: fd.agent).status == .forbidden)
        }
    }

    @Test("one dispute per package in the table; the migration reverts and runs again")
    func schema() async throws {
        try await TestFairdesk.with { fd in
            try await fd.postRecords(fd.workedBlock("B1", daysAgo: 2, count: 20))
            #expect(try await fd.openDispute("B1-P2").status == .created)
            let sql = fd.app.db as! any SQLDatabase
            func insert() async throws {
                try await sql.insert(into: "delivery_disputes")
                    .columns(
                        "id", "driver_id", "package_id", "claimant_name", "claimant_role", "account", "opened_at",
                        "proposed_finding", "proposed_reasons", "evidence", "state", "policy_version"
                    )
                    .values(
                        SQLBind(UUID()), SQLBind(fd.driver.id), SQLBind("B1-P2"), SQLBind("A"), SQLBind("agent"),
                        SQLBind("x"), SQLBind(fd.clock.now), SQLBind("inconclusive"), SQLBind(""), SQLBind("{}"),
                        SQLBind("open"), SQLBind("built-in default")
                    ).run()
            }
            await #expect(throws: (any Error).self) { try await insert() }
            try await CreateDeliveryDisputes().revert(on: fd.app.db)
            try await CreateDeliveryDisputes().prepare(on: fd.app.db)
            try await insert()
            #expect(try await fd.count("delivery_disputes") == 1)
        }
    }
}
