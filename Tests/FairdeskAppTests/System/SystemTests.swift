import FairdeskCore
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Health and metrics")
struct SystemTests {
    @Test("/health answers ok and names the database")
    func health() async throws {
        try await TestFairdesk.with { fd in
            let response = try await fd.send(.GET, "health")
            #expect(response.status == .ok)
            let body = try fd.json(response)
            #expect(body["status"] as? String == "ok")
            #expect(body["database"] as? String == (TestFairdesk.postgresURL == nil ? "sqlite" : "postgresql"))
        }
    }

    @Test("/metrics counts requests and latencies by route pattern, not by id")
    func metrics() async throws {
        try await TestFairdesk.with { fd in
            let made = try await fd.inbound(from: "casey@example.com", body: "Help")
            _ = try await fd.send(.GET, "api/v1/cases/\(made.caseId)", as: fd.agent)
            let text = try await fd.send(.GET, "metrics").body.string
            #expect(text.contains(#"http_requests_total{method="GET",path="/api/v1/cases/:caseID",status="200"}"#))
            #expect(
                text.contains(
                    #"http_request_duration_seconds_bucket{method="GET",path="/api/v1/cases/:caseID",status="200""#))
            #expect(!text.contains(made.caseId.uuidString))
        }
    }
}
