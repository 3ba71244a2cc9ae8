import FairdeskCore
import Foundation
import Testing
import VaporTesting
import Yams

@testable import FairdeskApp

@Suite("The API matches openapi.yaml")
struct OpenAPITests {
    static func spec() throws -> OpenAPISpec {
        let text = try #require(SystemController.openAPIText, "openapi.yaml is not in the bundle")
        return try OpenAPISpec(yaml: text)
    }

    /// Expects `response` to match the schema the spec gives `method template` for its status.
    static func expectValid(
        _ response: TestingHTTPResponse, _ method: String, _ template: String, spec: OpenAPISpec,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let json = try JSONSerialization.jsonObject(
            with: Data(response.body.readableBytesView), options: [.fragmentsAllowed])
        let problems = try spec.validate(json, method: method, path: template, status: Int(response.status.code))
        #expect(problems == [], "\(method) \(template) \(response.status.code)", sourceLocation: sourceLocation)
    }

    /// The machine-facing routes: the JSON API and the operational endpoints. Web pages (HTML) and
    /// the WebSockets are described in docs/web.md instead.
    static func isAPI(_ path: String) -> Bool {
        path.hasPrefix("/api/") || ["/health", "/metrics", "/openapi.yaml"].contains(path)
    }

    @Test("every API route of the app is in the spec, and every path in the spec is a route")
    func routesDocumented() async throws {
        try await TestFairdesk.with { fd in
            let spec = try Self.spec()
            let routes = Set(
                fd.app.routes.all.map { route in
                    let path = route.path.map { component -> String in
                        if case .parameter(let name) = component { return "{\(name)}" }
                        return component.description
                    }
                    return "\(route.method.rawValue) /\(path.joined(separator: "/"))"
                }.filter { Self.isAPI(String($0.split(separator: " ")[1])) })
            let documented = spec.operations
            #expect(routes.subtracting(documented).sorted() == [], "routes missing from openapi.yaml")
            #expect(documented.subtracting(routes).sorted() == [], "openapi.yaml documents routes the app lacks")
        }
    }

    @Test("no key is given twice anywhere in openapi.yaml (a YAML reader would silently keep the last)")
    func noDuplicateKeys() throws {
        let text = try #require(SystemController.openAPIText)
        var duplicates: [String] = []
        func walk(_ node: Node, _ path: String) {
            switch node {
            case .mapping(let mapping):
                var seen = Set<String>()
                for (key, value) in mapping {
                    let name = key.string ?? "?"
                    if !seen.insert(name).inserted { duplicates.append("\(path)/\(name)") }
                    walk(value, "\(path)/\(name)")
                }
            case .sequence(let sequence):
                for (index, item) in sequence.enumerated() { walk(item, "\(path)[\(index)]") }
            default: break
            }
        }
        walk(try #require(try Yams.compose(yaml: text)), "")
        #expect(duplicates == [])
    }

    @Test("/openapi.yaml is served")
    func served() async throws {
        try await TestFairdesk.with { fd in
            let response = try await fd.send(.GET, "openapi.yaml")
            #expect(response.status == .ok)
            #expect(response.body.string.hasPrefix("openapi: 3"))
        }
    }

    @Test("responses of the main routes validate against their schemas")
    func responsesValidate() async throws {
        try await TestFairdesk.with { fd in
            let spec = try Self.spec()
            func check(_ response: TestingHTTPResponse, _ method: String, _ template: String) throws {
                let json = try JSONSerialization.jsonObject(
                    with: Data(response.body.readableBytesView), options: [.fragmentsAllowed])
                let problems = try spec.validate(
                    json, method: method, path: template, status: Int(response.status.code))
                #expect(problems == [], "\(method) \(template) \(response.status.code)")
            }
            // setup: a case with every kind of entry, and a merge
            let made = try await fd.inbound(from: "casey@example.com", body: "Help")
            let other = try await fd.inbound(channel: "chat", kind: "chat", from: "visitor-12345678", body: "me again")
            try await fd.send(.POST, "api/v1/cases/\(made.caseId)/notes", as: fd.agent, json: ["body": "note"])
            try await fd.send(
                .POST, "api/v1/cases/\(made.caseId)/calls", as: fd.agent,
                json: CallRequest(
                    direction: "inbound", talkSeconds: 60, holdSeconds: 5, afterCallWorkSeconds: 20, summary: "call"))
            try await fd.send(
                .POST, "api/v1/cases/\(made.caseId)/transfer", as: fd.agent,
                json: ["toQueueId": fd.billing.uuidString, "handoffNote": "Billing question about a double charge."])

            // MUT + validate
            try check(try await fd.send(.GET, "api/v1/cases", as: fd.lead), "get", "/api/v1/cases")
            try check(
                try await fd.send(.GET, "api/v1/cases/\(made.caseId)", as: fd.lead), "get", "/api/v1/cases/{caseID}")
            try check(
                try await fd.send(.GET, "api/v1/cases/\(made.caseId)/timeline", as: fd.lead), "get",
                "/api/v1/cases/{caseID}/timeline")
            try check(
                try await fd.send(
                    .POST, "api/v1/customers/\(made.customerId)/merge", as: fd.lead,
                    json: ["sourceCustomerId": other.customerId.uuidString, "reason": "same person"]), "post",
                "/api/v1/customers/{customerID}/merge")
            try check(
                try await fd.send(.GET, "api/v1/customers/\(made.customerId)/timeline", as: fd.lead), "get",
                "/api/v1/customers/{customerID}/timeline")
            try check(
                try await fd.send(.GET, "api/v1/customers/\(made.customerId)", as: fd.lead), "get",
                "/api/v1/customers/{customerID}")
            try check(
                try await fd.send(
                    .POST, "api/v1/inbound/messages", as: fd.agent,
                    json: InboundMessageRequest(
                        channel: "email", from: IdentityInput(kind: "email", value: "x@example.com"), name: nil,
                        subject: "s",
                        body: "b", caseNumber: nil, externalId: nil)), "post", "/api/v1/inbound/messages")
            try check(
                try await fd.send(.POST, "api/v1/cases", as: fd.customer, json: ["subject": "s", "body": "b"]), "post",
                "/api/v1/cases")
            try check(try await fd.send(.GET, "api/v1/me", as: fd.agent), "get", "/api/v1/me")
            try check(try await fd.send(.GET, "api/v1/queues", as: fd.agent), "get", "/api/v1/queues")
            try check(try await fd.send(.GET, "api/v1/users", as: fd.admin), "get", "/api/v1/users")
            try check(try await fd.send(.GET, "api/v1/audit", as: fd.admin), "get", "/api/v1/audit")
            try check(try await fd.send(.GET, "health"), "get", "/health")
            // policies: two versions, one acknowledged, compared, and asked for at a time
            try check(
                try await fd.send(
                    .POST, "api/v1/policies", as: fd.policyOwner,
                    json: CreatePolicyRequest(key: "driver-standing", title: "Standing", kind: "driver_standing")),
                "post", "/api/v1/policies")
            try check(
                try await fd.publish("driver-standing", fd.version("One")), "post", "/api/v1/policies/{key}/versions")
            try await fd.publish(
                "driver-standing", fd.version("Two", changes: ["appeal_window_days": .number(10)], effectiveIn: 20))
            let version = "/api/v1/policies/{key}/versions/{number}"
            try check(
                try await fd.send(.POST, "api/v1/policies/driver-standing/versions/1/acknowledge", as: fd.driver),
                "post", version + "/acknowledge")
            try check(try await fd.send(.GET, "api/v1/policies", as: fd.driver), "get", "/api/v1/policies")
            try check(
                try await fd.send(.GET, "api/v1/policies/driver-standing", as: fd.driver), "get",
                "/api/v1/policies/{key}")
            try check(
                try await fd.send(.GET, "api/v1/policies/driver-standing/versions/2", as: fd.driver), "get", version)
            try check(
                try await fd.send(
                    .GET, "api/v1/policies/driver-standing/versions/1/acknowledgments", as: fd.policyOwner),
                "get", version + "/acknowledgments")
            try check(
                try await fd.send(.GET, "api/v1/policies/driver-standing/compare?from=1&to=2", as: fd.driver), "get",
                "/api/v1/policies/{key}/compare")
            fd.clock.advance(by: 15 * TestFairdesk.day)
            try check(
                try await fd.send(.GET, "api/v1/policies/driver-standing/in-force", as: fd.driver), "get",
                "/api/v1/policies/{key}/in-force")
            try check(
                try await fd.send(.GET, "api/v1/policy-notice-periods", as: fd.admin), "get",
                "/api/v1/policy-notice-periods")
            try check(try await fd.send(.GET, "api/v1/notifications", as: fd.driver), "get", "/api/v1/notifications")
            try check(
                try await fd.publish("driver-standing", fd.version("Past", effectiveIn: -1)), "post",
                "/api/v1/policies/{key}/versions")
            // errors too
            try check(
                try await fd.send(
                    .POST, "api/v1/cases/\(made.caseId)/transfer", as: fd.lead,
                    json: ["toQueueId": fd.general.uuidString]),
                "post", "/api/v1/cases/{caseID}/transfer")
            try check(try await fd.send(.GET, "api/v1/cases/\(UUID())", as: fd.agent), "get", "/api/v1/cases/{caseID}")
            try check(try await fd.send(.GET, "api/v1/cases"), "get", "/api/v1/cases")
        }
    }
}
