import FairdeskCore
import Fluent
import Foundation
import Vapor

/// `/api/v1/orders`: the order system keeps Fairdesk's copy of its orders current (admins' tokens);
/// staff read them. The bot answers order, refund and delivery questions from these records.
struct OrderController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let readers = routes.grouped(RoleGuard(Role.caseWorkers))
        readers.get("orders", ":number", use: show)
        readers.get("customers", ":customerID", "orders", use: forCustomer)
        routes.grouped(RoleGuard([.admin])).put("orders", ":number", use: save)
    }

    @Sendable func show(req: Request) async throws -> OrderDTO {
        let number = req.parameters.get("number") ?? ""
        guard let row = try await OrderBook.row(number, on: req.db) else { throw ApiError.notFound("order") }
        return row
    }

    @Sendable func forCustomer(req: Request) async throws -> [OrderDTO] {
        guard let id = req.parameters.get("customerID", as: UUID.self) else { throw ApiError.notFound("customer") }
        return try await OrderBook.of(customer: id, on: req.db)
    }

    /// Creates or replaces the order: every field is checked, and nothing is written if one fails.
    @Sendable func save(req: Request) async throws -> Response {
        let number = req.parameters.get("number") ?? ""
        let input = try req.content.decode(OrderRequest.self)
        var checks = Checks()
        if OrderNumbers.reference(OrderBook.normalized(number)) == nil {
            checks.add(
                "number", "must look like FD-123456: 1 to 4 letters, a dash, then digits (got \"\(number.prefix(40))\")"
            )
        }
        let status = checks.oneOf(input.status, field: "status", as: OrderRecord.Status.self)
        let refund =
            checks.oneOf(input.refundStatus, field: "refundStatus", as: OrderRecord.RefundStatus.self, required: false)
            ?? OrderRecord.RefundStatus.none
        let items = checks.text(input.items, field: "items", max: 200)
        let currency = checks.text(input.currency, field: "currency", max: 3)
        if let currency, currency.count != 3 || !currency.allSatisfy({ $0.isASCII && $0.isUppercase }) {
            checks.add("currency", "must be a 3-letter ISO 4217 code like EUR (got \"\(currency)\")")
        }
        if input.totalCents == nil { checks.add("totalCents", "is required") }
        if let total = input.totalCents, total < 0 { checks.add("totalCents", "must be 0 or more (got \(total))") }
        if let cents = input.refundCents, cents < 0 || cents > (input.totalCents ?? .max) {
            checks.add("refundCents", "must be from 0 to the order's totalCents (got \(cents))")
        }
        if input.placedAt == nil { checks.add("placedAt", "is required") }
        switch (input.deliveryFrom, input.deliveryUntil) {
        case (nil, nil): break
        case (let from?, let until?) where from > until:
            checks.add("deliveryUntil", "must not be before deliveryFrom")
        case (nil, _?), (_?, nil):
            checks.add("deliveryFrom", "and deliveryUntil must be given together")
        default: break
        }
        if status == .delivered, input.deliveredAt == nil {
            checks.add("deliveredAt", "is required when the status is delivered")
        }
        _ = checks.text(input.carrier, field: "carrier", max: 60, required: false)
        _ = checks.text(input.tracking, field: "tracking", max: 80, required: false)
        _ = checks.text(input.customerName, field: "customerName", max: 200, required: false)
        var identity: Identity?
        if input.customerId == nil, let email = input.customerEmail {
            do { identity = try Identity(kind: .email, raw: email, field: "customerEmail") } catch { checks.add(error) }
        } else if input.customerId == nil {
            checks.add("customerId", "or customerEmail is required: the bot tells an order only to its customer")
        }
        try checks.finish()
        let record = OrderRecord(
            number: OrderBook.normalized(number), status: status!, items: items!, totalCents: input.totalCents!,
            currency: currency!, placedAt: input.placedAt!, deliveryFrom: input.deliveryFrom,
            deliveryUntil: input.deliveryUntil, deliveredAt: input.deliveredAt, carrier: input.carrier?.trimmed,
            tracking: input.tracking?.trimmed, refundStatus: refund, refundCents: input.refundCents,
            refundUpdatedAt: input.refundUpdatedAt)
        let now = req.now
        let email = identity
        let (created, row) = try await req.application.write { db in
            let customerID: UUID
            if let id = input.customerId {
                guard try await Customer.find(id, on: db) != nil else {
                    throw ApiError.invalid(field: "customerId", rule: "must name an existing customer")
                }
                customerID = id
            } else {
                let directory = CustomerDirectory(db: db, now: now)
                if let known = try await directory.owner(of: email!) {
                    customerID = known.id
                } else {
                    customerID = try await directory.create(
                        displayName: input.customerName?.trimmed ?? email!.value, tier: "standard",
                        identities: [email!]
                    ).requireID()
                }
            }
            let existed = try await OrderBook.row(record.number, on: db) != nil
            try await OrderBook.save(record, customerID: customerID, at: now, on: db)
            return (!existed, try await OrderBook.row(record.number, on: db)!)
        }
        return try await row.encodeResponse(status: created ? .created : .ok, for: req)
    }
}
