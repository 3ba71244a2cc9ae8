import FairdeskCore
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

extension TestFairdesk {
    /// The case's SLA clocks by metric.
    func clocks(_ caseID: UUID, as person: Person? = nil) async throws -> [String: SLAClockDTO] {
        let response = try await send(.GET, "api/v1/cases/\(caseID)/sla", as: person ?? lead)
        #expect(response.status == .ok)
        return Dictionary(uniqueKeysWithValues: try decode([SLAClockDTO].self, response).map { ($0.metric, $0) })
    }

    /// A worker that has scheduled the recurring jobs (SLA checks and routing).
    func worker() async throws -> JobWorker {
        let worker = JobWorker(app: app)
        try await worker.scheduleRecurring()
        return worker
    }

    func setAvailable(_ person: Person) async throws {
        let response = try await send(
            .PUT, "api/v1/agents/me/availability", as: person, json: AvailabilityRequest(availability: "available"))
        #expect(response.status == .ok)
    }

    func owner(of caseID: UUID) async throws -> UUID? {
        try await SupportCase.find(caseID, on: app.db)?.$owner.id
    }
}

@Suite("SLA clocks and escalation")
struct ServiceLevelTests {
    @Test("a premium email is due in an hour around the clock; a standard one counts office hours only")
    func targetsByTierAndCalendar() async throws {
        try await TestFairdesk.with { fd in
            // setup: Monday 21 September 2026, 14:13 UTC (15:13 in London).
            let start = fd.clock.now
            // MUT
            let premium = try await fd.inbound(from: "casey@example.com", body: "My parcel is late")
            let standard = try await fd.inbound(from: "new.person@example.com", body: "Where is my refund?")
            // validate
            let premiumClocks = try await fd.clocks(premium.caseId)
            #expect(premiumClocks["first_response"]?.dueAt == start + 3600)
            #expect(premiumClocks["first_response"]?.policy == "premium · email · v1 · 24/7")
            #expect(premiumClocks["resolution"]?.dueAt == start + 8 * 3600)
            #expect(premiumClocks["first_response"]?.state == "running")
            let standardClocks = try await fd.clocks(standard.caseId)
            // 167 minutes left on Monday (until 18:00 London), the other 73 from 08:00 Tuesday.
            let tuesday = ISO8601DateFormatter().date(from: "2026-09-22T08:13:20Z")!
            #expect(standardClocks["first_response"]?.dueAt == tuesday)
            #expect(standardClocks["first_response"]?.policy == "standard · email · v1 · Office hours")
        }
    }

    @Test("a reply meets the first-response target; the customer's next message starts a next-response clock")
    func responseClocks() async throws {
        try await TestFairdesk.with { fd in
            let inbound = try await fd.inbound(from: "casey@example.com", body: "My parcel is late")
            fd.clock.advance(by: 20 * 60)
            let reply = try await fd.send(
                .POST, "api/v1/cases/\(inbound.caseId)/messages", as: fd.agent,
                json: MessageRequest(body: "Sorry! Looking into it now.", channel: nil, status: nil))
            #expect(reply.status == .created)
            var clocks = try await fd.clocks(inbound.caseId)
            #expect(clocks["first_response"]?.state == "met")
            #expect(clocks["next_response"] == nil)
            fd.clock.advance(by: 5 * 60)
            _ = try await fd.inbound(from: "casey@example.com", body: "Any news?")
            clocks = try await fd.clocks(inbound.caseId)
            #expect(clocks["next_response"]?.state == "running")
            #expect(clocks["next_response"]?.dueAt == fd.clock.now + 120 * 60)
            #expect(clocks["resolution"]?.state == "running")
        }
    }

    @Test("waiting on the customer pauses the resolution clock, and it resumes where it stopped")
    func pauseWhilePendingCustomer() async throws {
        try await TestFairdesk.with { fd in
            let inbound = try await fd.inbound(from: "casey@example.com", body: "My parcel is late")
            fd.clock.advance(by: 60 * 60)
            let pending = try await fd.send(
                .POST, "api/v1/cases/\(inbound.caseId)/messages", as: fd.agent,
                json: MessageRequest(
                    body: "Can you send a photo of the label?", channel: nil, status: "pending_customer"))
            #expect(pending.status == .created)
            fd.clock.advance(by: 10 * 3600)
            var clocks = try await fd.clocks(inbound.caseId)
            #expect(clocks["resolution"]?.state == "paused")
            #expect(clocks["resolution"]?.secondsLeft == 7 * 3600)
            _ = try await fd.inbound(from: "casey@example.com", body: "Here it is.")
            clocks = try await fd.clocks(inbound.caseId)
            #expect(clocks["resolution"]?.state == "running")
            #expect(clocks["resolution"]?.dueAt == fd.clock.now + 7 * 3600)
        }
    }

    @Test("a case about to breach notifies its owner, then the lead, then moves; the breach names target and policy")
    func escalationLadder() async throws {
        try await TestFairdesk.with { fd in
            // setup: the agent is the only one available, so routing gives them the case.
            try await fd.setAvailable(fd.agent)
            let inbound = try await fd.inbound(from: "casey@example.com", body: "My parcel is late")
            let worker = try await fd.worker()
            try await worker.drain()
            #expect(try await fd.owner(of: inbound.caseId) == fd.agent.id)
            try await fd.setAvailable(fd.lead)

            // 75% of the hour: the owner hears first.
            fd.clock.advance(by: 45 * 60)
            try await worker.drain()
            let agentNotes = try fd.decode(
                [NotificationDTO].self, try await fd.send(.GET, "api/v1/notifications", as: fd.agent))
            #expect(agentNotes.map(\.kind) == ["sla.at_risk"])
            #expect(agentNotes.first?.body.contains("First response target (60 min") == true)
            var leadNotes = try fd.decode(
                [NotificationDTO].self, try await fd.send(.GET, "api/v1/notifications", as: fd.lead))
            #expect(leadNotes.isEmpty)

            // 90%: the lead.
            fd.clock.advance(by: 9 * 60)
            try await worker.drain()
            leadNotes = try fd.decode(
                [NotificationDTO].self, try await fd.send(.GET, "api/v1/notifications", as: fd.lead))
            #expect(leadNotes.map(\.kind) == ["sla.escalated"])
            #expect(try await fd.owner(of: inbound.caseId) == fd.agent.id)

            // 95%: another available agent takes over.
            fd.clock.advance(by: 3 * 60)
            try await worker.drain()
            #expect(try await fd.owner(of: inbound.caseId) == fd.lead.id)

            // Past due: the breach is recorded once, with the target and the policy in force.
            fd.clock.advance(by: 4 * 60)
            try await worker.drain()
            fd.clock.advance(by: 60)
            try await worker.drain()
            let clocks = try await fd.clocks(inbound.caseId)
            #expect(clocks["first_response"]?.state == "breached")
            let audit = try fd.decode(
                [AuditEntryDTO].self,
                try await fd.send(.GET, "api/v1/audit?subjectId=\(inbound.caseId)", as: fd.admin))
            let breaches = audit.filter { $0.action == "sla.breached" }
            #expect(breaches.count == 1)
            #expect(breaches.first?.policyVersion == "premium · email · v1 · 24/7")
            #expect(breaches.first?.details.contains(#""targetMinutes":"60""#) == true)
            let state = try fd.decode(QueueStateDTO.self, try await fd.send(.GET, "api/v1/queue-state", as: fd.lead))
            #expect(state.breachesToday == 1)
            #expect(state.escalationsToday == 3)
            #expect(try await fd.send(.GET, "api/v1/queue-state", as: fd.agent).status == .forbidden)
        }
    }

    @Test("a target change is versioned and audited, and bad input names each field and rule")
    func adminChangesTargets() async throws {
        try await TestFairdesk.with { fd in
            let bad = try await fd.send(
                .PUT, "api/v1/sla-targets", as: fd.admin,
                json: TargetRequest(
                    tier: "gold", channel: "fax", calendar: "Moon time", firstResponseMinutes: 0,
                    nextResponseMinutes: nil, resolutionMinutes: nil, reason: ""))
            #expect(bad.status == .unprocessableEntity)
            let fields = Set(try fd.problems(bad).map { $0.components(separatedBy: ":")[0] })
            #expect(fields.isSuperset(of: ["tier", "channel", "calendar", "firstResponseMinutes", "reason"]))
            #expect(
                try await fd.send(
                    .PUT, "api/v1/sla-targets", as: fd.lead,
                    json: TargetRequest(
                        tier: "premium", channel: "email", calendar: "24/7", firstResponseMinutes: 30,
                        nextResponseMinutes: 60, resolutionMinutes: 240, reason: "faster for premium")
                ).status == .forbidden)

            let good = try await fd.send(
                .PUT, "api/v1/sla-targets", as: fd.admin,
                json: TargetRequest(
                    tier: "premium", channel: "email", calendar: "24/7", firstResponseMinutes: 30,
                    nextResponseMinutes: 60, resolutionMinutes: 240, reason: "faster for premium"))
            #expect(good.status == .ok)
            let catalog = try fd.decode(ServiceLevelsDTO.self, good)
            let target = catalog.targets.first { $0.tier == "premium" && $0.channel == "email" }
            #expect(target?.firstResponseMinutes == 30)
            #expect(target?.version == 2)
            let inbound = try await fd.inbound(from: "casey@example.com", body: "Hello")
            let clocks = try await fd.clocks(inbound.caseId)
            #expect(clocks["first_response"]?.policy == "premium · email · v2 · 24/7")
            #expect(clocks["first_response"]?.dueAt == fd.clock.now + 30 * 60)

            let calendar = try await fd.send(
                .POST, "api/v1/calendars", as: fd.admin,
                json: CalendarRequest(name: "Berlin", timeZone: "Mars/Olympus", hours: "mon-fri 25:00-26:00"))
            #expect(calendar.status == .unprocessableEntity)
            let calendarFields = try fd.problems(calendar).map { $0.components(separatedBy: ":")[0] }
            #expect(calendarFields.contains("hours") || calendarFields.contains("timeZone"))
        }
    }
}

extension ServiceLevelTests {
    @Test("escalation steps, tiers and queue skills are changed by the right people, audited, and checked")
    func settingsTiersAndSkills() async throws {
        try await TestFairdesk.with { fd in
            let bad = try await fd.send(
                .PUT, "api/v1/service-settings", as: fd.admin,
                json: ServiceSettingsRequest(
                    riskPercent: 150, escalation: "notify_lead@90, notify_owner@50", starvationMinutes: 0,
                    frustrationBonusMinutes: 15, reason: "x"))
            #expect(bad.status == .unprocessableEntity)
            #expect(
                Set(try fd.problems(bad).map { $0.components(separatedBy: ":")[0] })
                    == ["riskPercent", "escalation", "starvationMinutes"])
            let good = try await fd.send(
                .PUT, "api/v1/service-settings", as: fd.admin,
                json: ServiceSettingsRequest(
                    riskPercent: 30, escalation: "notify_owner@50, reassign@80", starvationMinutes: 30,
                    frustrationBonusMinutes: 10, reason: "standard customers waited too long"))
            #expect(good.status == .ok)
            let settings = try fd.decode(ServiceLevelsDTO.self, good).settings
            #expect(settings.version == 2)
            #expect(settings.escalation == "notify_owner@50, reassign@80")
            #expect(settings.starvationMinutes == 30)

            // A customer moved to premium gets premium targets on their next case.
            let standard = try await fd.inbound(from: "pat@example.com", body: "Hello")
            let customerID = standard.customerId
            #expect(
                try await fd.send(
                    .PUT, "api/v1/customers/\(customerID)/tier", as: fd.agent,
                    json: CustomerTierRequest(tier: "premium", reason: "bought membership")
                ).status == .forbidden)
            let unknown = try await fd.send(
                .PUT, "api/v1/customers/\(customerID)/tier", as: fd.lead,
                json: CustomerTierRequest(tier: "platinum", reason: "upsell"))
            #expect(try fd.problems(unknown) == ["tier: must be one of premium, standard"])
            #expect(
                try await fd.send(
                    .PUT, "api/v1/customers/\(customerID)/tier", as: fd.lead,
                    json: CustomerTierRequest(tier: "premium", reason: "bought membership")
                ).status == .noContent)
            _ = try await fd.send(
                .POST, "api/v1/cases/\(standard.caseId)/status", as: fd.agent,
                json: StatusRequest(status: "resolved", reason: "answered"))
            fd.clock.advance(by: 30 * 86400)
            let next = try await fd.inbound(from: "pat@example.com", body: "Me again")
            #expect(next.caseCreated)
            #expect(try await fd.clocks(next.caseId)["first_response"]?.policy == "premium · email · v1 · 24/7")

            // A queue that needs a skill only goes to agents who have it.
            #expect(
                try await fd.send(
                    .PUT, "api/v1/queues/\(fd.general)/skills", as: fd.lead,
                    json: QueueSkillsRequest(requiredSkills: "German, refunds")
                ).status == .noContent)
            try await fd.setAvailable(fd.agent)
            let german = try await fd.inbound(from: "kim@example.com", body: "Hallo")
            let worker = try await fd.worker()
            try await worker.drain()
            #expect(try await fd.owner(of: german.caseId) == nil)
            _ = try await fd.send(
                .PUT, "api/v1/agents/\(fd.agent.id)/profile", as: fd.lead,
                json: AgentProfileRequest(skills: "german, refunds", capacity: "email=5"))
            fd.clock.advance(by: 5)
            try await worker.drain()
            #expect(try await fd.owner(of: german.caseId) == fd.agent.id)
            let audit = try fd.decode(
                [AuditEntryDTO].self, try await fd.send(.GET, "api/v1/audit", as: fd.admin))
            let actions = Set(audit.map(\.action))
            #expect(
                actions.isSuperset(of: [
                    "service_settings.changed", "customer.tier_changed", "queue.skills_changed",
                    "agent.profile_changed", "case.assigned",
                ]))
        }
    }
}

@Suite("Routing")
struct RoutingTests {
    @Test("a new case goes to an available agent of its queue, never to one who is away")
    func assignsToAvailableAgent() async throws {
        try await TestFairdesk.with { fd in
            // setup: the General agent is away; the Billing agent is available but not in General.
            try await fd.setAvailable(fd.otherAgent)
            #expect(
                try await fd.send(
                    .PUT, "api/v1/agents/me/availability", as: fd.agent, json: AvailabilityRequest(availability: "away")
                ).status == .ok)
            let inbound = try await fd.inbound(from: "someone@example.com", body: "Hi")
            let worker = try await fd.worker()
            try await worker.drain()
            #expect(try await fd.owner(of: inbound.caseId) == nil)
            let waiting = try fd.decode(QueueStateDTO.self, try await fd.send(.GET, "api/v1/queue-state", as: fd.lead))
            #expect(waiting.waiting.map(\.tier) == ["standard"])
            // MUT: the General agent comes back.
            try await fd.setAvailable(fd.agent)
            try await worker.drain()
            // validate
            #expect(try await fd.owner(of: inbound.caseId) == fd.agent.id)
            let audit = try fd.decode(
                [AuditEntryDTO].self,
                try await fd.send(.GET, "api/v1/audit?subjectId=\(inbound.caseId)", as: fd.admin))
            #expect(audit.contains { $0.action == "case.assigned" && $0.reason?.isEmpty == false })
        }
    }

    @Test("with one free slot, a premium case is served before an older standard one")
    func premiumFirst() async throws {
        try await TestFairdesk.with { fd in
            let profile = try await fd.send(
                .PUT, "api/v1/agents/\(fd.agent.id)/profile", as: fd.lead,
                json: AgentProfileRequest(skills: "", capacity: "email=1"))
            #expect(profile.status == .ok)
            let standard = try await fd.inbound(from: "someone@example.com", body: "Hi")
            fd.clock.advance(by: 60)
            let premium = try await fd.inbound(from: "casey@example.com", body: "Hello")
            try await fd.setAvailable(fd.agent)
            try await fd.worker().drain()
            #expect(try await fd.owner(of: premium.caseId) == fd.agent.id)
            #expect(try await fd.owner(of: standard.caseId) == nil)
            let bad = try await fd.send(
                .PUT, "api/v1/agents/\(fd.agent.id)/profile", as: fd.lead,
                json: AgentProfileRequest(skills: "refunds!", capacity: "fax=2"))
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(try fd.problems(bad).map { $0.components(separatedBy: ":")[0] }) == ["skills", "capacity"])
        }
    }

    @Test("a returning customer's new case goes to the agent who owns their open case")
    func returningCustomer() async throws {
        try await TestFairdesk.with { fd in
            try await fd.setAvailable(fd.agent)
            try await fd.setAvailable(fd.lead)
            let first = try await fd.inbound(from: "casey@example.com", body: "Order A is late")
            let worker = try await fd.worker()
            try await worker.drain()
            let owner = try #require(try await fd.owner(of: first.caseId))
            // A second case for the same customer, on another channel.
            let phone = try await fd.send(
                .POST, "api/v1/cases", as: fd.admin,
                json: CreateCaseRequest(
                    customerId: fd.customer.customerID!, subject: "Order B", channel: "phone",
                    body: "Called about order B", queueId: nil))
            #expect(phone.status == .created)
            let second = try fd.decode(CaseDTO.self, phone)
            fd.clock.advance(by: 5)
            try await worker.drain()
            #expect(try await fd.owner(of: second.id) == owner)
        }
    }
}
