import FairdeskCore
import Fluent
import Foundation
import Vapor

/// `/api/v1/customers`: customers, their identities, their whole timeline, and merging duplicates.
struct CustomerController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let customers = routes.grouped("customers")
        let staff = customers.grouped(RoleGuard(Role.caseWorkers))
        staff.post(use: create)
        customers.group(":customerID") { one in
            let anyReader = one.grouped(RoleGuard([.agent, .lead, .admin, .customer]))
            anyReader.get(use: show)
            anyReader.get("timeline", use: timeline)
            let staffOne = one.grouped(RoleGuard(Role.caseWorkers))
            staffOne.post("identities", use: addIdentity)
            staffOne.post("merge", use: merge)
        }
    }

    /// The customer in the URL (following merges), if the viewer may see them: staff with access to
    /// at least one of their cases, or the customer themselves.
    static func load(_ req: Request, on db: (any Database)? = nil) async throws -> (Customer, Viewer, [SupportCase]) {
        let viewer = try await req.viewer()
        let db = db ?? req.db
        guard let id = req.parameters.get("customerID", as: UUID.self),
            let customer = try await CustomerDirectory(db: db, now: req.now).current(id)
        else { throw ApiError.notFound("customer") }
        let customerID = try customer.requireID()
        if viewer.role == .customer {
            guard viewer.user.$customer.id == customerID else { throw ApiError.notFound("customer") }
            return (customer, viewer, [])
        }
        if viewer.isSupervisor { return (customer, viewer, []) }
        let cases = try await SupportCase.of(customerID, on: db)
        let visible = cases.filter(viewer.canRead)
        // An agent who created the customer moments ago has no case yet; they may still see the record.
        guard !visible.isEmpty || cases.isEmpty else { throw ApiError.notFound("customer") }
        return (customer, viewer, visible)
    }

    @Sendable func show(req: Request) async throws -> CustomerDTO {
        let (customer, _, _) = try await Self.load(req)
        return try CustomerDTO(customer, identities: try await customer.$identities.get(on: req.db))
    }

    @Sendable func timeline(req: Request) async throws -> ListPage<EntryDTO> {
        let (customer, viewer, visibleCases) = try await Self.load(req)
        let limit = try PageCursor.limit(req.query[String.self, at: "limit"])
        let cursor = try PageCursor.decode(req.query["cursor"])
        let queries = CaseQueries(db: req.db)
        let entries = try await queries.timeline(
            customerID: customer.requireID(),
            caseIDs: viewer.isSupervisor || viewer.role == .customer ? nil : visibleCases.compactMap(\.id),
            includeInternal: viewer.isCaseWorker, limit: limit, after: cursor)
        return try await queries.entryPage(entries, limit: limit)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let input = try req.content.decode(CreateCustomerRequest.self)
        var checks = Checks()
        let name = checks.text(input.displayName, field: "displayName", max: 200, required: false)
        let tier = checks.text(input.tier, field: "tier", max: 40, required: false) ?? "standard"
        if input.identities.isEmpty {
            checks.add("identities", "must list at least one email, phone, social or chat identity")
        }
        if input.identities.count > 20 { checks.add("identities", "must list at most 20 identities") }
        let identities = input.identities.enumerated().compactMap { index, item in
            item.parse(field: "identities[\(index)]", into: &checks)
        }
        try checks.finish()
        let now = req.now
        let dto = try await req.write { db in
            let directory = CustomerDirectory(db: db, now: now)
            for (index, identity) in identities.enumerated() {
                if let owner = try await directory.owner(of: identity) {
                    throw ApiError.conflict(
                        "already belongs to customer \(owner.id.uuidString)", field: "identities[\(index)].value")
                }
            }
            let customer = try await directory.create(
                displayName: name ?? identities[0].value, tier: tier, identities: Array(Set(identities)))
            return try CustomerDTO(customer, identities: try await customer.$identities.get(on: db))
        }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    @Sendable func addIdentity(req: Request) async throws -> Response {
        let input = try req.content.decode(IdentityInput.self)
        var checks = Checks()
        let identity = input.parse(field: "identity", into: &checks)
        try checks.finish()
        let now = req.now
        let dto = try await req.write { db in
            let (customer, _, _) = try await Self.load(req, on: db)
            let directory = CustomerDirectory(db: db, now: now)
            if let owner = try await directory.owner(of: identity!) {
                if owner.id == customer.id { throw ApiError.conflict("is already this customer's", field: "value") }
                throw ApiError.conflict(
                    "belongs to customer \(owner.id.uuidString); merge the two customers instead", field: "value")
            }
            try await CustomerIdentity(customerID: customer.requireID(), identity: identity!, createdAt: now).create(
                on: db)
            return try CustomerDTO(customer, identities: try await customer.$identities.get(on: db))
        }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    @Sendable func merge(req: Request) async throws -> MergeResultDTO {
        let input = try req.content.decode(MergeCustomersRequest.self)
        var checks = Checks()
        let reason = checks.text(input.reason, field: "reason", max: 2_000)
        try checks.finish()
        let now = req.now
        return try await req.write { db in
            let (target, viewer, _) = try await Self.load(req, on: db)
            let directory = CustomerDirectory(db: db, now: now)
            guard let source = try await Customer.find(input.sourceCustomerId, on: db) else {
                throw ApiError.invalid(field: "sourceCustomerId", rule: "must be an existing customer")
            }
            if let into = source.mergedIntoID {
                throw ApiError.conflict(
                    "was already merged into customer \(into.uuidString)", field: "sourceCustomerId")
            }
            if source.id == target.id {
                throw ApiError.invalid(
                    field: "sourceCustomerId", rule: "must be a different customer from the one in the URL")
            }
            if !viewer.isSupervisor {
                let sourceCases = try await SupportCase.query(on: db).filter(\.$customer.$id == source.requireID())
                    .all()
                if sourceCases.isEmpty || !sourceCases.allSatisfy(viewer.canRead) {
                    throw ApiError.forbidden("you can merge only a customer whose cases you can all see; ask a lead")
                }
            }
            let moved = try await directory.merge(source: source, into: target, actor: viewer.actor, reason: reason!)
            return MergeResultDTO(
                customer: try CustomerDTO(target, identities: try await target.$identities.get(on: db)),
                movedIdentities: moved.identities, movedCases: moved.cases)
        }
    }
}
