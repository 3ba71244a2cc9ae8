import Metrics
import Prometheus

/// Prometheus metrics for the whole process. Vapor records `http_requests_total` and
/// `http_request_duration_seconds` by route through swift-metrics; this sends them to one registry.
public enum FairdeskMetrics {
    public static let registry = PrometheusCollectorRegistry()

    private static let bootstrapped: Bool = {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return true
    }()

    /// Installs the registry as the process's metrics backend; safe to call more than once.
    public static func bootstrap() { _ = bootstrapped }
}
