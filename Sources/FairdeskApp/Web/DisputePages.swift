import FairdeskCore
import Fluent
import Foundation
import Vapor

/// Delivery disputes on the web: agents and leads open a customer's "delivered but not received"
/// claim at `/drivers/disputes/new`; leads and reviewers find them at `/drivers/disputes` and record
/// the finding on `/drivers/disputes/{id}`, beside the evidence it was proposed on; the driver gives
/// their side from My standing.
struct DisputePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let claimants = routes.grouped(WebGuard(DisputeRules.claimantRoles))
        claimants.get("drivers", "disputes", "new", use: newForm)
        claimants.post("drivers", "disputes", "new", use: create)
        let readers = routes.grouped(WebGuard(DeliveryDisputes.readers))
        readers.get("drivers", "disputes", use: list)
        readers.get("drivers", "disputes", ":disputeID", use: show)
        routes.grouped(WebGuard(DisputeRules.deciderRoles)).post("drivers", "disputes", ":disputeID", use: decide)
        routes.grouped(WebGuard([.driver])).post("my", "standing", "disputes", ":disputeID", "answer", use: answer)
    }

    /// The driver gives their side of an open dispute from My standing.
    @Sendable func answer(req: Request) async throws -> Response {
        struct Form: Content { var account: String? }
        let viewer = try await req.viewer([.driver])
        let form = try req.content.decode(Form.self)
        let id = req.parameters.get("disputeID", as: UUID.self)
        return try await FormSubmission.handle(
            req, form: "answer-\(id?.uuidString ?? "")", values: ["account": form.account ?? ""],
            success: "Your side is on file; the person deciding reads it.",
            redirect: SitePath.myStanding.path + "#dispute-\(id?.uuidString ?? "")",
            render: renderStanding
        ) {
            _ = try await req.application.deliveryDisputes.answer(
                DisputeAnswerRequest(account: form.account), disputeID: id, by: viewer)
        }
    }

    /// My standing again, with a refused answer shown under its dispute.
    func renderStanding(_ req: Request, form: FormState, status: HTTPStatus) async throws -> Response {
        let viewer = try await req.viewer([.driver])
        let response = try await DriverPages().render(req, driver: viewer.user, own: true, form: form)
            .encodeResponse(for: req)
        response.status = status
        return response
    }

    typealias Option = DriverPages.Option

    // MARK: The list

    struct Row: Encodable {
        var href: String
        var driverName: String
        var packageId: String
        var opened: PolicyPages.Time
        var proposed: String
        var finding: String?
        var decidedBy: String?
        var counts: Bool
    }

    struct ListPage: Encodable {
        var layout: LayoutContext
        var open: [Row]
        var decided: [Row]
        var hasOpen: Bool
        var hasDecided: Bool
        var newHref: String?
    }

    static func row(_ dispute: DeliveryDisputeDTO) -> Row {
        Row(
            href: SitePath.deliveryDispute(dispute.id).path, driverName: dispute.driverName,
            packageId: dispute.packageId, opened: PolicyPages.Time(dispute.openedAt),
            proposed: dispute.proposedFindingWords, finding: dispute.findingWords, decidedBy: dispute.decidedBy,
            counts: dispute.countsAgainstDriver)
    }

    /// The open disputes oldest first, then the latest decided.
    @Sendable func list(req: Request) async throws -> View {
        let viewer = try await req.viewer(DeliveryDisputes.readers)
        let all = try await req.application.deliveryDisputes.list()
        return try await req.view.render(
            "delivery-disputes",
            ListPage(
                layout: LayoutContext(req, title: "Delivery disputes", current: .deliveryDisputes),
                open: all.open.map(Self.row), decided: all.decided.map(Self.row), hasOpen: !all.open.isEmpty,
                hasDecided: !all.decided.isEmpty,
                newHref: DisputeRules.claimantRoles.contains(viewer.role) ? SitePath.newDeliveryDispute.path : nil))
    }

    // MARK: One dispute

    struct ScanRow: Encodable {
        var id: String
        var time: PolicyPages.Time
        var timing: String
        var place: String
        var within: Bool
    }

    struct ShowPage: Encodable {
        var layout: LayoutContext
        var dispute: DeliveryDisputeDTO
        var listHref: String
        var standingHref: String
        var opened: PolicyPages.Time
        /// The geofence radius in whole metres.
        var radius: Int
        var delivered: PolicyPages.Time
        var windowStart: PolicyPages.Time
        var windowEnd: PolicyPages.Time
        var scanAt: PolicyPages.Time?
        var decided: PolicyPages.Time?
        var driverAccountAt: PolicyPages.Time?
        /// Every scan of the package as it is on file now, against the address and the window.
        var scans: [ScanRow]
        var hasScans: Bool
        /// The form, for a lead or reviewer while the dispute is open.
        var form: FindingForm?
        /// Why the viewer, a lead, sees no form: they opened the claim for the customer.
        var openedByViewer: Bool
    }

    struct FindingForm: Encodable {
        var action: String
        var findings: [Option]
        var reason: String
        var errors: [String: String]
        var hasErrors: Bool
    }

    func renderShow(_ req: Request, form: FormState, status: HTTPStatus) async throws -> Response {
        let viewer = try await req.viewer(DeliveryDisputes.readers)
        let dispute = try await req.application.deliveryDisputes.read(
            req.parameters.get("disputeID", as: UUID.self), as: viewer)
        let driver = try await DriverStandings.driver(dispute.driverId, on: req.db)
        let records = try await DriverRecordStore.records(
            of: dispute.driverId, ids: [dispute.packageId], on: req.db)
        var scans: [ScanRow] = []
        if let package = records.packages.first {
            let used = try await DriverStandings.policy(for: driver, at: dispute.evidence.deliveredAt, on: req.db)
            scans = ScanComparison.scans(of: package, rule: ScanRule(used.policy)).map { scan, comparison in
                ScanRow(
                    id: scan.id, time: PolicyPages.Time(scan.time),
                    timing: ScanComparison.timing(of: scan.time, window: package.window), place: comparison.words,
                    within: comparison.withinGeofence)
            }
        }
        let chosen = form.values["finding"] ?? dispute.proposedFinding
        // The person who opened the claim for the customer never records its finding.
        let opener = try await DeliveryDisputes.row(id: dispute.id, on: req.db)?.claimantId
        let isOpener = opener == viewer.userID
        let mayDecide = dispute.state == "open" && DisputeRules.deciderRoles.contains(viewer.role) && !isOpener
        let page = ShowPage(
            layout: LayoutContext(
                req, title: "Dispute on package \(dispute.packageId)", current: .deliveryDisputes),
            dispute: dispute, listHref: SitePath.deliveryDisputes.path,
            standingHref: SitePath.driverStanding(dispute.driverId).path, opened: PolicyPages.Time(dispute.openedAt),
            radius: Int(dispute.evidence.geofenceRadiusMetres.rounded()),
            delivered: PolicyPages.Time(dispute.evidence.deliveredAt),
            windowStart: PolicyPages.Time(dispute.evidence.windowStart),
            windowEnd: PolicyPages.Time(dispute.evidence.windowEnd),
            scanAt: dispute.evidence.scanAt.map(PolicyPages.Time.init),
            decided: dispute.decidedAt.map(PolicyPages.Time.init),
            driverAccountAt: dispute.driverAccountAt.map(PolicyPages.Time.init), scans: scans, hasScans: !scans.isEmpty,
            form: mayDecide
                ? FindingForm(
                    action: SitePath.deliveryDispute(dispute.id).path,
                    findings: DisputeFinding.allCases.map {
                        Option(
                            value: $0.rawValue,
                            label: $0.words.prefix(1).uppercased() + $0.words.dropFirst()
                                + ($0.rawValue == dispute.proposedFinding ? " (proposed)" : ""),
                            selected: $0.rawValue == chosen)
                    }, reason: form.values["reason"] ?? "", errors: form.errors, hasErrors: !form.errors.isEmpty)
                : nil, openedByViewer: isOpener && dispute.state == "open")
        let response = try await req.view.render("delivery-dispute", page).encodeResponse(for: req)
        response.status = status
        return response
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await renderShow(req, form: FormState(), status: .ok)
    }

    @Sendable func decide(req: Request) async throws -> Response {
        struct Form: Content {
            var finding: String?
            var reason: String?
        }
        let viewer = try await req.viewer(DisputeRules.deciderRoles)
        let form = try req.content.decode(Form.self)
        let id = req.parameters.get("disputeID", as: UUID.self)
        return try await FormSubmission.handle(
            req, form: "finding", values: ["finding": form.finding ?? "", "reason": form.reason ?? ""],
            success: "Finding recorded; the driver sees it on their page.",
            redirect: id.map { SitePath.deliveryDispute($0).path } ?? SitePath.deliveryDisputes.path,
            render: renderShow
        ) {
            _ = try await req.application.deliveryDisputes.decide(
                DisputeFindingRequest(finding: form.finding, reason: form.reason), disputeID: id, by: viewer)
        }
    }

    // MARK: Opening a claim

    struct NewPage: Encodable {
        var layout: LayoutContext
        var action: String
        var drivers: [Option]
        var packageId: String
        var customerId: String
        var account: String
        var errors: [String: String]
        var hasErrors: Bool
    }

    func renderNew(_ req: Request, form: FormState, status: HTTPStatus) async throws -> Response {
        let drivers = try await User.query(on: req.db).filter(\.$role == .driver).sort(\.$name).limit(1000).all()
        let page = NewPage(
            layout: LayoutContext(req, title: "A delivery not received", current: .newDeliveryDispute),
            action: SitePath.newDeliveryDispute.path,
            drivers: try drivers.map {
                let id = try $0.requireID().uuidString
                return Option(value: id, label: "\($0.name) (\($0.email))", selected: form.values["driver"] == id)
            }, packageId: form.values["packageId"] ?? "", customerId: form.values["customerId"] ?? "",
            account: form.values["account"] ?? "", errors: form.errors, hasErrors: !form.errors.isEmpty)
        let response = try await req.view.render("delivery-dispute-new", page).encodeResponse(for: req)
        response.status = status
        return response
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        try await renderNew(req, form: FormState(), status: .ok)
    }

    @Sendable func create(req: Request) async throws -> Response {
        struct Form: Content {
            var driver: String?
            var packageId: String?
            var customerId: String?
            var account: String?
        }
        let viewer = try await req.viewer(DisputeRules.claimantRoles)
        let form = try req.content.decode(Form.self)
        let values = [
            "driver": form.driver ?? "", "packageId": form.packageId ?? "", "customerId": form.customerId ?? "",
            "account": form.account ?? "",
        ]
        var opened: UUID?
        let response = try await FormSubmission.handle(
            req, form: "claim", values: values,
            success: "Claim opened; a lead or reviewer records the finding.",
            redirect: SitePath.newDeliveryDispute.path, render: renderNew
        ) {
            guard let driver = form.driver.flatMap(UUID.init(uuidString:)) else {
                throw ApiError.invalid(field: "driver", rule: "must be chosen: the driver who carried the package")
            }
            do {
                opened =
                    try await req.application.deliveryDisputes.open(
                        DeliveryDisputeRequest(
                            packageId: form.packageId, account: form.account, customerId: form.customerId),
                        driverID: driver, by: viewer
                    ).id
            } catch let error as ApiError where error.status == .notFound {
                if error.reason.hasPrefix("driver") {
                    throw ApiError.invalid(field: "driver", rule: "must be a driver")
                }
                throw ApiError.invalid(field: "packageId", rule: "must be a package this driver carried")
            }
        }
        // Those who may read disputes land on the new one, with its proposed finding.
        if let opened, DeliveryDisputes.readers.contains(viewer.role) {
            return req.redirect(to: SitePath.deliveryDispute(opened).path)
        }
        return response
    }
}
